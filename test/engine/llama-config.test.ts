// The llama family module: config.json -> ModelSpec for Llama 3.1, Qwen2 and Mistral configs as
// the hub writes them, family dispatch, and the InputErrors for bad configs and checkpoints (each
// naming the file and the key or tensor).

import { describe, expect, it } from 'vitest';
import { llamaFamily } from '../../src/main/engine/families/llama';
import { resolveFamily, supportedModelTypes } from '../../src/main/engine/families/registry';
import { InputError } from '../../src/shared/errors';
import { familyCheckpoints } from '../helpers/family-harness';
import { inputError } from '../helpers/input-error';
import { tinyLlama3, tinyMistral, tinyQwen2 } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const PATH = '/models/x/config.json';
const parse = (config: Record<string, unknown>) => llamaFamily.parseConfig(config, PATH);

describe('llama parseConfig', () => {
  it('Llama 3.1: explicit head_dim, GQA, llama3 rope scaling, untied head', () => {
    const spec = parse(tinyLlama3().config);
    expect(spec).toMatchObject({
      family: 'llama', modelType: 'llama', nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 16, hiddenSize: 48,
      intermediateSize: 96, vocabSize: 96, maxPositions: 128, tieWordEmbeddings: false,
      norm: { kind: 'rms', eps: 1e-5, weightOffset: 0 },
      positional: { kind: 'rotary', theta: 500000, rotaryDim: 16, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 } },
      attention: { qkvBias: false, outBias: false, logitSoftcap: null, slidingWindow: null, localLayers: [false, false] },
      mlp: { kind: 'gated', act: 'silu', bias: false },
      block: { parallelResidual: false, postNorms: false },
      embedScale: 1, finalLogitSoftcap: null,
    });
    expect(spec.attention.scale).toBeCloseTo(1 / 4, 12);
  });

  it('Llama: attention_bias covers q/k/v/o, mlp_bias, head_dim from hidden/heads, older rope_scaling spelling', () => {
    const c = { ...tinyLlama3().config, attention_bias: true, mlp_bias: true, head_dim: undefined, rope_scaling: { type: 'default' } };
    const spec = parse(c);
    expect(spec.attention).toMatchObject({ qkvBias: true, outBias: true });
    expect(spec.mlp.bias).toBe(true);
    expect(spec.headDim).toBe(12);
    expect(spec.positional).toMatchObject({ rotaryDim: 12, scaling: null });
  });

  it('Qwen2: q/k/v bias without o bias, tied embeddings, sliding window off unless use_sliding_window', () => {
    const spec = parse(tinyQwen2().config);
    expect(spec).toMatchObject({ modelType: 'qwen2', headDim: 8, tieWordEmbeddings: true, norm: { eps: 1e-6 } });
    expect(spec.attention).toMatchObject({ qkvBias: true, outBias: false, slidingWindow: null, localLayers: [false, false] });
    const windowed = parse({ ...tinyQwen2().config, use_sliding_window: true, sliding_window: 8, max_window_layers: 1 });
    expect(windowed.attention).toMatchObject({ slidingWindow: 8, localLayers: [false, true] });
  });

  it('Mistral: sliding_window null or >= context is plain causal; else every layer is local', () => {
    expect(parse(tinyMistral().config).attention).toMatchObject({ slidingWindow: null, localLayers: [false, false] });
    expect(parse(tinyMistral({ slidingWindow: 128 }).config).attention.slidingWindow).toBeNull();
    expect(parse(tinyMistral({ slidingWindow: 5 }).config).attention).toMatchObject({ slidingWindow: 5, localLayers: [true, true] });
    expect(parse(tinyMistral().config)).toMatchObject({ modelType: 'mistral', nHeads: 4, nKvHeads: 1 });
  });

  it('InputErrors name config.json and the key', () => {
    const base = tinyLlama3().config;
    const missing = inputError(() => parse({ ...base, num_attention_heads: undefined }));
    expect(missing.file).toBe(PATH);
    expect(missing.message).toMatch(/num_attention_heads/);

    const indivisible = inputError(() => parse({ ...base, head_dim: undefined, num_attention_heads: 5, num_key_value_heads: 5 }));
    expect(indivisible.message).toMatch(/hidden_size \(48\) is not divisible by num_attention_heads \(5\)/);

    expect(inputError(() => parse({ ...base, num_key_value_heads: 3 })).message).toMatch(/num_key_value_heads/);
    expect(inputError(() => parse({ ...base, hidden_size: 'big' })).message).toMatch(/hidden_size must be an integer/);
    expect(inputError(() => parse({ ...base, hidden_act: 'relu' })).message).toMatch(/hidden_act "relu" is not supported/);

    for (const type of ['yarn', 'linear', 'dynamic']) {
      const rope = inputError(() => parse({ ...base, rope_scaling: { rope_type: type, factor: 4.0 } }));
      expect(rope.message).toMatch(new RegExp(`rope_scaling.rope_type "${type}" is not supported \\(supported: default, llama3\\)`));
    }
    const incomplete = inputError(() => parse({ ...base, rope_scaling: { rope_type: 'llama3', factor: 8.0 } }));
    expect(incomplete.message).toMatch(/rope_scaling.low_freq_factor/);
  });
});

