// The gpt_neox family module: config.json -> ModelSpec (the tiny model's config, EleutherAI's
// pythia-160m config and the transformers 5 rope_parameters spelling), canonical weights (the fused
// query_key_value split per head as (head, q|k|v, d_head)), the InputErrors, and a compile + run
// through loadEngine on a checkpoint carrying the old mask / inv_freq buffers. Parity: parity-families.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gptNeoxFamily } from '../../src/main/engine/families/gpt-neox';
import { resolveFamily } from '../../src/main/engine/families/registry';
import { expectAblationsMove, familyCheckpoints, writeWithBuffers } from '../helpers/family-harness';
import { inputError } from '../helpers/input-error';
import { tinyNeox } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const PATH = '/models/pythia/config.json';
const parse = (config: Record<string, unknown>) => gptNeoxFamily.parseConfig(config, PATH);

/** EleutherAI/pythia-160m's config.json, as on the hub. */
const PYTHIA_160M = {
  architectures: ['GPTNeoXForCausalLM'], bos_token_id: 0, eos_token_id: 0, hidden_act: 'gelu', hidden_size: 768,
  initializer_range: 0.02, intermediate_size: 3072, layer_norm_eps: 1e-5, max_position_embeddings: 2048,
  model_type: 'gpt_neox', num_attention_heads: 12, num_hidden_layers: 12, rotary_emb_base: 10000, rotary_pct: 0.25,
  tie_word_embeddings: false, torch_dtype: 'float16', transformers_version: '4.24.0', use_cache: true,
  use_parallel_residual: true, vocab_size: 50304,
};

