// Every request of the contract, through the same dispatch both transports use, against a real
// store and real onnxruntime on the demo model (engine in its own process): results checked
// against the contract's result schemas, bad payloads answered with the field named, and each
// error kind (input, conflict, not-found; internal from a failing handler) as data.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchRequest, type Handlers } from '../../src/main/api/dispatch';
import { REQUEST_NAMES, type RequestName } from '../../src/shared/ipc/contract';
import { formatTable } from '../../src/shared/study/text-format';
import { runCli } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { demoModel, setupApp, smallSpec, type AppWorld } from './app-fixtures';

let w: AppWorld;
const exercised = new Set<RequestName>();
let modelId = 0;

/** Records which requests the file exercised (the last test checks all of them were). */
function track(world: AppWorld): AppWorld {
  const { call, error } = world;
  world.call = (name, payload) => {
    exercised.add(name);
    return call(name, payload);
  };
  world.error = (name, payload) => {
    exercised.add(name);
    return error(name, payload);
  };
  return world;
}

beforeAll(async () => {
  w = track(await setupApp('app-contract-'));
});
afterAll(() => w.cleanup());

describe('app and files', () => {
  it('app.info, app.pickPath (no dialog in a browser), files.list', async () => {
    const info = await w.value('app.info');
    expect(info).toMatchObject({ transport: 'bridge', nativeDialogs: false, dataDir: w.dataDir, demoModelPath: demoModel() });
    expect(await w.error('app.pickPath', { kind: 'folder' })).toMatchObject({ kind: 'conflict' });
    const listing = await w.value('files.list', { dir: demoModel(), extensions: ['json'] });
    expect(listing.entries.map((e) => e.name)).toEqual(['config.json', 'tokenizer_config.json', 'tokenizer.json', 'tokens.json', 'train-eval.json']);
    const up = await w.value('files.list', { dir: join(demoModel(), '..') });
    expect(up.entries.find((e) => e.name === 'demo-induction')).toMatchObject({ kind: 'folder', isCheckpoint: true });
    expect(await w.error('files.list', { dir: 'relative/path' })).toMatchObject({ kind: 'input', field: 'dir' });
    expect(await w.error('files.list', { dir: join(w.dir, 'nope') })).toMatchObject({ kind: 'input', file: join(w.dir, 'nope') });
  });
});

describe('models', () => {
  it('lists the demo model before it is added, adds it (hashed), refuses bad folders naming them', async () => {
    const before = await w.value('models.list');
    expect(before.find((m) => m.source === 'bundled')).toMatchObject({ id: null, checksum: null, shape: { nLayers: 4, nHeads: 8 }, tokenizer: true });
    const added = await w.value('models.add', { path: demoModel() });
    expect(added).toMatchObject({ source: 'bundled', tokenizer: true, problem: null, compiled: false, weightsDtype: 'F32' });
    expect(added.checksum).toMatch(/^[0-9a-f]{64}$/);
    modelId = added.id ?? 0;
    expect((await w.value('models.list')).filter((m) => m.source === 'bundled')).toHaveLength(1);
    expect(w.events.some((e) => e.name === 'models.changed')).toBe(true);

    const empty = join(w.dir, 'empty');
    mkdirSync(empty);
    expect(await w.error('models.add', { path: empty })).toMatchObject({ kind: 'input', file: empty, message: expect.stringMatching(/config\.json is missing/) });
    const noTokenizer = join(w.dir, 'tiny');
    writeTinyModel(noTokenizer, tinyLlama3());
    rmSync(join(noTokenizer, 'tokenizer.json'));
    const err = await w.error('models.add', { path: noTokenizer });
    expect(err).toMatchObject({ kind: 'input', file: noTokenizer });
    expect(err.message).toMatch(/no tokenizer\.json/);
    expect(await w.error('models.add', { path: '' })).toMatchObject({ kind: 'input', field: 'path' });
  });

  it('details, compile with a speed measurement and progress events, cancel when idle, unknown ids', async () => {
    const details = await w.value('models.details', { id: modelId });
    expect(details.spec).toMatchObject({ family: 'llama', nLayers: 4, nHeads: 8 });
    expect(details.files).toEqual([{ name: 'model.safetensors', sizeBytes: expect.any(Number), dtype: 'F32' }]);
    expect(details.graphs.find((g) => g.variant === 'probe' && g.dtype === 'float32')?.cached).toBe(false);
    const compiled = await w.value('models.compile', { id: modelId, provider: 'cpu' });
    expect(compiled.graphs.find((g) => g.variant === 'probe' && g.dtype === 'float32')?.cached).toBe(true);
    expect(compiled.throughput).toHaveLength(1);
    expect(compiled.throughput[0]).toMatchObject({ provider: 'cpu', dtype: 'float32', seqLen: 501, batchSize: 8 });
    expect(compiled.model.compiled).toBe(true);
    const stages = w.events.filter((e) => e.name === 'model.progress').map((e) => (e.payload as { stage: string }).stage);
    expect(stages).toContain('compile');
    expect(stages.at(-1)).toBe('measure');
    expect(await w.value('models.cancel', { id: modelId })).toBe(false);
    expect(await w.error('models.details', { id: 999 })).toMatchObject({ kind: 'not-found' });
  });
});

