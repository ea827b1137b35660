// The gemma2 family module: config.json -> ModelSpec (the tiny model's config and google's
// gemma-2-9b config as the hub has it, with and without layer_types), canonical weights (the four
// norms of a block in their places), the InputErrors, and a compile + run through loadEngine on a
// prompt longer than the sliding window. Numeric parity: parity-families.test.ts.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gemma2Family } from '../../src/main/engine/families/gemma2';
import { resolveFamily } from '../../src/main/engine/families/registry';
import { expectAblationsMove, familyCheckpoints } from '../helpers/family-harness';
import { inputError } from '../helpers/input-error';
import { tinyGemma2, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const PATH = '/models/gemma/config.json';
const parse = (config: Record<string, unknown>) => gemma2Family.parseConfig(config, PATH);

/** google/gemma-2-9b's config.json, as on the hub (no layer_types). */
const GEMMA2_9B = {
  architectures: ['Gemma2ForCausalLM'], attention_bias: false, attention_dropout: 0.0, attn_logit_softcapping: 50.0,
  bos_token_id: 2, cache_implementation: 'hybrid', eos_token_id: 1, final_logit_softcapping: 30.0, head_dim: 256,
  hidden_act: 'gelu_pytorch_tanh', hidden_activation: 'gelu_pytorch_tanh', hidden_size: 3584, initializer_range: 0.02,
  intermediate_size: 14336, max_position_embeddings: 8192, model_type: 'gemma2', num_attention_heads: 16,
  num_hidden_layers: 42, num_key_value_heads: 8, pad_token_id: 0, query_pre_attn_scalar: 256, rms_norm_eps: 1e-6,
  rope_theta: 10000.0, sliding_window: 4096, sliding_window_size: 4096, torch_dtype: 'float32',
  transformers_version: '4.42.0.dev0', use_cache: true, vocab_size: 256000,
};

describe('gemma2 parseConfig', () => {
  it('the tiny model: (1 + w) norms, post norms, sqrt(D) embedding scale, soft-caps, even layers local', () => {
    const spec = parse(tinyGemma2({ layers: 3 }).config);
    expect(spec).toMatchObject({
      family: 'gemma2', modelType: 'gemma2', nLayers: 3, nHeads: 4, nKvHeads: 2, headDim: 16, hiddenSize: 32,
      intermediateSize: 64, vocabSize: 96, maxPositions: 128, tieWordEmbeddings: true,
      norm: { kind: 'rms', eps: 1e-6, weightOffset: 1 },
      positional: { kind: 'rotary', theta: 10000, rotaryDim: 16, scaling: null },
      attention: { qkvBias: false, outBias: false, logitSoftcap: 5, slidingWindow: 4, localLayers: [true, false, true] },
      mlp: { kind: 'gated', act: 'gelu_tanh', bias: false },
      block: { parallelResidual: false, postNorms: true },
      finalLogitSoftcap: 5,
    });
    expect(spec.attention.scale).toBeCloseTo(24 ** -0.5, 12); // query_pre_attn_scalar, not head_dim
    expect(spec.embedScale).toBeCloseTo(Math.sqrt(32), 12);
  });

  it('gemma-2-9b: 42 layers, even ones sliding (4096), GQA 16/8, head_dim 256, caps 50 / 30', () => {
    const spec = parse(GEMMA2_9B);
    expect(spec).toMatchObject({ nLayers: 42, nHeads: 16, nKvHeads: 8, headDim: 256, hiddenSize: 3584, vocabSize: 256000 });
    expect(spec.attention).toMatchObject({ logitSoftcap: 50, slidingWindow: 4096 });
    expect(spec.attention.localLayers).toEqual(Array.from({ length: 42 }, (_, l) => l % 2 === 0));
    expect(spec.finalLogitSoftcap).toBe(30);
    expect(spec.embedScale).toBeCloseTo(59.866518, 5);
    expect(resolveFamily(GEMMA2_9B, PATH)).toBe(gemma2Family);
    expect(resolveFamily({ architectures: ['Gemma2ForCausalLM'] }, PATH)).toBe(gemma2Family);
  });

  it('layer_types wins over the even/odd default; null caps and null window switch them off', () => {
    const two = { ...GEMMA2_9B, num_hidden_layers: 2 };
    expect(parse({ ...two, layer_types: ['full_attention', 'sliding_attention'] }).attention.localLayers).toEqual([false, true]);
    expect(parse({ ...two, layer_types: ['full_attention', 'full_attention'] }).attention).toMatchObject({ slidingWindow: null, localLayers: [false, false] });
    expect(parse({ ...two, sliding_window: null }).attention).toMatchObject({ slidingWindow: null, localLayers: [false, false] });
    const uncapped = parse({ ...two, attn_logit_softcapping: null, final_logit_softcapping: null });
    expect([uncapped.attention.logitSoftcap, uncapped.finalLogitSoftcap]).toEqual([null, null]);
    // Absent keys take Gemma2Config's defaults.
    const defaults = parse({ ...two, attn_logit_softcapping: undefined, query_pre_attn_scalar: undefined, sliding_window: undefined });
    expect(defaults.attention).toMatchObject({ logitSoftcap: 50, slidingWindow: 4096, scale: 1 / 16 });
    expect(parse({ ...two, hidden_activation: undefined, hidden_act: 'gelu' }).mlp.act).toBe('gelu');
    expect(parse({ ...two, attention_bias: true }).attention).toMatchObject({ qkvBias: true, outBias: true });
    expect(parse({ ...two, rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 20000 } }).positional).toMatchObject({ theta: 20000 });
  });

  it('InputErrors name config.json and the key', () => {
    const missing = inputError(() => parse({ ...GEMMA2_9B, head_dim: undefined }));
    expect(missing.file).toBe(PATH);
    expect(missing.message).toMatch(/missing head_dim/);
    expect(inputError(() => parse({ ...GEMMA2_9B, num_key_value_heads: 5 })).message).toMatch(/not a multiple of num_key_value_heads \(5\)/);
    expect(inputError(() => parse({ ...GEMMA2_9B, layer_types: ['sliding_attention'] })).message).toMatch(/layer_types must be a list of 42 entries/);
    const types = Array.from({ length: 42 }, () => 'full_attention');
    types[3] = 'chunked_attention';
    expect(inputError(() => parse({ ...GEMMA2_9B, layer_types: types })).message).toMatch(/layer_types\[3\] "chunked_attention" is not supported/);
    expect(inputError(() => parse({ ...GEMMA2_9B, hidden_activation: 'relu' })).message).toMatch(/hidden_activation "relu" is not supported/);
    expect(inputError(() => parse({ ...GEMMA2_9B, use_bidirectional_attention: true })).message).toMatch(/use_bidirectional_attention/);
    expect(inputError(() => parse({ ...GEMMA2_9B, rope_scaling: { rope_type: 'linear', factor: 2 } })).message).toMatch(/rope_scaling.rope_type "linear" is not supported/);
    expect(inputError(() => parse({ ...GEMMA2_9B, attn_logit_softcapping: -1 })).message).toMatch(/attn_logit_softcapping must be a positive number/);
  });
});

