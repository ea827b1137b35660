// Requests of the models, scores and token-set domains, mapped to their services. Long tasks
// report model.progress events; changes to a list are announced with models.changed / tokens.changed.

import type { ModelProgressEvent } from '../../shared/ipc/events';
import type { EngineProgress } from '../engine/engine-types';
import { addModel, compileModel, listModelViews, modelDetails, removeModel, requestedModel } from '../models/model-service';
import { computeScores, importScores, listScoreSetViews, scoreSetDetail } from '../models/score-service';
import { buildStoredTokenSet, deleteTokenSet, exportTokenSet, importTokenFile, listTokenSetViews, previewTokenSet } from '../tokens/token-service';
import type { ApiDeps } from './api-deps';
import type { Handlers } from './dispatch';
import { withField } from './field-names';

type ModelHandlers = Pick<Handlers, `models.${string}` & keyof Handlers> & Pick<Handlers, `scores.${string}` & keyof Handlers>;
type TokenHandlers = Pick<Handlers, `tokens.${string}` & keyof Handlers>;

export function modelHandlers({ ctx, hub, tasks }: ApiDeps): ModelHandlers {
  const progress = (modelId: number | null, path: string, task: ModelProgressEvent['task']) => ({
    engine: (e: EngineProgress) =>
      hub.emit('model.progress', { modelId, path, task, stage: e.stage, fraction: e.fraction ?? null, message: e.message }),
    step: (stage: ModelProgressEvent['stage'], fraction: number | null, message: string) => hub.emit('model.progress', { modelId, path, task, stage, fraction, message }),
  });
  const changed = (modelId: number | null) => hub.emit('models.changed', { modelId });

  return {
    'models.list': () => listModelViews(ctx),
    'models.add': async ({ path }) => {
      const report = progress(null, path, 'add');
      const view = await addModel(ctx, path, (f) => report.step('hash', f, `Hashing ${path}`));
      changed(view.id);
      return view;
    },
    'models.remove': ({ id }) => {
      removeModel(ctx, id);
      changed(id);
      return null;
    },
    'models.details': ({ id }) => modelDetails(ctx, id),
    'models.compile': ({ id, provider }) => {
      const report = progress(id, requestedModel(ctx, id).path, 'compile');
      return tasks.run(id, 'compiling', async (signal) => {
        const details = await compileModel(ctx, id, {
          provider,
          signal,
          onProgress: report.engine,
          onMeasure: (message) => report.step('measure', null, message),
        });
        changed(id);
        return details;
      });
    },
    'models.cancel': ({ id }) => tasks.cancel(id),
    'scores.list': ({ modelId }) => listScoreSetViews(ctx, modelId),
    'scores.get': ({ id }) => scoreSetDetail(ctx, id),
    'scores.compute': ({ modelId, provider, ...params }) => {
      const report = progress(modelId, requestedModel(ctx, modelId).path, 'scores');
      return tasks.run(modelId, 'computing induction scores', async (signal) => {
        const detail = await computeScores(ctx, modelId, { ...params, provider }, {
          signal,
          onEngine: report.engine,
          onScoring: (done, total) => report.step('scoring', done / total, `Induction scores: ${done}/${total} sequences`),
        });
        changed(modelId);
        return detail;
      });
    },
    'scores.import': ({ modelId, path }) => {
      const detail = importScores(ctx, modelId, path);
      changed(modelId);
      return detail;
    },
  };
}

export function tokenHandlers({ ctx, hub }: ApiDeps): TokenHandlers {
  return {
    'tokens.list': () => listTokenSetViews(ctx),
    'tokens.import': ({ path, modelId, name }) => {
      const result = importTokenFile(ctx, path, { modelId, name });
      hub.emit('tokens.changed', { tokenSetId: result.set.id });
      return result;
    },
    'tokens.preview': ({ id, modelId, count }) => previewTokenSet(ctx, id, { modelId, count }),
    'tokens.build': ({ model, words, n, seed, forms, name }) => {
      const modelPath = 'id' in model ? requestedModel(ctx, model.id).path : model.path;
      // The word service calls pasted text "pasted text"; here it is the words.text field.
      const result = withField('pasted text', 'words.text', () => buildStoredTokenSet(ctx, { model: modelPath, words, n, seed, forms }, name));
      hub.emit('tokens.changed', { tokenSetId: result.set.id });
      return result;
    },
    'tokens.export': ({ id, format, path }) => exportTokenSet(ctx, id, format, path),
    'tokens.delete': ({ id }) => {
      deleteTokenSet(ctx, id);
      hub.emit('tokens.changed', { tokenSetId: id });
      return null;
    },
  };
}
