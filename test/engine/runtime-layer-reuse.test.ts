// Layer reuse: the probe run by per-layer segment graphs, computing what rows share once, against
// the whole probe graph on the same batches (real onnxruntime sessions, tiny checkpoints of three
// families). Equal within 1e-6 absolute; the plan itself is checked on hand-built batches.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine-types';
import { buildHeadControls, type HeadControlRow } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { planWorkShare, reusePlan } from '../../src/main/engine/runtime/reuse-plan';
import { tinyGemma2, tinyGpt2, tinyLlama3, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { at } from '../../src/shared/checked';
import { maxAbsDiff } from '../reference/compare';

const S = 24;

function prompt(seed: number, vocab: number): number[] {
  return Array.from({ length: S }, (_, i) => (seed * 31 + i * 17 + ((i * i) % 7)) % vocab);
}

/** A study-shaped batch: two trials x (baseline, upper-layer zero, upper-layer mean, all-layer zero, the upper-layer zero again). */
function studyRows(layers: number): { rows: HeadControlRow[]; trial: number[] } {
  const upper = [{ layer: layers - 1, head: 1 }];
  const spread = [{ layer: 0, head: 0 }, { layer: layers - 1, head: 2 }];
  const conditions: HeadControlRow[] = [
    { heads: [], mode: 'none' },
    { heads: upper, mode: 'zero' },
    { heads: upper, mode: 'mean' },
    { heads: spread, mode: 'zero' },
    { heads: upper, mode: 'zero' },
  ];
  return { rows: [...conditions, ...conditions], trial: [...conditions.map(() => 0), ...conditions.map(() => 1)] };
}

const MODELS: [string, TinyModel][] = [
  ['llama (GQA, rotary)', tinyLlama3({ layers: 3, maxPositions: 64 })],
  ['gpt2 (learned positions, tied)', tinyGpt2({ layers: 3, maxPositions: 64 })],
  ['gemma2 (sliding window, soft-caps)', tinyGemma2({ layers: 3, maxPositions: 64 })],
];

describe.each(MODELS)('layer reuse on %s', (_name, model) => {
  let root: string;
  let whole: Engine;
  let reused: Engine;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-reuse-'));
    const modelDir = path.join(root, 'model');
    writeTinyModel(modelDir, model);
    whole = await loadEngine({ modelDir, cacheDir: path.join(root, 'cache'), provider: 'cpu', threads: 1 });
    reused = await loadEngine({ modelDir, cacheDir: path.join(root, 'cache'), provider: 'cpu', threads: 1, reuse: true });
  });

  afterAll(async () => {
    await whole?.close();
    await reused?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives the whole graph\'s probabilities within 1e-6, row by row', async () => {
    expect(whole.info.layerReuse).toBe(false);
    expect(reused.info.layerReuse).toBe(true);
    const spec = whole.info.spec;
    const { rows, trial } = studyRows(spec.nLayers);
    const inputIds = trial.flatMap((t) => prompt(t + 1, spec.vocabSize));
    const controls = buildHeadControls(spec, rows);
    const batch = { batch: rows.length, seqLen: S, inputIds, ...controls };
    const a = await whole.probe(batch);
    const b = await reused.probe(batch);
    expect(b.length).toBe(a.length);
    const maxDiff = maxAbsDiff(a, b);
    console.log(`layer reuse vs whole graph (${_name}): max |Δ| = ${maxDiff.toExponential(2)} over ${a.length} probabilities`);
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    // The ablations changed something (the comparison is not between identical rows only).
    const row = (r: number) => b.subarray(r * S, (r + 1) * S);
    expect(maxAbsDiff(row(3), row(0))).toBeGreaterThan(1e-4);
    // Identical conditions give identical rows.
    expect(Array.from(row(4))).toEqual(Array.from(row(1)));
  });

  it('also with the value biases of zeroed heads kept (script-exact mode)', async () => {
    const spec = whole.info.spec;
    const { rows, trial } = studyRows(spec.nLayers);
    const batch = { batch: rows.length, seqLen: S, inputIds: trial.flatMap((t) => prompt(t + 1, spec.vocabSize)), ...buildHeadControls(spec, rows, 'test', 'keep') };
    const a = await whole.probe(batch);
    const b = await reused.probe(batch);
    const maxDiff = maxAbsDiff(a, b);
    console.log(`layer reuse vs whole graph, value biases kept (${_name}): max |Δ| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });
});

describe('reusePlan', () => {
  const L = 3;
  const H = 2;
  const feeds = (prompts: number[][], rows: HeadControlRow[]) => ({
    inputIds: BigInt64Array.from(prompts.flat().map(BigInt)),
    ...buildHeadControls({ nLayers: L, nHeads: H }, rows),
    batch: rows.length,
    seqLen: at(prompts, 0).length,
    nLayers: L,
    nHeads: H,
  });

  it('shares the layers below each row\'s lowest ablated layer with its trial\'s baseline, and identical rows throughout', () => {
    const p = [1, 2, 3];
    const q = [4, 5, 6];
    const rows: HeadControlRow[] = [
      { heads: [], mode: 'none' },
      { heads: [{ layer: 2, head: 0 }], mode: 'zero' },
      { heads: [{ layer: 1, head: 1 }], mode: 'zero' },
      { heads: [{ layer: 2, head: 0 }], mode: 'zero' },
      { heads: [], mode: 'none' },
    ];
    const plan = reusePlan(feeds([p, p, p, p, q], rows), true);
    expect(plan.layers.map((l) => l.reps)).toEqual([
      [0, 4], // layer 0: one state per prompt
      [0, 2, 4], // layer 1: row 2 branches off
      [0, 1, 2, 4], // layer 2: rows 1 and 3 branch off together
    ]);
    expect(plan.layers.map((l) => l.parent)).toEqual([[0, 1], [0, 0, 1], [0, 0, 1, 2]]);
    expect(plan.rowGroup).toEqual([0, 1, 2, 1, 3]);
    expect(planWorkShare(plan, 5)).toBeCloseTo(9 / 15);
  });

  it('keeps rows apart from the layer where their value-bias weights differ', () => {
    const rows: HeadControlRow[] = [{ heads: [], mode: 'none' }, { heads: [], mode: 'none' }];
    const f = feeds([[1, 2], [1, 2]], rows);
    f.headValueBias[(1 * L + 1) * H] = 0.5; // row 1, layer 1, head 0
    expect(reusePlan(f, true).layers.map((l) => l.reps)).toEqual([[0], [0, 1], [0, 1]]);
  });

  it('keeps every row apart without reuse', () => {
    const rows: HeadControlRow[] = [{ heads: [], mode: 'none' }, { heads: [], mode: 'none' }];
    const plan = reusePlan(feeds([[1, 2], [1, 2]], rows), false);
    expect(plan.layers.map((l) => l.reps)).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(plan.rowGroup).toEqual([0, 1]);
    expect(planWorkShare(plan, 2)).toBe(1);
  });
});
