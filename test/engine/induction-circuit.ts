// A hand-built 2-layer Llama checkpoint with one known induction head (layer 1, head 0), in exact HF
// format. Residual stream (hidden 128): dims 0..31 one-hot token E, dim 32 a constant 1, dims 33..64
// the previous token P (written by layer 0). Head dim 64; rope_theta 1e8 makes rotary pairs 0..4 fast
// (1 .. 0.1 rad/position) and pairs 16..31 nearly static (<= 1e-4 rad/position).
//   L0H0, previous-token head: q = k = the constant, with k's fast pairs pre-rotated by one position,
//        so after rotary q_i·k_j = |q|^2 sum_k cos((j - i + 1) θ_k): peaked at j = i - 1. OV copies E -> P.
//   L1H0, induction head: q = E(token i), k = P(j) - E(j) in the static pairs, so the score is high
//        exactly where token[j-1] == token[i] (and the j = 0 self-copy cancels): j = i - T + 1.
// Every other head has small random q/k and no output; MLPs are zero. Verified against a PyTorch
// re-implementation of HF's Llama forward during development: L1H0 score 1.000, others < 0.1 (T = 8).

import type { TinyModel } from '../helpers/tiny-models';
import { at } from '../../src/shared/checked';

const V = 32;
const D_MODEL = 128;
const N_HEADS = 2;
const D_HEAD = 64;
const N_LAYERS = 2;
const THETA = 1e8;
const CONST_DIM = 32;
const PREV = 33; // first dim of P
const ALPHA = 3; // previous-token head gain: score gap >= 40 between j = i-1 and any other key
const BETA = 2.5; // induction head gain: match score ~33 above the rest
const G_OUT = Math.sqrt(2 / D_MODEL); // = rms of the layer-0 input: makes |P| = |E| = 1 in the residual

export const INDUCTION_HEAD = { layer: 1, head: 0 };
export const PREVIOUS_TOKEN_HEAD = { layer: 0, head: 0 };
export const CIRCUIT_VOCAB = V;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function inductionCircuitModel(): TinyModel {
  const rand = seeded(7);
  const noise = (scale: number) => (rand() * 2 - 1) * scale;
  const matrix = (rows: number, cols: number) => ({ shape: [rows, cols], data: new Float32Array(rows * cols) });
  const set = (m: { shape: number[]; data: Float32Array }, r: number, c: number, v: number) => (m.data[r * at(m.shape, 1) + c] = v);
  const ones = (n: number) => ({ shape: [n], data: new Float32Array(n).fill(1) });
  const invFreq = (k: number) => THETA ** (-(2 * k) / D_HEAD);
  const staticSlot = (m: number) => (m < 16 ? 16 + m : 48 + (m - 16)); // head dims in pairs 16..31

  const t: TinyModel['tensors'] = {};
  const embed = matrix(V, D_MODEL);
  for (let tok = 0; tok < V; tok++) {
    set(embed, tok, tok, 1);
    set(embed, tok, CONST_DIM, 1);
  }
  t['model.embed_tokens.weight'] = embed;

  for (let l = 0; l < N_LAYERS; l++) {
    const p = `model.layers.${l}.`;
    // HF Linear layout [out, in]; rows h * D_HEAD .. (h+1) * D_HEAD - 1 belong to head h.
    const q = matrix(N_HEADS * D_HEAD, D_MODEL);
    const k = matrix(N_HEADS * D_HEAD, D_MODEL);
    const v = matrix(N_HEADS * D_HEAD, D_MODEL);
    const o = matrix(D_MODEL, N_HEADS * D_HEAD);
    for (let r = D_HEAD; r < 2 * D_HEAD; r++) {
      for (let c = 0; c < D_MODEL; c++) {
        set(q, r, c, noise(0.1)); // head 1: some non-uniform attention, nothing written
        set(k, r, c, noise(0.1));
      }
    }
    if (l === 0) {
      for (let pair = 0; pair < 5; pair++) {
        const th = invFreq(pair);
        set(q, pair, CONST_DIM, ALPHA);
        set(k, pair, CONST_DIM, ALPHA * Math.cos(th)); // k = R(θ) q in the (pair, pair + 32) plane
        set(k, pair + D_HEAD / 2, CONST_DIM, ALPHA * Math.sin(th));
      }
      for (let m = 0; m < V; m++) {
        set(v, m, m, 1); // value: the token one-hot
        set(o, PREV + m, m, G_OUT); // output: into P
      }
    } else {
      for (let m = 0; m < V; m++) {
        set(q, staticSlot(m), m, BETA);
        set(k, staticSlot(m), PREV + m, BETA);
        set(k, staticSlot(m), m, -BETA);
      }
    }
    Object.assign(t, {
      [`${p}input_layernorm.weight`]: ones(D_MODEL),
      [`${p}post_attention_layernorm.weight`]: ones(D_MODEL),
      [`${p}self_attn.q_proj.weight`]: q,
      [`${p}self_attn.k_proj.weight`]: k,
      [`${p}self_attn.v_proj.weight`]: v,
      [`${p}self_attn.o_proj.weight`]: o,
      [`${p}mlp.gate_proj.weight`]: matrix(8, D_MODEL),
      [`${p}mlp.up_proj.weight`]: matrix(8, D_MODEL),
      [`${p}mlp.down_proj.weight`]: matrix(D_MODEL, 8),
    });
  }
  t['model.norm.weight'] = ones(D_MODEL);
  const head = matrix(V, D_MODEL);
  for (let i = 0; i < head.data.length; i++) head.data[i] = noise(0.5);
  t['lm_head.weight'] = head;

  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    attention_bias: false,
    head_dim: D_HEAD,
    hidden_act: 'silu',
    hidden_size: D_MODEL,
    intermediate_size: 8,
    max_position_embeddings: 64,
    mlp_bias: false,
    num_attention_heads: N_HEADS,
    num_hidden_layers: N_LAYERS,
    num_key_value_heads: N_HEADS,
    rms_norm_eps: 1e-6,
    rope_scaling: null,
    rope_theta: THETA,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    vocab_size: V,
  };
  return { config, tensors: t };
}
