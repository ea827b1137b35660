// Where a study's engine comes from: the caller's factory, or loadEngine on the model's checkpoint
// folder with the app's graph cache and the study's provider choice.

import type { StudySpec } from '../../shared/study/types';
import { graphCacheDir } from '../app-paths';
import type { Engine } from '../engine/engine-types';
import { loadEngine } from '../engine/load-engine';

export interface EngineRequest {
  /** Checkpoint folder. */
  modelDir: string;
  provider: StudySpec['provider'];
}

export type OpenEngine = (request: EngineRequest) => Promise<Engine>;

export const defaultOpenEngine: OpenEngine = ({ modelDir, provider }) =>
  loadEngine({ modelDir, cacheDir: graphCacheDir(), provider });

export function openStudyEngine(model: { path: string }, spec: StudySpec, open: OpenEngine = defaultOpenEngine): Promise<Engine> {
  return open({ modelDir: model.path, provider: spec.provider });
}
