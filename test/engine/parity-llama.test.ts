// Parity of the app's compiled graphs (gated ablation: z = keep*attn + uniform*mean(v)) with the
// independent reference in test/reference (literal score manipulation, float64), on tiny Llama-3.1,
// Qwen2 and Mistral checkpoints in F32 and BF16 (one sharded). Prompts are longer than the llama3
// rope's original context (64) and than Mistral's sliding window (6), so both are exercised.
// Cases and tolerances: test/reference/parity-suite.ts.

import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { tinyLlama3, tinyMistral, tinyQwen2, writeTinyModel, type TinyModel } from '../helpers/tiny-models';
import type { WriteDtype } from '../helpers/hf-checkpoint';
import { defineParitySuites, type OpenEngine, type ParityCheckpoint } from '../reference/parity-suite';

function checkpoint(label: string, model: TinyModel, seqLen: number, dtype: WriteDtype, shards = 1): ParityCheckpoint {
  const c = model.config as { model_type: string; num_hidden_layers: number; num_attention_heads: number; num_key_value_heads: number; vocab_size: number };
  return {
    label,
    modelType: c.model_type,
    shape: { nLayers: c.num_hidden_layers, nHeads: c.num_attention_heads, nKvHeads: c.num_key_value_heads, vocab: c.vocab_size },
    seqLen,
    write: (dir) => writeTinyModel(dir, model, { dtype, shards }),
  };
}

/** The app's Engine seen through the parity suite's interface. */
const openAppEngine: OpenEngine = async (modelDir, cacheDir) => {
  const engine = await loadEngine({ modelDir, cacheDir, provider: 'cpu' });
  const spec = engine.info.spec;
  return {
    shape: spec,
    provider: engine.info.provider,
    probe: (ids, rows) => {
      const controls = buildHeadControls(spec, rows.map((r) => ({ mode: r.mode, heads: r.heads.map(([layer, head]) => ({ layer, head })) })));
      return engine.probe({ batch: ids.length, seqLen: ids[0].length, inputIds: ids.flat(), ...controls });
    },
    patterns: (ids) => engine.patterns(ids.flat(), ids.length, ids[0].length),
    close: () => engine.close(),
  };
};

defineParitySuites(
  [
    checkpoint('llama3 F32', tinyLlama3(), 80, 'F32'),
    checkpoint('llama3 BF16 x3 shards', tinyLlama3(), 80, 'BF16', 3),
    checkpoint('qwen2 F32', tinyQwen2(), 40, 'F32'),
    checkpoint('qwen2 BF16', tinyQwen2(), 40, 'BF16'),
    checkpoint('mistral W=6 F32', tinyMistral({ slidingWindow: 6 }), 40, 'F32'),
    checkpoint('mistral W=6 BF16', tinyMistral({ slidingWindow: 6 }), 40, 'BF16'),
  ],
  openAppEngine,
);
