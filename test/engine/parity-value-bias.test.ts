// Value bias kept vs removed under ablation, on tiny checkpoints WITH value biases (GPT-2's c_attn,
// GPT-NeoX's fused qkv, Qwen2's v_proj with grouped-query attention). "keep" is checked against the
// reference with TransformerLens's folding done literally (b_V set to 0, b_O += sum_h b_V,h W_O,h,
// then the scores ablated as the seed's hooks do); "remove" against the plain reference. Tolerances
// as the other parity suites: |Δ| <= 1e-5 and relative <= 1e-4 on probabilities above 1e-9.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeadControls, type ValueBiasChoice } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import type { Engine } from '../../src/main/engine/engine-types';
import { tinyGpt2, tinyNeox, tinyQwen2, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { diffTokenProbs, formatDiff, maxRelChange } from '../reference/compare';
import { loadReferenceModel, runReference, type RefModel, type ReferenceAblation } from '../reference/forward';
import { trialPrompt } from '../reference/parity-cases';
import { ABS_TOL, REL_TOL } from '../reference/parity-suite';

const S = 24;

const MODELS: [string, () => TinyModel][] = [
  ['gpt2', () => tinyGpt2()],
  ['gpt_neox', () => tinyNeox()],
  ['qwen2 (grouped-query)', () => tinyQwen2()],
];

type CaseName = 'zero' | 'mean' | 'mixed batch';

/** The rows of each case for a model of L layers and H heads. */
function caseRows(name: CaseName, L: number, H: number): ReferenceAblation[] {
  if (name === 'zero') return [{ heads: [[0, 0], [0, 1], [L - 1, H - 1]], mode: 'zero' }, { heads: [[L - 1, 0]], mode: 'zero' }];
  if (name === 'mean') return [{ heads: [[0, H - 2], [L - 1, 0]], mode: 'mean' }, { heads: [[0, 0]], mode: 'mean' }];
  return [{ heads: [], mode: 'none' }, { heads: [[0, 1]], mode: 'zero' }, { heads: [[L - 1, 1]], mode: 'mean' }];
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'value-bias-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

for (const [label, make] of MODELS) {
  describe(`value bias, ${label}`, () => {
    let engine: Engine;
    let plain: RefModel;
    let folded: RefModel;

    beforeAll(async () => {
      const dir = join(root, label.replace(/\W+/g, '-'));
      writeTinyModel(dir, make(), { dtype: 'F32' });
      engine = await loadEngine({ modelDir: dir, cacheDir: join(root, 'cache'), provider: 'cpu' });
      plain = loadReferenceModel(dir);
      folded = loadReferenceModel(dir, { foldValueBias: true });
    });
    afterAll(async () => {
      await engine?.close();
    });

    async function probe(ids: number[][], rows: ReferenceAblation[], valueBias: ValueBiasChoice): Promise<Float32Array> {
      const controls = buildHeadControls(
        engine.info.spec,
        rows.map((r) => ({ mode: r.mode, heads: r.heads.map(([layer, head]) => ({ layer, head })) })),
        'test',
        valueBias,
      );
      return engine.probe({ batch: ids.length, seqLen: S, inputIds: ids.flat(), ...controls });
    }

    it('folding the value bias leaves the unablated model unchanged (reference)', () => {
      const ids = [trialPrompt(plain.vocabSize, S, 1)];
      const none: ReferenceAblation[] = [{ heads: [], mode: 'none' }];
      const d = diffTokenProbs(runReference(folded, ids, none).tokenProbs.flat(), runReference(plain, ids, none).tokenProbs);
      expect(d.maxRel).toBeLessThan(1e-12);
    });

    for (const name of ['zero', 'mean', 'mixed batch'] as const) {
      it(`${name}: keep matches the folded reference, remove the plain one`, async () => {
        const rows = caseRows(name, engine.info.spec.nLayers, engine.info.spec.nHeads);
        const ids = rows.map((_, i) => trialPrompt(plain.vocabSize, S, 10 + i));
        const refKeep = runReference(folded, ids, rows).tokenProbs;
        const refRemove = runReference(plain, ids, rows).tokenProbs;
        const keep = diffTokenProbs(await probe(ids, rows, 'keep'), refKeep);
        const remove = diffTokenProbs(await probe(ids, rows, 'remove'), refRemove);
        const effect = maxRelChange(refRemove, refKeep);
        console.log(`${formatDiff(`${label} | ${name} | keep`, keep)}; ${formatDiff('remove', remove)}; keep vs remove differ by up to ${(100 * effect).toFixed(2)}%`);
        for (const d of [keep, remove]) {
          expect(d.maxAbs).toBeLessThanOrEqual(ABS_TOL);
          expect(d.maxRel).toBeLessThanOrEqual(REL_TOL);
          expect(d.relCount).toBe(ids.length * S);
        }
        // Zero ablation is where the choice matters; mean ablation is unaffected by it.
        if (name === 'mean') expect(effect).toBeLessThan(1e-9);
        else expect(effect).toBeGreaterThan(100 * REL_TOL);
      });
    }
  });
}