describe('scores', () => {
  it('computes (progress, one task per model, cancellable), lists, gets and imports score sets', async () => {
    const computed = await w.value('scores.compute', { modelId, seqLen: 8, count: 4, seed: 11, provider: 'cpu' });
    expect(computed.scores).toHaveLength(32);
    expect(computed.missing).toEqual([]);
    expect(computed.set).toMatchObject({ source: 'computed', heads: 32, method: { kind: 'repeated-random', seqLen: 8, count: 4, seed: 11 } });
    const scores = computed.scores.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // A long computation: a second task on the model is a conflict; cancel stops it at its next batch.
    const started = w.next('model.progress', (p) => p.task === 'scores' && p.stage === 'scoring');
    const long = w.call('scores.compute', { modelId, seqLen: 50, count: 400, seed: 3, provider: 'cpu' });
    await started;
    expect(await w.error('scores.compute', { modelId, count: 4, seqLen: 8 })).toMatchObject({ kind: 'conflict' });
    expect(await w.value('models.cancel', { id: modelId })).toBe(true);
    const cancelled = await long;
    expect(cancelled.ok).toBe(false);
    if (!cancelled.ok) expect(cancelled.error).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/was cancelled/) });

    const csv = join(w.dir, 'scores.csv');
    writeFileSync(csv, 'layer,head,scores\n3,1,0.9\n0,0,0.1\n');
    const imported = await w.value('scores.import', { modelId, path: csv });
    expect(imported.set).toMatchObject({ source: 'csv', heads: 2, top: { layer: 3, head: 1, score: 0.9 } });
    expect(imported.missing).toHaveLength(30);
    const bad = join(w.dir, 'bad.csv');
    writeFileSync(bad, 'layer,head,scores\n9,0,0.5\n');
    expect(await w.error('scores.import', { modelId, path: bad })).toMatchObject({ kind: 'input', file: bad });

    const sets = await w.value('scores.list', { modelId });
    expect(sets.map((s) => s.id).sort()).toEqual([computed.set.id, imported.set.id].sort());
    expect((await w.value('scores.get', { id: computed.set.id })).scores).toEqual(computed.scores);
    expect(await w.error('scores.get', { id: 999 })).toMatchObject({ kind: 'not-found' });
  });
});

describe('token sets', () => {
  it('imports (checked against a model), previews with words, deletes; bad files named', async () => {
    const file = join(demoModel(), 'tokens.json');
    const imported = await w.value('tokens.import', { path: file, modelId, name: 'demo words' });
    expect(imported.set).toMatchObject({ name: 'demo words', sourcePath: file, n: 600, studies: 0 });
    expect(imported.sourceCount).toBe(600);
    const preview = await w.value('tokens.preview', { id: imported.set.id, modelId, count: 5 });
    expect(preview.tokens).toHaveLength(5);
    expect(preview.tokens.every((t) => typeof t.text === 'string' && t.text.length > 0)).toBe(true);
    expect((await w.value('tokens.list')).map((s) => s.id)).toContain(imported.set.id);
    const bad = join(w.dir, 'tokens.txt');
    writeFileSync(bad, '5 6 seven\n');
    expect(await w.error('tokens.import', { path: bad })).toMatchObject({ kind: 'input', file: bad });
    const outside = join(w.dir, 'outside.json');
    writeFileSync(outside, JSON.stringify([5, 99999]));
    expect(await w.error('tokens.import', { path: outside, modelId })).toMatchObject({ kind: 'input', file: outside });
    expect(await w.value('tokens.delete', { id: imported.set.id })).toBeNull();
    expect(await w.error('tokens.preview', { id: imported.set.id })).toMatchObject({ kind: 'not-found' });
  });
});