describe('family registry', () => {
  it('dispatches on model_type, then architectures', () => {
    expect(resolveFamily(tinyQwen2().config, PATH).family).toBe('llama');
    const noType = { ...tinyMistral().config, model_type: undefined };
    expect(resolveFamily(noType, PATH).family).toBe('llama');
    expect(llamaFamily.parseConfig(noType, PATH).modelType).toBe('mistral');
  });

  it('unknown model_type: InputError listing the supported ones', () => {
    const err = inputError(() => resolveFamily({ model_type: 'mamba' }, PATH));
    expect(err.file).toBe(PATH);
    expect(err.message).toContain(`model_type "mamba" is not supported (supported: ${supportedModelTypes().join(', ')})`);
    expect(supportedModelTypes()).toEqual(expect.arrayContaining(['llama', 'mistral', 'qwen2']));
    expect(inputError(() => resolveFamily({ architectures: ['MambaForCausalLM'] }, PATH)).message).toMatch(/MambaForCausalLM.*supported model_type: llama/);
  });
});

describe('llama weights', () => {
  const { weightsOf } = familyCheckpoints(llamaFamily, 'llama-config-');

  it('canonical weights: MatMul-ready [in, out] linears, HF names, tied head = the embedding', () => {
    const w = weightsOf('llama', tinyLlama3());
    expect(w.layers).toHaveLength(2);
    expect(at(w.layers, 1).attn.q.weight).toMatchObject({ name: 'model.layers.1.self_attn.q_proj.weight', dims: [48, 64] });
    expect(at(w.layers, 1).attn.k.weight.dims).toEqual([48, 32]);
    expect(at(w.layers, 0).mlp).toMatchObject({ kind: 'gated' });
    expect(w.lmHead.weight).toMatchObject({ name: 'lm_head.weight', dims: [96, 48] });
    const q = weightsOf('qwen', tinyQwen2());
    expect(q.lmHead.weight).toBe(q.embed);
    expect(at(q.layers, 0).attn.q.bias?.name).toBe('model.layers.0.self_attn.q_proj.bias');
    expect(at(q.layers, 0).attn.o.bias).toBeNull();
  });

  it('a transposed weight reads back as the transpose', () => {
    const m = tinyLlama3();
    const stored = entry(m.tensors, 'model.layers.0.self_attn.k_proj.weight'); // [32, 48]
    weightsOf('llama-t', m, (w) => {
      const t = at(w.layers, 0).attn.k.weight.read(); // [48, 32]
      for (const [i, o] of [[5, 7], [0, 31], [47, 0]] as const) expect(t[i * 32 + o]).toBe(stored.data[o * 48 + i]);
    });
  });

  it('missing or misshapen tensors: InputError naming the tensor', () => {
    const m = tinyLlama3();
    const missing = { config: m.config, tensors: { ...m.tensors } };
    delete missing.tensors['model.layers.1.mlp.up_proj.weight'];
    expect(() => weightsOf('missing', missing)).toThrow(/model\.layers\.1\.mlp\.up_proj\.weight/);
    expect(() => weightsOf('missing', missing)).toThrow(InputError);

    const bad = { config: m.config, tensors: { ...m.tensors } };
    bad.tensors['model.layers.0.self_attn.v_proj.weight'] = { shape: [48, 32], data: new Float32Array(48 * 32) };
    const err = inputError(() => weightsOf('bad-shape', bad));
    expect(err.message).toMatch(/model\.layers\.0\.self_attn\.v_proj\.weight has shape \[48, 32\], expected \[32, 48\]/);
    expect(err.file).toMatch(/model\.safetensors$/);

    const untied = { config: { ...m.config }, tensors: { ...m.tensors } };
    delete untied.tensors['lm_head.weight'];
    expect(() => weightsOf('no-head', untied)).toThrow(/lm_head\.weight.*tie_word_embeddings false/);
  });
});
