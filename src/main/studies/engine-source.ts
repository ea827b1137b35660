// Where a study's engine comes from: the caller's factory, or loadEngine on the model's checkpoint
// folder with a graph cache and the study's provider choice. The app builds its own opener (its
// data folder's cache, the engine in a separate process); the CLI uses the default.

import type { StudySpec } from '../../shared/study/types';
import { graphCacheDir } from '../app-paths';
import type { Engine, EngineProgress } from '../engine/engine-types';
import { loadEngine } from '../engine/load-engine';
import type { EngineSpawner } from '../engine/runtime/engine-channel';

export interface EngineRequest {
  /** Checkpoint folder. */
  modelDir: string;
  provider: StudySpec['provider'];
  onProgress?: (event: EngineProgress) => void;
  /** Aborting while the engine loads stops it (the load then rejects). */
  signal?: AbortSignal;
  /** Layer reuse (EngineOptions.reuse): studies ask for it; single probes do not need it. */
  reuse?: boolean;
}

export type OpenEngine = (request: EngineRequest) => Promise<Engine>;

/** An opener on a given graph cache, running the engine where `spawner` puts it (default: a worker thread). */
export function engineOpener(cacheDir: string, spawner?: EngineSpawner): OpenEngine {
  return ({ modelDir, provider, onProgress, signal, reuse }) => loadEngine({ modelDir, cacheDir, provider, onProgress, signal, spawner, reuse });
}

/**
 * Whether the engine of a study whose heads are not chosen yet opens with layer reuse (within each
 * batch, a trial's conditions share the layers below their lowest ablated layer; identical
 * conditions run once; equal to the whole graph within 1e-6). A guess from the spec alone: every
 * group silences heads of the upper half (`bottom`) and a batch holds several conditions of one
 * prompt. A prepared study passes the exact decision (study-reuse.ts), and the runner switches the
 * engine before its first batch if the guess was wrong.
 */
export function studyLayerReuse(spec: Pick<StudySpec, 'groups' | 'headsFile' | 'compat' | 'batchSize'>): boolean {
  if (spec.headsFile !== undefined || spec.compat === 'script' || spec.batchSize < 2) return false;
  return spec.groups.length > 0 && spec.groups.every((group) => group.layerRange === 'bottom');
}

export const defaultOpenEngine: OpenEngine = (request) => engineOpener(graphCacheDir())(request);

/** The engine a study runs on: its model, its provider (unless the caller overrides it) and its reuse choice. */
export function openStudyEngine(
  model: { path: string },
  spec: StudySpec,
  open: OpenEngine = defaultOpenEngine,
  extra: Partial<Pick<EngineRequest, 'provider' | 'signal' | 'onProgress' | 'reuse'>> = {},
): Promise<Engine> {
  const reuse = extra.reuse ?? studyLayerReuse(spec);
  return open({ modelDir: model.path, provider: extra.provider ?? spec.provider, signal: extra.signal, onProgress: extra.onProgress, reuse });
}
