// Parity of the app's compiled graphs with the independent reference (test/reference) for Gemma-2,
// GPT-2 and GPT-NeoX (Pythia), in F32 and BF16 (sharded). Prompts (40) are longer than Gemma-2's
// sliding window (4) and the tiny Gemma-2's soft-caps (5) bite, so local layers and soft-capping
// before ablation are exercised; GPT-2 is checked with and without the `transformer.` name prefix,
// GPT-NeoX with parallel and sequential residuals and two rotary fractions.
// Cases and tolerances: parity-suite.ts.

import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { tinyGemma2, tinyGpt2, tinyNeox, writeTinyModel, type TinyModel } from '../helpers/tiny-models';
import type { WriteDtype } from '../helpers/hf-checkpoint';
import { defineParitySuites, type OpenEngine, type ParityCheckpoint } from '../reference/parity-suite';

type Shape = ParityCheckpoint['shape'];

/** Each family spells its shape keys its own way. */
const SHAPES: Record<string, (c: Record<string, number>) => Shape> = {
  gemma2: (c) => ({ nLayers: c.num_hidden_layers, nHeads: c.num_attention_heads, nKvHeads: c.num_key_value_heads, vocab: c.vocab_size }),
  gpt2: (c) => ({ nLayers: c.n_layer, nHeads: c.n_head, nKvHeads: c.n_head, vocab: c.vocab_size }),
  gpt_neox: (c) => ({ nLayers: c.num_hidden_layers, nHeads: c.num_attention_heads, nKvHeads: c.num_attention_heads, vocab: c.vocab_size }),
};

function checkpoint(label: string, model: TinyModel, seqLen: number, dtype: WriteDtype, shards = 1): ParityCheckpoint {
  const modelType = model.config.model_type as string;
  return {
    label,
    modelType,
    shape: SHAPES[modelType](model.config as Record<string, number>),
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
    // Layers 0 and 2 local (window 4), 1 global; hub-style config without layer_types.
    checkpoint('gemma2 F32', tinyGemma2({ layers: 3 }), 40, 'F32'),
    // The same model described by an explicit layer_types list (transformers >= 4.53), sharded BF16.
    checkpoint('gemma2 BF16 x2 shards, layer_types', tinyGemma2({ layers: 3, layerTypes: true }), 40, 'BF16', 2),
    checkpoint('gpt2 F32', tinyGpt2(), 40, 'F32'),
    checkpoint('gpt2 BF16 x2 shards, hub names', tinyGpt2({ hubNames: true }), 40, 'BF16', 2),
    checkpoint('gpt_neox parallel, rotary 0.5, F32', tinyNeox(), 40, 'F32'),
    checkpoint('gpt_neox sequential, rotary 0.25, BF16', tinyNeox({ parallelResidual: false, rotaryPct: 0.25 }), 40, 'BF16'),
  ],
  openAppEngine,
);
