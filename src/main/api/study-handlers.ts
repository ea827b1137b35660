// Requests of the studies and queue domains, mapped to their services. Creating a study stores it
// and puts it in the queue at once (its preparation is the queued job's first phase); every change
// is announced with studies.changed, and the queue's own events follow from its operations.

import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ConflictError, InputError } from '../../shared/errors';
import { APP_VERSION } from '../studies/app-version';
import { compareCsv, compareRows, compareSeries, compareTableCells, loadComparedStudy } from '../export/compare-studies';
import { exportStudy } from '../export/export-study';
import { listFolder } from '../app/folder-listing';
import { findModelByPath } from '../store/models-repo';
import { registerStudy } from '../studies/create-study';
import { validateDraft } from '../studies/draft-validation';
import { queueStateView } from '../studies/queue-view';
import { annotateStudy, deleteStudy, renameStudy } from '../studies/study-service';
import { requireStudyRecord } from '../store/studies-repo';
import { duplicateDraft, listStudyViews, studyListView, studySummaryView, trialView } from '../studies/study-views';
import type { ApiDeps } from './api-deps';
import type { Handlers } from './dispatch';

type Domain<D extends string> = Pick<Handlers, `${D}.${string}` & keyof Handlers>;

export function studyHandlers(deps: ApiDeps): Domain<'studies'> {
  const { ctx, hub, queue } = deps;
  const { store } = ctx;
  const view = (id: number) => studyListView(store, requireStudyRecord(store, id));
  const updated = (id: number) => {
    hub.emit('studies.changed', { studyId: id, change: 'updated' });
    return view(id);
  };
  return {
    'studies.validate': ({ spec }) => validateDraft(store, spec),
    'studies.create': async ({ spec, notes }) => {
      const id = await registerStudy(store, spec, { notes, hashMemoDir: ctx.paths.hashMemoDir, modelSource: modelSourceOf(deps, spec) });
      hub.emit('studies.changed', { studyId: id, change: 'created' });
      queue.enqueue(id);
      return view(id);
    },
    'studies.list': (filter) => listStudyViews(store, filter),
    'studies.summary': ({ id }) => studySummaryView(store, id),
    'studies.trial': ({ id, trial }) => trialView(store, id, trial),
    'studies.rename': ({ id, name }) => {
      renameStudy(store, id, name);
      return updated(id);
    },
    'studies.annotate': ({ id, notes }) => {
      annotateStudy(store, id, notes);
      return updated(id);
    },
    'studies.compare': ({ ids }) => {
      const studies = ids.map((id) => loadComparedStudy(store, id));
      const rows = compareRows(studies);
      const { header, align, cells } = compareTableCells(rows);
      return {
        studies: studies.map((s) => ({ id: s.summary.studyId, name: s.summary.name, model: s.model })),
        table: { header, align, rows: rows.map((r, i) => ({ studyId: r.study.summary.studyId, cells: cells[i] ?? [] })) },
        csv: compareCsv(rows),
        series: compareSeries(rows),
      };
    },
    'studies.duplicate': ({ id }) => duplicateDraft(store, id),
    'studies.delete': ({ id }) => {
      queue.forget(id);
      deleteStudy(store, id);
      hub.emit('studies.changed', { studyId: id, change: 'deleted' });
      return null;
    },
    'studies.export': async ({ id, outDir, modelName, partial }) => {
      if (!isAbsolute(outDir)) throw new InputError('outDir', `must be an absolute folder path, got ${JSON.stringify(outDir)}`);
      const study = requireStudyRecord(store, id);
      const report = (fraction: number | null, message: string) =>
        hub.emit('study.progress', { studyId: id, phase: 'exporting', done: 0, total: 0, rowsPerSecond: null, etaSeconds: null, fraction, message });
      const out = await exportStudy(store, study.id, resolve(outDir), { modelName, partial, onProgress: report });
      const written = [out.summary, out.provenance, ...out.tables, ...out.stats, ...out.heads, ...out.figures, out.trials, out.scores];
      const files = written.flatMap((f) => (f ? [f.slice(out.outDir.length + 1)] : [])).sort();
      return { outDir: out.outDir, files, partial: out.partial ? { trials: out.partial.trials, permutations: out.partial.permutations } : null };
    },
  };
}

/** Recorded with a model row that a study creates: the bundled demo, a Hugging Face cache snapshot, or a folder. */
function modelSourceOf({ ctx }: ApiDeps, spec: unknown): string {
  const model = typeof spec === 'object' && spec !== null ? (spec as { model?: unknown }).model : undefined;
  if (typeof model !== 'string') return 'folder';
  const path = resolve(model);
  const known = findModelByPath(ctx.store, path);
  if (known) return known.source;
  if (ctx.demoModelDir && path === resolve(ctx.demoModelDir)) return 'bundled';
  return /[\\/]models--[^\\/]+[\\/]snapshots[\\/]/.test(path) ? 'hf-cache' : 'folder';
}

export function queueHandlers({ ctx, queue }: ApiDeps): Domain<'queue'> {
  const state = () => queueStateView(ctx.store, queue);
  return {
    'queue.state': state,
    'queue.enqueue': ({ id }) => (queue.enqueue(id), state()),
    'queue.pause': ({ id }) => (queue.pause(id), state()),
    'queue.resume': ({ id }) => (queue.resume(id), state()),
    'queue.cancel': ({ id }) => (queue.cancel(id), state()),
    'queue.reorder': ({ ids }) => (queue.reorder(ids), state()),
  };
}

export function appHandlers({ ctx, transport, pickPath }: ApiDeps): Domain<'app'> & Domain<'files'> {
  return {
    'app.info': () => ({
      appVersion: APP_VERSION,
      transport,
      nativeDialogs: pickPath !== null,
      dataDir: ctx.paths.dataDir,
      dbPath: ctx.paths.dbPath,
      demoModelPath: ctx.demoModelDir,
      homeDir: homedir(),
      platform: process.platform,
    }),
    'app.pickPath': async (request) => {
      if (!pickPath) throw new ConflictError('app.pickPath', 'there is no native file dialog in a browser; type the path, or browse with files.list');
      return { path: await pickPath(request) };
    },
    'files.list': ({ dir, extensions }) => listFolder(dir ?? homedir(), extensions),
  };
}