describe('gpt_neox parseConfig', () => {
  it('the tiny model: partial rotary, parallel residual, LayerNorm, biases, erf gelu, untied head', () => {
    const spec = parse(tinyNeox().config);
    expect(spec).toMatchObject({
      family: 'gpt_neox', modelType: 'gpt_neox', nLayers: 2, nHeads: 4, nKvHeads: 4, headDim: 8, hiddenSize: 32,
      intermediateSize: 128, vocabSize: 96, maxPositions: 128, tieWordEmbeddings: false,
      norm: { kind: 'layer', eps: 1e-5, weightOffset: 0 },
      positional: { kind: 'rotary', theta: 10000, rotaryDim: 4, scaling: null },
      attention: { qkvBias: true, outBias: true, logitSoftcap: null, slidingWindow: null, localLayers: [false, false] },
      mlp: { kind: 'plain', act: 'gelu', bias: true },
      block: { parallelResidual: true, postNorms: false },
      embedScale: 1, finalLogitSoftcap: null,
    });
    expect(spec.attention.scale).toBeCloseTo(1 / Math.sqrt(8), 12);
    expect(parse(tinyNeox({ parallelResidual: false, rotaryPct: 0.25 }).config)).toMatchObject({
      block: { parallelResidual: false }, positional: { rotaryDim: 2 },
    });
  });

  it('pythia-160m: rotary_ndims = int(64 x 0.25) = 16; rope_theta and rope_parameters spellings', () => {
    expect(parse(PYTHIA_160M)).toMatchObject({ nLayers: 12, nHeads: 12, headDim: 64, vocabSize: 50304, maxPositions: 2048, positional: { theta: 10000, rotaryDim: 16 } });
    const flat = { ...PYTHIA_160M, rotary_emb_base: undefined, rope_theta: 50000 };
    expect(parse(flat).positional).toMatchObject({ theta: 50000, rotaryDim: 16 });
    const v5 = { ...PYTHIA_160M, rotary_emb_base: undefined, rotary_pct: undefined, rope_parameters: { rope_type: 'default', rope_theta: 20000, partial_rotary_factor: 0.5 } };
    expect(parse(v5).positional).toMatchObject({ theta: 20000, rotaryDim: 32 });
    // int() truncates: 64 x 0.2 = 12.8 -> 12.
    expect(parse({ ...PYTHIA_160M, rotary_pct: 0.2 }).positional).toMatchObject({ rotaryDim: 12 });
    expect(parse({ ...PYTHIA_160M, attention_bias: false }).attention).toMatchObject({ qkvBias: false, outBias: false });
    expect(parse({ ...PYTHIA_160M, hidden_act: 'gelu_fast' }).mlp.act).toBe('gelu_tanh'); // GPT-NeoX-20B
  });

  it('dispatch: model_type gpt_neox, or GPTNeoXForCausalLM alone', () => {
    expect(resolveFamily(PYTHIA_160M, PATH)).toBe(gptNeoxFamily);
    expect(resolveFamily({ architectures: ['GPTNeoXForCausalLM'] }, PATH)).toBe(gptNeoxFamily);
  });

  it('InputErrors name config.json and the key', () => {
    const missing = inputError(() => parse({ ...PYTHIA_160M, intermediate_size: undefined }));
    expect(missing.file).toBe(PATH);
    expect(missing.message).toMatch(/missing intermediate_size/);
    expect(inputError(() => parse({ ...PYTHIA_160M, num_attention_heads: 7 })).message).toMatch(/hidden_size \(768\) is not divisible by num_attention_heads \(7\)/);
    expect(inputError(() => parse({ ...PYTHIA_160M, rotary_pct: 0.3 })).message).toMatch(/rotary_pct 0.3 gives 19 rotary dims of head_dim 64 \(must be even/);
    expect(inputError(() => parse({ ...PYTHIA_160M, rotary_pct: 2 })).message).toMatch(/rotary_pct must be at most 1/);
    expect(inputError(() => parse({ ...PYTHIA_160M, rope_scaling: { type: 'linear', factor: 2 } })).message).toMatch(/rope_scaling.rope_type "linear" is not supported/);
    expect(inputError(() => parse({ ...PYTHIA_160M, use_parallel_residual: 1 })).message).toMatch(/use_parallel_residual must be true or false/);
  });
});

describe('gpt_neox weights', () => {
  const { root, weightsOf } = familyCheckpoints(gptNeoxFamily, 'family-neox-');

  it('query_key_value rows (head, q|k|v, d_head) become MatMul-ready q, k, v [D, H x Dh] in head order', () => {
    const m = tinyNeox();
    const D = 32;
    const Dh = 8;
    const qkv = entry(m.tensors, 'gpt_neox.layers.1.attention.query_key_value.weight').data; // [96, 32]
    const qkvBias = entry(m.tensors, 'gpt_neox.layers.1.attention.query_key_value.bias').data; // [96]
    const w = weightsOf('neox', m, (w) => {
      const parts = at(w.layers, 1).attn;
      for (const [j, part] of [parts.q, parts.k, parts.v].entries()) {
        const data = part.weight.read(); // [D, H * Dh]
        const bias = part.bias?.read() ?? new Float32Array();
        for (const [h, d, i] of [[0, 0, 0], [1, 3, 17], [3, 7, 31], [2, 5, 9]] as const) {
          const row = (h * 3 + j) * Dh + d;
          expect(data[i * D + h * Dh + d]).toBe(qkv[row * D + i]);
          expect(bias[h * Dh + d]).toBe(qkvBias[row]);
        }
      }
    });
    expect(at(w.layers, 1).attn.k.weight).toMatchObject({ name: 'gpt_neox.layers.1.attention.query_key_value.weight/k', dims: [32, 32] });
    expect(at(w.layers, 0).attn.o.weight).toMatchObject({ name: 'gpt_neox.layers.0.attention.dense.weight', dims: [32, 32] });
    expect(at(w.layers, 0).preMlpNorm.weight.name).toBe('gpt_neox.layers.0.post_attention_layernorm.weight');
    expect(at(w.layers, 0).mlp).toMatchObject({ kind: 'plain', fcIn: { weight: { dims: [32, 128] } }, fcOut: { weight: { dims: [128, 32] } } });
    expect(w.lmHead.weight).toMatchObject({ name: 'embed_out.weight', dims: [96, 32] });
    expect(w.positions).toBeNull();
  });

  it('InputErrors name the tensor: wrong fused shape, missing fused tensor, missing embed_out', () => {
    const wrong = tinyNeox();
    entry(wrong.tensors, 'gpt_neox.layers.0.attention.query_key_value.weight').shape = [32, 96];
    expect(inputError(() => weightsOf('wrong', wrong)).message).toMatch(
      /tensor gpt_neox\.layers\.0\.attention\.query_key_value\.weight has shape \[32, 96\], expected \[96, 32\]/,
    );
    const noQkv = tinyNeox();
    delete noQkv.tensors['gpt_neox.layers.1.attention.query_key_value.bias'];
    expect(inputError(() => weightsOf('no-qkv', noQkv)).message).toMatch(/has no tensor 'gpt_neox\.layers\.1\.attention\.query_key_value\.bias'/);
    const noHead = tinyNeox();
    delete noHead.tensors['embed_out.weight'];
    expect(inputError(() => weightsOf('no-head', noHead)).message).toMatch(/missing tensor embed_out\.weight/);
  });

  it('compiles and runs (with mask / inv_freq buffers): finite probabilities that zero ablation moves', async () => {
    const dir = join(root(), 'engine');
    const m = tinyNeox({ parallelResidual: false, rotaryPct: 0.25 });
    const P = m.config.max_position_embeddings as number;
    writeWithBuffers(dir, m, [0, 1].flatMap((l) => [
      { name: `gpt_neox.layers.${l}.attention.bias`, dtype: 'BOOL', shape: [1, 1, P, P], bytesPer: 1 },
      { name: `gpt_neox.layers.${l}.attention.masked_bias`, dtype: 'F32', shape: [], bytesPer: 4 },
      { name: `gpt_neox.layers.${l}.attention.rotary_emb.inv_freq`, dtype: 'F32', shape: [1], bytesPer: 4 },
    ]));
    const ids = [5, 17, 42, 8, 90, 17, 3, 42, 8];
    await expectAblationsMove('gpt_neox', dir, join(root(), 'cache'), ids, [{ mode: 'zero', heads: [{ layer: 0, head: 0 }, { layer: 1, head: 3 }] }]);
  });
});
