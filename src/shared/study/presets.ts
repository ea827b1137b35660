// Ready-made studies: the paper's setting (what the seed script's bash/run_ablations.sh reproduces)
// and a quick demo sized for the bundled demo model. Each returns a complete, valid StudySpec.

import { parseStudySpec } from './spec';
import type { StudySpec } from './types';

export interface StudyPreset {
  id: 'paper' | 'demo';
  title: string;
  description: string;
  build(model: string): StudySpec;
}

/** Induction vs random heads, zero ablation, all layers, 0-1-5-10-20-50, 300 trials (the seed's defaults). */
export function paperPreset(model: string): StudySpec {
  return parseStudySpec({
    name: 'Paper: induction vs random heads',
    model,
    permutations: 300,
    maxHeadsAbl: 50,
    groups: [
      { headType: 'induction', counts: [0, 1, 5, 10, 20, 50], mode: 'zero', layerRange: 'full' },
      // One draw, as in the seed, so the numbers are comparable with the paper's.
      { headType: 'random', counts: [0, 1, 5, 10, 20, 50], mode: 'zero', layerRange: 'full', draws: 1 },
    ],
    tokenCount: 500,
    seed: 42,
  });
}

/** A small dose-response study for the demo model: 0-1-2-4-8 heads, 5 random draws for a band. */
export function demoPreset(model: string): StudySpec {
  return parseStudySpec({
    name: 'Demo: induction vs random heads',
    model,
    permutations: 300,
    maxHeadsAbl: 8,
    groups: [
      { headType: 'induction', counts: [0, 1, 2, 4, 8], mode: 'zero', layerRange: 'full' },
      { headType: 'random', counts: [0, 1, 2, 4, 8], mode: 'zero', layerRange: 'full', draws: 5 },
    ],
    tokenCount: 500,
    seed: 42,
  });
}

export const STUDY_PRESETS: readonly StudyPreset[] = [
  {
    id: 'paper',
    title: 'Reproduce the paper',
    description:
      'Silence the 1, 5, 10, 20 and 50 strongest induction heads, and as many random other heads, ' +
      'in all layers (zero ablation), over 300 shuffled prompts of 500 tokens.',
    build: paperPreset,
  },
  {
    id: 'demo',
    title: 'Quick demo',
    description:
      'Silence 1, 2, 4 and 8 induction heads or random other heads (5 random draws) of a small ' +
      'model, over 300 shuffled prompts of 500 tokens.',
    build: demoPreset,
  },
];
