// Parity of the app's compiled graphs (gated ablation: z = keep*attn + uniform*mean(v)) with the
// independent reference in test/reference (literal score manipulation, float64), on tiny Llama-3.1,
// Qwen2 and Mistral checkpoints in F32 and BF16 (one sharded). Prompts are longer than the llama3
// rope's original context (64) and than Mistral's sliding window (6), so both are exercised.
// Cases and tolerances: test/reference/parity-suite.ts.

import { openAppEngine, parityCheckpoint } from '../helpers/parity-app-engine';
import { tinyLlama3, tinyMistral, tinyQwen2 } from '../../tools/fixtures/tiny-models';
import { defineParitySuites } from '../reference/parity-suite';

defineParitySuites(
  [
    parityCheckpoint('llama3 F32', tinyLlama3(), 80, 'F32'),
    parityCheckpoint('llama3 BF16 x3 shards', tinyLlama3(), 80, 'BF16', 3),
    parityCheckpoint('qwen2 F32', tinyQwen2(), 40, 'F32'),
    parityCheckpoint('qwen2 BF16', tinyQwen2(), 40, 'BF16'),
    parityCheckpoint('mistral W=6 F32', tinyMistral({ slidingWindow: 6 }), 40, 'F32'),
    parityCheckpoint('mistral W=6 BF16', tinyMistral({ slidingWindow: 6 }), 40, 'BF16'),
  ],
  openAppEngine,
);
