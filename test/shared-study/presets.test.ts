// Presets are complete, valid specs: the paper's setting fits GPT-2 and Llama-3.1-8B shapes, the
// demo fits the bundled demo model (4 layers x 8 heads) and resolves to the expected conditions.

import { describe, expect, it } from 'vitest';
import { resolveConditions } from '../../src/shared/study/heads';
import { demoPreset, paperPreset, STUDY_PRESETS } from '../../src/shared/study/presets';
import { parseStudySpec, validateSpecAgainstModel } from '../../src/shared/study/spec';

describe('presets', () => {
  it('paper: induction vs random, zero ablation, all layers, 0-1-5-10-20-50, 300 trials, seed 42', () => {
    const spec = paperPreset('/models/llama');
    expect(spec).toMatchObject({ model: '/models/llama', permutations: 300, maxHeadsAbl: 50, tokenCount: 500, seed: 42 });
    expect(spec.groups).toEqual([
      { headType: 'induction', counts: [0, 1, 5, 10, 20, 50], mode: 'zero', layerRange: 'full', draws: 1 },
      { headType: 'random', counts: [0, 1, 5, 10, 20, 50], mode: 'zero', layerRange: 'full', draws: 1 },
    ]);
    expect(parseStudySpec(spec)).toEqual(spec);
    validateSpecAgainstModel(spec, { nLayers: 12, nHeads: 12 }, 1000);
    validateSpecAgainstModel(spec, { nLayers: 32, nHeads: 32 }, 1000);
    expect(() => validateSpecAgainstModel(spec, { nLayers: 4, nHeads: 8 }, 1000)).toThrow(/maxHeadsAbl/);
  });

  it('demo: 0-1-2-4-8, 5 random draws, maxHeadsAbl 8, fits the demo model', () => {
    const spec = demoPreset('resources/models/demo');
    expect(spec).toMatchObject({ permutations: 300, maxHeadsAbl: 8, tokenCount: 500, seed: 42 });
    expect(spec.groups.map((g) => [g.headType, g.counts.join('-'), g.mode, g.layerRange, g.draws])).toEqual([
      ['induction', '0-1-2-4-8', 'zero', 'full', 1],
      ['random', '0-1-2-4-8', 'zero', 'full', 5],
    ]);
    const shape = { nLayers: 4, nHeads: 8 };
    validateSpecAgainstModel(spec, shape, 2000);
    const scores = Array.from({ length: 32 }, (_, i) => ({ layer: i >> 3, head: i & 7, score: (i * 7) % 32 }));
    const conditions = resolveConditions(spec, scores, shape);
    expect(conditions.length).toBe(1 + 4 + 4 * 5);
  });

  it('lists both presets with plain-language descriptions', () => {
    expect(STUDY_PRESETS.map((p) => p.id)).toEqual(['paper', 'demo']);
    for (const preset of STUDY_PRESETS) {
      expect(preset.description.length).toBeGreaterThan(40);
      expect(preset.build('m').model).toBe('m');
    }
  });
});
