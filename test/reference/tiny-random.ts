// Tiny random checkpoints of every family for the reference's own sanity tests: HF tensor names and
// config keys, weights scaled so attention patterns are far from uniform. Not the shared
// test/helpers/tiny-models (the parity tests use those); this keeps the reference testable alone.

import { makeRng, writeTinyCheckpoint, type StoredDtype, type TensorSpec } from './write-checkpoint';

export type TinyKind = 'llama' | 'qwen2' | 'mistral' | 'gemma2' | 'gpt2' | 'gpt_neox' | 'gpt_neox_sequential';

export interface TinyOptions {
  dtype?: StoredDtype;
  shards?: number;
  seed?: number;
  /** Tensors whose name ends with one of these are written as zeros (e.g. the o_proj ablation check). */
  zero?: string[];
}

const D = 32;
const L = 3;
const H = 4;
const V = 97;
const I = 48;

/** Writes the checkpoint and returns its config. */
export function writeTinyRandom(kind: TinyKind, dir: string, opts: TinyOptions = {}): Record<string, unknown> {
  const rng = makeRng(opts.seed ?? 7);
  const tensors: TensorSpec[] = [];
  const add = (name: string, shape: number[], std: number, mean = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const zero = opts.zero?.some((z) => name.endsWith(z));
    // Draw even when zeroing, so every other tensor keeps the values of the unzeroed checkpoint.
    const data = Array.from({ length: n }, () => mean + rng(std));
    tensors.push({ name, shape, data: zero ? data.map(() => 0) : data });
  };
  const proj = (name: string, out: number, inp: number) => add(name, [out, inp], 1.5 / Math.sqrt(inp));
  const { config, build } = FAMILIES[kind];
  build(add, proj);
  writeTinyCheckpoint(dir, config, tensors, opts.dtype ?? 'F32', opts.shards ?? 1);
  return config;
}

type Add = (name: string, shape: number[], std: number, mean?: number) => void;
type Proj = (name: string, out: number, inp: number) => void;

