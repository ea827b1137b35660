// What the app's services share: the open store, where the app keeps its data, how an engine is
// opened (in a separate process, in the app), and where the bundled demo model and the Hugging
// Face caches are. Built once by createStudioApp (studio-app.ts); tests build their own.

import type { Store } from '../store/db';
import type { OpenEngine } from '../studies/engine-source';

export interface StudioPaths {
  dataDir: string;
  dbPath: string;
  /** Compiled graphs (engine/runtime/graph-cache.ts). */
  graphsDir: string;
  /** Per-file checkpoint hashes, memoised. */
  hashMemoDir: string;
}

export interface StudioContext {
  store: Store;
  paths: StudioPaths;
  openEngine: OpenEngine;
  /** The bundled demo model's folder, or null where it is not built. */
  demoModelDir: string | null;
  /** Environment for the Hugging Face cache locations (HF_HOME, HF_HUB_CACHE...). */
  env: NodeJS.ProcessEnv;
}
