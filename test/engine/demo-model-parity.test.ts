// The bundled demo model through the app's engine vs PyTorch: token probabilities written by the
// model's own training script (tools/demo-model/export.py: a separate forward with ablation by
// literal score manipulation) for probe prompts with no ablation, zero and mean ablation.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine-types';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { at } from '../../src/shared/checked';

interface FixtureCase {
  name: string;
  input_ids: number[][];
  heads: [number, number][];
  mode: 'none' | 'zero' | 'mean';
  token_probs: number[][];
}

const root = join(__dirname, '..', '..');
const fixture = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-model-torch.json'), 'utf8')) as {
  model: string;
  cases: FixtureCase[];
};
const ABS_TOL = 1e-4; // the bar for the PyTorch fixture (README: How correctness is checked)
const REL_TOL = 1e-4; // relative error ≤ 1e-4 on every probability above 1e-9 in fp32

let cacheDir = '';
let engine: Engine;
beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'demo-parity-'));
  engine = await loadEngine({ modelDir: join(root, fixture.model), cacheDir, provider: 'cpu' });
});
afterAll(async () => {
  await engine?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('demo model: app engine vs PyTorch (literal score ablation)', () => {
  it('has cases for every mode', () => {
    expect(new Set(fixture.cases.map((c) => c.mode))).toEqual(new Set(['none', 'zero', 'mean']));
  });

  for (const c of fixture.cases) {
    it(`${c.name}: token_probs within ${ABS_TOL} absolute`, async () => {
      const S = at(c.input_ids, 0).length;
      const heads = c.heads.map(([layer, head]) => ({ layer, head }));
      const controls = buildHeadControls(engine.info.spec, c.input_ids.map(() => ({ heads, mode: c.mode })));
      const probs = await engine.probe({ batch: c.input_ids.length, seqLen: S, inputIds: c.input_ids.flat(), ...controls });
      let maxAbs = 0;
      let maxRel = 0;
      c.token_probs.flat().forEach((want, i) => {
        const diff = Math.abs(at(probs, i) - want);
        maxAbs = Math.max(maxAbs, diff);
        if (want > 1e-9) maxRel = Math.max(maxRel, diff / want);
      });
      console.log(`demo ${c.name} (S=${S}): max |Δ| ${maxAbs.toExponential(2)}, max rel ${maxRel.toExponential(2)}`);
      expect(maxAbs).toBeLessThanOrEqual(ABS_TOL);
      expect(maxRel).toBeLessThanOrEqual(REL_TOL);
    });
  }
});