describe('studies', () => {
  /** A study created through the contract and run to its end by the queue. */
  async function finishedStudy(name: string): Promise<{ id: number; modelId: number }> {
    const { id, modelId } = await w.value('studies.create', { spec: smallSpec({ name }) });
    const isIt = (e: { studyId: number }) => e.studyId === id;
    // Checked and awaited in the same tick, so a finish already recorded is not missed.
    if (!w.events.some((e) => e.name === 'study.finished' && isIt(e.payload as { studyId: number }))) await w.next('study.finished', isIt);
    return { id, modelId };
  }

  it('validates drafts: every field error at once, files mapped to their field, heads and an estimate', async () => {
    const bad = await w.value('studies.validate', { spec: smallSpec({ permutations: -1, batchSize: 'big', extra: 1 }) });
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((e) => e.field).sort()).toEqual(['spec.batchSize', 'spec.extra', 'spec.permutations']);
    const few = join(w.dir, 'few.json');
    writeFileSync(few, JSON.stringify([10, 11, 12]));
    const small = await w.value('studies.validate', { spec: smallSpec({ tokens: { source: 'file', path: few } }) });
    expect(small.errors).toEqual([{ field: 'spec.tokens.path', message: expect.stringContaining('has only 3 unique token ids') }]);
    const gone = await w.value('studies.validate', { spec: smallSpec({ model: join(w.dir, 'no-model') }) });
    expect(gone.errors[0]?.field).toBe('spec.model');

    const ok = await w.value('studies.validate', { spec: smallSpec() });
    expect(ok).toMatchObject({ valid: true, errors: [] });
    expect(ok.conditions?.map((c) => c.key)).toEqual(['baseline', 'induction-zero-full-k1', 'induction-zero-full-k2', 'random-zero-full-k1-d0']);
    expect(ok.conditions?.[1]?.heads).toBeNull(); // scores are computed when the study starts
    expect(ok.estimate).toMatchObject({ rows: 24, seqLen: 41 });
    expect(ok.estimate?.seconds).toBeGreaterThan(0); // from the measurement after compiling
    const stored = (await w.value('scores.list', { modelId })).find((s) => s.source === 'computed');
    const exact = await w.value('studies.validate', { spec: smallSpec({ scores: { source: 'store', id: stored?.id } }) });
    expect(exact.conditions?.[2]?.heads).toHaveLength(2);

    // Script mode: the script's conditions (no baseline without a 0), its value-bias default; a bad trials file is that field's error.
    const script = smallSpec({ compat: 'script', scores: { source: 'store', id: stored?.id }, groups: [{ headType: 'random', counts: [1, 2] }] });
    const scripted = await w.value('studies.validate', { spec: script });
    expect(scripted).toMatchObject({ valid: true, spec: { compat: 'script', valueBias: 'keep' } });
    expect(scripted.conditions?.map((c) => c.key)).toEqual(['random-zero-full-k1', 'random-zero-full-k2']);
    const badTrials = join(w.dir, 'bad-trials.json');
    writeFileSync(badTrials, JSON.stringify([[1, 2, 99999]]));
    const replay = await w.value('studies.validate', { spec: smallSpec({ trialsFile: badTrials }) });
    expect(replay.errors).toEqual([{ field: 'spec.trialsFile', message: expect.stringContaining('is not a token id') }]);
  });

  it('creates (queued at once, prepared and run by the queue), lists with filters, summarises, shows a trial', async () => {
    const created = await w.value('studies.create', { spec: smallSpec(), notes: 'first' });
    expect(created).toMatchObject({ status: 'queued', prepared: false, conditionCount: 4, total: 24, notes: 'first', modelId });
    const studyId = created.id;
    expect(await w.error('studies.create', { spec: smallSpec({ seed: -1 }) })).toMatchObject({ kind: 'input', field: 'spec.seed' });
    await w.next('study.finished', (e) => e.studyId === studyId);

    expect((await w.value('studies.list', { text: 'SMALL demo' })).map((s) => s.id)).toEqual([studyId]);
    expect(await w.value('studies.list', { status: ['failed'] })).toEqual([]);
    expect((await w.value('studies.list', { modelId, createdFrom: created.createdAt })).map((s) => s.id)).toEqual([studyId]);
    expect(await w.value('studies.list', { createdTo: created.createdAt })).toEqual([]);

    const summary = await w.value('studies.summary', { id: studyId });
    expect(summary.study).toMatchObject({ status: 'done', prepared: true, done: 24, total: 24 });
    expect(summary.conditions).toHaveLength(4);
    expect(summary.conditions[0]?.curve?.lags).toHaveLength(41);
    expect(summary.conditions[1]?.metrics?.vsBaseline).not.toBeNull();
    expect(summary.statistics.conditions.map((c) => c.key)).toEqual(summary.conditions.map((c) => c.condition.key));
    expect(summary.conditions[1]?.condition.heads).toHaveLength(1);
    expect(summary.provenance).toMatchObject({ provider: 'cpu', dtype: 'float32' });
    expect(summary.scoreSet?.method).toMatchObject({ kind: 'repeated-random', seqLen: 8, count: 4, seed: 11 });

    const trial = await w.value('studies.trial', { id: studyId, trial: 2 });
    expect(trial.tokens).toHaveLength(41);
    expect(trial.tokens.at(-1)?.id).toBe(trial.tokens[20]?.id); // the repeated token
    expect(trial.probs.map((p) => p.key)).toHaveLength(4);
    expect(await w.error('studies.trial', { id: studyId, trial: 99 })).toMatchObject({ kind: 'not-found' });
  });

  it('renames, annotates, duplicates as a draft, exports the same files as `studies export`', async () => {
    const { id: studyId } = await finishedStudy('to be renamed');
    expect(await w.value('studies.rename', { id: studyId, name: 'renamed' })).toMatchObject({ name: 'renamed' });
    expect(await w.value('studies.annotate', { id: studyId, notes: 'a note' })).toMatchObject({ notes: 'a note' });
    const draft = await w.value('studies.duplicate', { id: studyId });
    expect(draft).toMatchObject({ sourceId: studyId, notes: 'a note', spec: { name: 'renamed (copy)', permutations: 6, seed: 11 } });
    expect(await w.error('studies.rename', { id: 999, name: 'x' })).toMatchObject({ kind: 'not-found' });

    const outDir = join(w.dir, 'export-app');
    const exported = await w.value('studies.export', { id: studyId, outDir });
    expect(exported.partial).toBeNull();
    expect(exported.files).toContain('induction_scores.csv');
    expect(exported.files).toContain('summary.csv');
    expect(w.events.some((e) => e.name === 'study.progress' && (e.payload as { phase: string }).phase === 'exporting')).toBe(true);
    expect(await w.error('studies.export', { id: studyId, outDir: 'relative' })).toMatchObject({ kind: 'input', field: 'outDir' });

    const cliOut = join(w.dir, 'export-cli');
    const cli = runCli(['studies', 'export', String(studyId), '--out', cliOut, '--db', join(w.dataDir, 'studio.sqlite')], {}, 120_000);
    expect(cli.code, cli.stderr).toBe(0);
    const same = exported.files.filter((f) => f !== 'provenance.json' && !f.startsWith('figures/'));
    for (const f of same) expect(readFileSync(join(cliOut, f)).equals(readFileSync(join(outDir, f))), f).toBe(true);
    expect(readdirSync(join(cliOut, 'figures')).sort()).toEqual(exported.files.filter((f) => f.startsWith('figures/')).map((f) => f.slice(8)).sort());
    console.log(`export: ${exported.files.length} files, ${same.length} compared byte for byte with the CLI's`);
  });

  it('compares studies with the same table, CSV and figure series as `studies compare`', async () => {
    const { id: studyId } = await finishedStudy('compared');
    const compared = await w.value('studies.compare', { ids: [studyId] });
    expect(compared.studies).toEqual([{ id: studyId, name: 'compared', model: 'demo-induction' }]);
    // induction k1, k2 and random k1: one row per head count (1, 2)
    expect(compared.table.rows.map((r) => r.cells[4])).toEqual(['1', '2']);
    expect(compared.table.rows.every((r) => r.cells.length === compared.table.header.length)).toBe(true);
    expect(compared.series.map((s) => s.label)).toEqual([`#${studyId} demo-induction: induction heads`, `#${studyId} demo-induction: random heads`]);
    expect(compared.series[0]?.points[0]).toEqual({ count: 0, value: 1, low: 1, high: 1 });

    const cliOut = join(w.dir, 'compare-cli');
    const cli = runCli(['studies', 'compare', String(studyId), '--out', cliOut, '--db', join(w.dataDir, 'studio.sqlite')], {}, 120_000);
    expect(cli.code, cli.stderr).toBe(0);
    expect(compared.csv).toBe(readFileSync(join(cliOut, 'compare.csv'), 'utf8'));
    const { header, rows, align } = compared.table;
    expect(cli.stdout).toContain(formatTable(header, rows.map((r) => r.cells), align));

    expect(await w.error('studies.compare', { ids: [studyId, studyId] })).toMatchObject({ kind: 'input', field: 'ids' });
    expect(await w.error('studies.compare', { ids: [] })).toMatchObject({ kind: 'input', field: 'ids' });
    expect(await w.error('studies.compare', { ids: [studyId, 999] })).toMatchObject({ kind: 'not-found' });
  });

  it('queue requests answer with the state; wrong states are conflicts; delete removes a study', async () => {
    const { id: studyId, modelId: studyModelId } = await finishedStudy('deleted');
    expect(await w.value('queue.state')).toMatchObject({ running: null, waiting: [] });
    expect(await w.error('queue.enqueue', { id: studyId })).toMatchObject({ kind: 'conflict' });
    expect(await w.error('queue.resume', { id: studyId })).toMatchObject({ kind: 'conflict' });
    expect(await w.error('queue.pause', { id: studyId })).toMatchObject({ kind: 'conflict' });
    expect(await w.error('queue.cancel', { id: studyId })).toMatchObject({ kind: 'conflict' });
    expect(await w.error('queue.reorder', { ids: [studyId] })).toMatchObject({ kind: 'conflict' });
    expect(await w.error('queue.pause', { id: 999 })).toMatchObject({ kind: 'not-found' });
    expect(await w.value('studies.delete', { id: studyId })).toBeNull();
    expect(await w.error('studies.summary', { id: studyId })).toMatchObject({ kind: 'not-found' });
    // A model leaves the list once no study uses it: the other tests' studies go first.
    for (const other of await w.value('studies.list', { modelId: studyModelId })) await w.value('studies.delete', { id: other.id });
    expect(await w.value('models.remove', { id: studyModelId })).toBeNull();
    expect((await w.value('models.list')).find((m) => m.source === 'bundled')?.id).toBeNull();
  });
});

