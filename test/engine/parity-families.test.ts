// Parity of the app's compiled graphs with the independent reference (test/reference) for Gemma-2,
// GPT-2 and GPT-NeoX (Pythia), in F32 and BF16 (sharded). Prompts (40) are longer than Gemma-2's
// sliding window (4) and the tiny Gemma-2's soft-caps (5) bite, so local layers and soft-capping
// before ablation are exercised; GPT-2 is checked with and without the `transformer.` name prefix,
// GPT-NeoX with parallel and sequential residuals and two rotary fractions.
// Cases and tolerances: parity-suite.ts.

import { openAppEngine, parityCheckpoint } from '../helpers/parity-app-engine';
import { tinyGemma2, tinyGpt2, tinyNeox } from '../../tools/fixtures/tiny-models';
import { defineParitySuites } from '../reference/parity-suite';

defineParitySuites(
  [
    // Layers 0 and 2 local (window 4), 1 global; hub-style config without layer_types.
    parityCheckpoint('gemma2 F32', tinyGemma2({ layers: 3 }), 40, 'F32'),
    // The same model described by an explicit layer_types list (transformers >= 4.53), sharded BF16.
    parityCheckpoint('gemma2 BF16 x2 shards, layer_types', tinyGemma2({ layers: 3, layerTypes: true }), 40, 'BF16', 2),
    parityCheckpoint('gpt2 F32', tinyGpt2(), 40, 'F32'),
    parityCheckpoint('gpt2 BF16 x2 shards, hub names', tinyGpt2({ hubNames: true }), 40, 'BF16', 2),
    parityCheckpoint('gpt_neox parallel, rotary 0.5, F32', tinyNeox(), 40, 'F32'),
    parityCheckpoint('gpt_neox sequential, rotary 0.25, BF16', tinyNeox({ parallelResidual: false, rotaryPct: 0.25 }), 40, 'BF16'),
  ],
  openAppEngine,
);