describe('gemma2 weights', () => {
  const { root, weightsOf } = familyCheckpoints(gemma2Family, 'family-gemma2-');

  it("the four norms: post_attention_layernorm is AFTER attention (unlike Llama's), tied head", () => {
    const w = weightsOf('gemma2', tinyGemma2());
    const l = at(w.layers, 1);
    expect(l.preAttnNorm.weight.name).toBe('model.layers.1.input_layernorm.weight');
    expect(l.postAttnNorm?.weight.name).toBe('model.layers.1.post_attention_layernorm.weight');
    expect(l.preMlpNorm.weight.name).toBe('model.layers.1.pre_feedforward_layernorm.weight');
    expect(l.postMlpNorm?.weight.name).toBe('model.layers.1.post_feedforward_layernorm.weight');
    expect(l.attn.q.weight.dims).toEqual([32, 64]);
    expect(l.attn.k.weight.dims).toEqual([32, 32]);
    expect(l.attn.o.weight.dims).toEqual([64, 32]);
    expect(w.lmHead.weight).toBe(w.embed);
    expect(w.finalNorm.weight.name).toBe('model.norm.weight');
  });

  it('InputErrors name the tensor: a missing post norm, a wrong-shaped projection', () => {
    const noNorm = tinyGemma2();
    delete noNorm.tensors['model.layers.0.post_feedforward_layernorm.weight'];
    expect(inputError(() => weightsOf('no-norm', noNorm)).message).toMatch(/has no tensor 'model\.layers\.0\.post_feedforward_layernorm\.weight'/);
    const wrong = tinyGemma2();
    entry(wrong.tensors, 'model.layers.1.self_attn.k_proj.weight').shape = [16, 64];
    expect(inputError(() => weightsOf('wrong', wrong)).message).toMatch(/tensor model\.layers\.1\.self_attn\.k_proj\.weight has shape \[16, 64\], expected \[32, 32\]/);
  });

  it('compiles and runs past the window: finite probabilities that zero and mean ablation move', async () => {
    const dir = join(root(), 'engine');
    writeTinyModel(dir, tinyGemma2({ layers: 3 }));
    const ids = [5, 17, 42, 8, 90, 17, 3, 42, 8, 60, 71]; // 11 tokens > window 4
    const heads = [{ layer: 0, head: 1 }, { layer: 2, head: 2 }];
    await expectAblationsMove('gemma2', dir, join(root(), 'cache'), ids, [{ mode: 'zero', heads }, { mode: 'mean', heads }]);
  });
});