describe('hub and token sets from words (full flows against a local hub: hub-requests.test.ts)', () => {
  it('hub.* requests answer with the masked status and job lists; tokens.build and tokens.export', async () => {
    expect(await w.value('hub.downloads')).toEqual([]);
    expect(await w.error('hub.download', { repoId: 'not a repo' })).toMatchObject({ kind: 'input', field: 'repoId' });
    expect(await w.value('hub.cancelDownload', { id: 99 })).toBe(false);
    const saved = await w.value('hub.setToken', { token: 'hf_contractTestToken0042' });
    expect(saved.saved).toBe('file');
    expect(JSON.stringify(saved)).not.toContain('contractTestToken');
    expect((await w.value('hub.tokenStatus')).saved).toBe('file');
    expect((await w.value('hub.clearToken')).saved).toBeNull();
    const built = await w.value('tokens.build', { model: { path: demoModel() }, words: { kind: 'bundled' }, n: 8 });
    expect(built.preview).toHaveLength(8);
    const out = join(w.dir, 'built.json');
    expect(await w.value('tokens.export', { id: built.set.id, format: 'json', path: out })).toEqual({ path: out, format: 'json', n: 8 });
  });
});

describe('dispatch', () => {
  it('names the field of a bad payload, refuses unknown requests, reports a failing handler as internal', async () => {
    expect(await w.error('studies.summary', { id: 'one' })).toMatchObject({ kind: 'input', field: 'id' });
    expect(await w.error('queue.state', { extra: 1 })).toMatchObject({ kind: 'input', field: 'extra' });
    const unknown = await dispatchRequest(w.app.handlers, 'studies.explode', {}, () => undefined);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const logged: unknown[] = [];
    const broken = { ...w.app.handlers, 'queue.state': () => { throw new TypeError('x is undefined'); } } as Handlers;
    const internal = await dispatchRequest(broken, 'queue.state', {}, (_m, err) => logged.push(err));
    expect(internal).toEqual({ ok: false, error: { kind: 'internal', message: 'Something went wrong (queue.state): x is undefined' } });
    expect(logged).toHaveLength(1);
  });

  it('exercised every request of the contract', () => {
    expect(REQUEST_NAMES.filter((name) => !exercised.has(name))).toEqual([]);
  });
});