function llamaLike(add: Add, proj: Proj, o: { kv: number; dh: number; qkvBias: boolean; oBias: boolean; tied: boolean; postNorms?: boolean }) {
  add('model.embed_tokens.weight', [V, D], 1);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}.`;
    const norms = o.postNorms
      ? ['input_layernorm', 'post_attention_layernorm', 'pre_feedforward_layernorm', 'post_feedforward_layernorm']
      : ['input_layernorm', 'post_attention_layernorm'];
    for (const n of norms) add(p + n + '.weight', [D], 0.1, o.postNorms ? 0 : 1);
    proj(p + 'self_attn.q_proj.weight', H * o.dh, D);
    proj(p + 'self_attn.k_proj.weight', o.kv * o.dh, D);
    proj(p + 'self_attn.v_proj.weight', o.kv * o.dh, D);
    proj(p + 'self_attn.o_proj.weight', D, H * o.dh);
    if (o.qkvBias) {
      add(p + 'self_attn.q_proj.bias', [H * o.dh], 0.2);
      add(p + 'self_attn.k_proj.bias', [o.kv * o.dh], 0.2);
      add(p + 'self_attn.v_proj.bias', [o.kv * o.dh], 0.2);
    }
    if (o.oBias) add(p + 'self_attn.o_proj.bias', [D], 0.2);
    proj(p + 'mlp.gate_proj.weight', I, D);
    proj(p + 'mlp.up_proj.weight', I, D);
    proj(p + 'mlp.down_proj.weight', D, I);
  }
  add('model.norm.weight', [D], 0.1, o.postNorms ? 0 : 1);
  if (!o.tied) proj('lm_head.weight', V, D);
}

function gpt2(add: Add, proj: Proj) {
  add('wte.weight', [V, D], 1);
  add('wpe.weight', [64, D], 0.5);
  for (let l = 0; l < L; l++) {
    const p = `h.${l}.`;
    for (const n of ['ln_1', 'ln_2']) {
      add(p + n + '.weight', [D], 0.1, 1);
      add(p + n + '.bias', [D], 0.1);
    }
    // Conv1D: stored [in, out]
    add(p + 'attn.c_attn.weight', [D, 3 * D], 1.5 / Math.sqrt(D));
    add(p + 'attn.c_attn.bias', [3 * D], 0.2);
    add(p + 'attn.c_proj.weight', [D, D], 1 / Math.sqrt(D));
    add(p + 'attn.c_proj.bias', [D], 0.2);
    add(p + 'mlp.c_fc.weight', [D, I], 1 / Math.sqrt(D));
    add(p + 'mlp.c_fc.bias', [I], 0.2);
    add(p + 'mlp.c_proj.weight', [I, D], 1 / Math.sqrt(I));
    add(p + 'mlp.c_proj.bias', [D], 0.2);
  }
  add('ln_f.weight', [D], 0.1, 1);
  add('ln_f.bias', [D], 0.1);
  void proj;
}

function neox(add: Add, proj: Proj) {
  add('gpt_neox.embed_in.weight', [V, D], 1);
  for (let l = 0; l < L; l++) {
    const p = `gpt_neox.layers.${l}.`;
    for (const n of ['input_layernorm', 'post_attention_layernorm']) {
      add(p + n + '.weight', [D], 0.1, 1);
      add(p + n + '.bias', [D], 0.1);
    }
    proj(p + 'attention.query_key_value.weight', 3 * D, D);
    add(p + 'attention.query_key_value.bias', [3 * D], 0.2);
    proj(p + 'attention.dense.weight', D, D);
    add(p + 'attention.dense.bias', [D], 0.2);
    proj(p + 'mlp.dense_h_to_4h.weight', I, D);
    add(p + 'mlp.dense_h_to_4h.bias', [I], 0.2);
    proj(p + 'mlp.dense_4h_to_h.weight', D, I);
    add(p + 'mlp.dense_4h_to_h.bias', [D], 0.2);
  }
  add('gpt_neox.final_layer_norm.weight', [D], 0.1, 1);
  add('gpt_neox.final_layer_norm.bias', [D], 0.1);
  proj('embed_out.weight', V, D);
}

const common = { hidden_size: D, num_hidden_layers: L, num_attention_heads: H, intermediate_size: I, vocab_size: V };
const neoxConfig = { ...common, model_type: 'gpt_neox', architectures: ['GPTNeoXForCausalLM'], hidden_act: 'gelu', rotary_pct: 0.5, rotary_emb_base: 10000, layer_norm_eps: 1e-5, max_position_embeddings: 128, tie_word_embeddings: false };

const FAMILIES: Record<TinyKind, { config: Record<string, unknown>; build: (add: Add, proj: Proj) => void }> = {
  llama: {
    // llama3 rope scaling with a tiny original context, so prompts of a few dozen tokens go past it.
    config: { ...common, model_type: 'llama', architectures: ['LlamaForCausalLM'], num_key_value_heads: 2, head_dim: 8, rms_norm_eps: 1e-5, hidden_act: 'silu', max_position_embeddings: 256, attention_bias: true, tie_word_embeddings: false, rope_theta: 500000, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 } },
    build: (add, proj) => llamaLike(add, proj, { kv: 2, dh: 8, qkvBias: true, oBias: true, tied: false }),
  },
  qwen2: {
    config: { ...common, model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], num_key_value_heads: 1, rms_norm_eps: 1e-6, hidden_act: 'silu', rope_theta: 1000000, tie_word_embeddings: true, use_sliding_window: false, sliding_window: 4096, max_window_layers: 28 },
    build: (add, proj) => llamaLike(add, proj, { kv: 1, dh: 8, qkvBias: true, oBias: false, tied: true }),
  },
  mistral: {
    config: { ...common, model_type: 'mistral', architectures: ['MistralForCausalLM'], num_key_value_heads: 2, head_dim: 16, rms_norm_eps: 1e-5, hidden_act: 'silu', rope_theta: 10000, sliding_window: 5, tie_word_embeddings: false },
    build: (add, proj) => llamaLike(add, proj, { kv: 2, dh: 16, qkvBias: false, oBias: false, tied: false }),
  },
  gemma2: {
    config: { ...common, hidden_size: D, model_type: 'gemma2', architectures: ['Gemma2ForCausalLM'], num_key_value_heads: 2, head_dim: 8, rms_norm_eps: 1e-6, hidden_activation: 'gelu_pytorch_tanh', query_pre_attn_scalar: 12, attn_logit_softcapping: 2.5, final_logit_softcapping: 3, sliding_window: 4, rope_theta: 10000, tie_word_embeddings: true, torch_dtype: 'float32' },
    build: (add, proj) => llamaLike(add, proj, { kv: 2, dh: 8, qkvBias: false, oBias: false, tied: true, postNorms: true }),
  },
  gpt2: {
    config: { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_embd: D, n_layer: L, n_head: H, n_inner: I, vocab_size: V, n_positions: 64, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', scale_attn_weights: true, scale_attn_by_inverse_layer_idx: false },
    build: gpt2,
  },
  gpt_neox: { config: { ...neoxConfig, use_parallel_residual: true }, build: neox },
  gpt_neox_sequential: { config: { ...neoxConfig, use_parallel_residual: false }, build: neox },
};

export const TINY_SHAPE = { D, L, H, V, I };
