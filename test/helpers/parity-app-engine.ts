// The app's side of the parity suites (test/reference/parity-suite.ts), shared by parity-llama and
// parity-families: a tiny checkpoint described as a ParityCheckpoint (shape read from its config.json
// keys, which each family spells its own way) and the app's Engine behind the suite's interface.

import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import type { WriteDtype } from '../../tools/fixtures/hf-checkpoint';
import { writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import type { OpenEngine, ParityCheckpoint } from '../reference/parity-suite';
import { at, entry } from '../../src/shared/checked';

type Shape = ParityCheckpoint['shape'];

/** Llama, Mistral, Qwen2 and Gemma-2 configs share these keys. */
const llamaLikeShape = (c: Record<string, number>): Shape => ({
  nLayers: entry(c, 'num_hidden_layers'), nHeads: entry(c, 'num_attention_heads'), nKvHeads: entry(c, 'num_key_value_heads'), vocab: entry(c, 'vocab_size'),
});

/** Each family spells its shape keys its own way (by config.json model_type). */
const SHAPES: Record<string, (c: Record<string, number>) => Shape> = {
  llama: llamaLikeShape,
  mistral: llamaLikeShape,
  qwen2: llamaLikeShape,
  gemma2: llamaLikeShape,
  gpt2: (c) => ({ nLayers: entry(c, 'n_layer'), nHeads: entry(c, 'n_head'), nKvHeads: entry(c, 'n_head'), vocab: entry(c, 'vocab_size') }),
  gpt_neox: (c) => ({ nLayers: entry(c, 'num_hidden_layers'), nHeads: entry(c, 'num_attention_heads'), nKvHeads: entry(c, 'num_attention_heads'), vocab: entry(c, 'vocab_size') }),
};

/** `model` written as `dtype` in `shards` files, probed with prompts of `seqLen` tokens. */
export function parityCheckpoint(label: string, model: TinyModel, seqLen: number, dtype: WriteDtype, shards = 1): ParityCheckpoint {
  const modelType = model.config.model_type as string;
  const shapeOf = SHAPES[modelType];
  if (!shapeOf) throw new Error(`parityCheckpoint: no shape reader for model_type ${modelType}`);
  return {
    label,
    modelType,
    shape: shapeOf(model.config as Record<string, number>),
    seqLen,
    write: (dir) => writeTinyModel(dir, model, { dtype, shards }),
  };
}

/** The app's Engine seen through the parity suite's interface. */
export const openAppEngine: OpenEngine = async (modelDir, cacheDir) => {
  const engine = await loadEngine({ modelDir, cacheDir, provider: 'cpu' });
  const spec = engine.info.spec;
  return {
    shape: spec,
    provider: engine.info.provider,
    probe: (ids, rows) => {
      const controls = buildHeadControls(spec, rows.map((r) => ({ mode: r.mode, heads: r.heads.map(([layer, head]) => ({ layer, head })) })));
      return engine.probe({ batch: ids.length, seqLen: at(ids, 0).length, inputIds: ids.flat(), ...controls });
    },
    patterns: (ids) => engine.patterns(ids.flat(), ids.length, at(ids, 0).length),
    close: () => engine.close(),
  };
};
