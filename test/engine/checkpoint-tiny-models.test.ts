// The tiny test checkpoints: exact Hugging Face tensor names and shapes per family, seeded
// determinism, and weight scales that give non-uniform attention and spread-out logits.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint';
import { roundToBf16 } from '../../tools/fixtures/hf-checkpoint';
import { tinyGemma2, tinyGpt2, tinyLlama3, tinyMistral, tinyNeox, tinyQwen2, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry, first } from '../../src/shared/checked';

const root = mkdtempSync(join(tmpdir(), 'tiny-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const shapes = (m: TinyModel) => Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, v.shape]));

/** Layer-0 tensor shapes plus the global ones, as transformers names them. */
function llamaShapes(o: { D: number; H: number; KV: number; Dh: number; I: number; V: number; bias?: boolean; gemma?: boolean; lmHead?: boolean }) {
  const l = 'model.layers.0.';
  const s: Record<string, number[]> = {
    'model.embed_tokens.weight': [o.V, o.D], 'model.norm.weight': [o.D],
    [`${l}input_layernorm.weight`]: [o.D], [`${l}post_attention_layernorm.weight`]: [o.D],
    [`${l}self_attn.q_proj.weight`]: [o.H * o.Dh, o.D], [`${l}self_attn.k_proj.weight`]: [o.KV * o.Dh, o.D],
    [`${l}self_attn.v_proj.weight`]: [o.KV * o.Dh, o.D], [`${l}self_attn.o_proj.weight`]: [o.D, o.H * o.Dh],
    [`${l}mlp.gate_proj.weight`]: [o.I, o.D], [`${l}mlp.up_proj.weight`]: [o.I, o.D], [`${l}mlp.down_proj.weight`]: [o.D, o.I],
  };
  if (o.bias) Object.assign(s, { [`${l}self_attn.q_proj.bias`]: [o.H * o.Dh], [`${l}self_attn.k_proj.bias`]: [o.KV * o.Dh], [`${l}self_attn.v_proj.bias`]: [o.KV * o.Dh] });
  if (o.gemma) Object.assign(s, { [`${l}pre_feedforward_layernorm.weight`]: [o.D], [`${l}post_feedforward_layernorm.weight`]: [o.D] });
  if (o.lmHead) s['lm_head.weight'] = [o.V, o.D];
  return s;
}

/** Entries of `all` that are global or in layer 0 (layer 1 must mirror layer 0's names). */
function layer0(all: Record<string, number[]>) {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(all)) {
    if (/\.(h|layers)\.1\./.test(k)) expect(all[k.replace(/\.(h|layers)\.1\./, '.$1.0.')], k).toEqual(v);
    else out[k] = v;
  }
  return out;
}

describe('tiny Hugging Face models', () => {
  it('llama3: GQA, explicit head_dim, llama3 rope scaling, untied lm_head', () => {
    const m = tinyLlama3();
    expect(m.config).toMatchObject({
      model_type: 'llama', architectures: ['LlamaForCausalLM'], num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16,
      hidden_size: 48, rope_theta: 500000, tie_word_embeddings: false,
      rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 },
    });
    expect(layer0(shapes(m))).toEqual(llamaShapes({ D: 48, H: 4, KV: 2, Dh: 16, I: 96, V: 96, lmHead: true }));
  });

  it('qwen2: q/k/v bias, no o bias, tied (no lm_head)', () => {
    const m = tinyQwen2();
    expect(m.config).toMatchObject({ model_type: 'qwen2', tie_word_embeddings: true, use_sliding_window: false });
    expect(layer0(shapes(m))).toEqual(llamaShapes({ D: 32, H: 4, KV: 2, Dh: 8, I: 64, V: 96, bias: true }));
  });

  it('mistral: 4 query heads per kv head, no sliding window', () => {
    const m = tinyMistral();
    expect(m.config).toMatchObject({ model_type: 'mistral', num_key_value_heads: 1, sliding_window: null });
    expect(layer0(shapes(m))).toEqual(llamaShapes({ D: 32, H: 4, KV: 1, Dh: 8, I: 64, V: 96, lmHead: true }));
  });

  it('gemma2: soft-caps, small window, pre/post norms stored as w (scale 1 + w), tied', () => {
    const m = tinyGemma2();
    expect(m.config).toMatchObject({
      model_type: 'gemma2', query_pre_attn_scalar: 24, head_dim: 16, attn_logit_softcapping: 5, final_logit_softcapping: 5,
      sliding_window: 4, hidden_activation: 'gelu_pytorch_tanh', tie_word_embeddings: true,
    });
    expect(m.config.layer_types).toBeUndefined();
    expect(tinyGemma2({ layers: 3, layerTypes: true }).config.layer_types).toEqual(['sliding_attention', 'full_attention', 'sliding_attention']);
    expect(layer0(shapes(m))).toEqual(llamaShapes({ D: 32, H: 4, KV: 2, Dh: 16, I: 64, V: 96, gemma: true }));
    const w = entry(m.tensors, 'model.layers.0.input_layernorm.weight').data;
    expect(Math.abs(w.reduce((a, b) => a + b, 0) / w.length)).toBeLessThan(0.1);
  });

  it('gpt2: Conv1D [in, out] weights with the save_pretrained prefix, or hub names without it', () => {
    const m = tinyGpt2();
    expect(m.config).toMatchObject({ model_type: 'gpt2', n_embd: 32, n_head: 4, n_layer: 2, n_positions: 128, n_inner: null, activation_function: 'gelu_new' });
    const p = 'transformer.h.0.';
    expect(layer0(shapes(m))).toEqual({
      'transformer.wte.weight': [96, 32], 'transformer.wpe.weight': [128, 32],
      'transformer.ln_f.weight': [32], 'transformer.ln_f.bias': [32],
      [`${p}ln_1.weight`]: [32], [`${p}ln_1.bias`]: [32], [`${p}ln_2.weight`]: [32], [`${p}ln_2.bias`]: [32],
      [`${p}attn.c_attn.weight`]: [32, 96], [`${p}attn.c_attn.bias`]: [96],
      [`${p}attn.c_proj.weight`]: [32, 32], [`${p}attn.c_proj.bias`]: [32],
      [`${p}mlp.c_fc.weight`]: [32, 128], [`${p}mlp.c_fc.bias`]: [128],
      [`${p}mlp.c_proj.weight`]: [128, 32], [`${p}mlp.c_proj.bias`]: [32],
    });
    const hub = tinyGpt2({ hubNames: true });
    expect(Object.keys(hub.tensors)).toEqual(Object.keys(m.tensors).map((k) => k.replace(/^transformer\./, '')));
    expect(entry(hub.tensors, 'h.0.attn.c_attn.weight').data).toEqual(entry(m.tensors, 'transformer.h.0.attn.c_attn.weight').data);
  });

  it('gpt_neox: fused per-head qkv, partial rotary, parallel residual, untied embed_out', () => {
    const m = tinyNeox();
    expect(m.config).toMatchObject({ model_type: 'gpt_neox', rotary_pct: 0.5, use_parallel_residual: true, tie_word_embeddings: false });
    const l = 'gpt_neox.layers.0.';
    expect(layer0(shapes(m))).toEqual({
      'gpt_neox.embed_in.weight': [96, 32], 'embed_out.weight': [96, 32],
      'gpt_neox.final_layer_norm.weight': [32], 'gpt_neox.final_layer_norm.bias': [32],
      [`${l}input_layernorm.weight`]: [32], [`${l}input_layernorm.bias`]: [32],
      [`${l}post_attention_layernorm.weight`]: [32], [`${l}post_attention_layernorm.bias`]: [32],
      [`${l}attention.query_key_value.weight`]: [96, 32], [`${l}attention.query_key_value.bias`]: [96],
      [`${l}attention.dense.weight`]: [32, 32], [`${l}attention.dense.bias`]: [32],
      [`${l}mlp.dense_h_to_4h.weight`]: [128, 32], [`${l}mlp.dense_h_to_4h.bias`]: [128],
      [`${l}mlp.dense_4h_to_h.weight`]: [32, 128], [`${l}mlp.dense_4h_to_h.bias`]: [32],
    });
  });

  it('is deterministic per seed and honours size options', () => {
    const a = tinyQwen2({ seed: 9 });
    const b = tinyQwen2({ seed: 9 });
    const c = tinyQwen2({ seed: 10 });
    const key = 'model.layers.1.self_attn.k_proj.weight';
    expect(entry(a.tensors, key).data).toEqual(entry(b.tensors, key).data);
    expect(entry(a.tensors, key).data).not.toEqual(entry(c.tensors, key).data);
    const big = tinyLlama3({ layers: 3, vocab: 128 });
    expect(big.config).toMatchObject({ num_hidden_layers: 3, vocab_size: 128 });
    expect(entry(big.tensors, 'model.layers.2.mlp.down_proj.weight').shape).toEqual([48, 96]);
    expect(entry(big.tensors, 'lm_head.weight').shape).toEqual([128, 48]);
  });

  it('has attention scores and logits with a useful spread (llama3, layer 0, no rope)', () => {
    const m = tinyLlama3();
    const t = (k: string) => entry(m.tensors, k).data;
    const [D, Dh, V] = [48, 16, 96];
    const rms = (x: Float32Array, w: Float32Array) => {
      const s = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length + 1e-5);
      return x.map((v, i) => (v / s) * at(w, i));
    };
    const matvec = (W: Float32Array, x: Float32Array, rows: number) =>
      Float32Array.from({ length: rows }, (_, r) => x.reduce((a, v, i) => a + at(W, r * x.length + i) * v, 0));
    const embed = (id: number) => rms(t('model.embed_tokens.weight').slice(id * D, (id + 1) * D), t('model.layers.0.input_layernorm.weight'));
    const scores: number[] = [];
    for (let a = 0; a < 40; a++) {
      const q = matvec(t('model.layers.0.self_attn.q_proj.weight'), embed(a), 4 * Dh).slice(0, Dh); // head 0
      for (let b = 40; b < 80; b++) {
        const k = matvec(t('model.layers.0.self_attn.k_proj.weight'), embed(b), 2 * Dh).slice(0, Dh); // kv head 0
        scores.push(q.reduce((s, v, i) => s + v * at(k, i), 0) / Math.sqrt(Dh));
      }
    }
    const std = (xs: ArrayLike<number>) => {
      const arr = Array.from(xs);
      const mean = arr.reduce((a, b) => a + b, 0) / arr.length;
      return Math.sqrt(arr.reduce((a, b) => a + (b - mean) ** 2, 0) / arr.length);
    };
    const logits = matvec(t('lm_head.weight'), rms(t('model.embed_tokens.weight').slice(0, D), t('model.norm.weight')), V);
    console.log(`llama3 layer-0 score std ${std(scores).toFixed(2)}, logit std ${std(logits).toFixed(2)}`);
    expect(std(scores)).toBeGreaterThan(1);
    expect(std(scores)).toBeLessThan(4);
    expect(std(logits)).toBeGreaterThan(1);
    expect(std(logits)).toBeLessThan(4);
  });

  it('writes every family as a loadable checkpoint (BF16, 2 shards) holding exactly its tensors', () => {
    for (const [name, make] of Object.entries({ tinyLlama3, tinyQwen2, tinyMistral, tinyGemma2, tinyGpt2, tinyNeox })) {
      const m = make();
      const dir = join(root, name);
      writeTinyModel(dir, m, { dtype: 'BF16', shards: 2 });
      const cp = openCheckpoint(dir);
      expect(cp.config).toEqual(m.config);
      expect([...cp.tensors.keys()].sort()).toEqual(Object.keys(m.tensors).sort());
      const tensor = first(Object.keys(m.tensors));
      expect(cp.readFloat32(tensor)).toEqual(roundToBf16(entry(m.tensors, tensor).data));
      cp.close();
    }
  });
});
