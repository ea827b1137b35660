// Llama / Mistral / Qwen2 reference forward, after transformers' modeling_llama.py,
// modeling_mistral.py and modeling_qwen2.py: RMSNorm, rotary (default or llama3), GQA, SwiGLU,
//   x = x + o_proj(attn(input_layernorm(x)));  x = x + mlp(post_attention_layernorm(x))
// Differences: Qwen2 always has q/k/v biases (o_proj none), Llama has them (and o_proj's) when
// attention_bias; Mistral slides every layer when sliding_window is set, Qwen2 only layers
// >= max_window_layers and only with use_sliding_window.

import { attend, type AblationMode } from '../attention';
import type { HfConfig } from '../hf-config';
import { applyRotary, rotaryTables } from '../rotary';
import type { RefWeights } from '../safetensors';
import { activate, activationByName, addInPlace, linear, mul, rmsNorm, row } from '../tensor-math';
import { embed, foldedOutputBias, tensorFinder, type RefLoadOptions, type RefModel } from './family';
import { at } from '../../../src/shared/checked';

export function loadLlama(cfg: HfConfig, weights: RefWeights, options: RefLoadOptions = {}): RefModel {
  const type = cfg.modelType;
  const D = cfg.num('hidden_size');
  const L = cfg.num('num_hidden_layers');
  const H = cfg.num('num_attention_heads');
  const K = cfg.num('num_key_value_heads', H); // absent: plain multi-head attention
  const Dh = cfg.num('head_dim', Math.floor(D / H));
  const I = cfg.num('intermediate_size');
  const V = cfg.num('vocab_size');
  const eps = cfg.num('rms_norm_eps', 1e-6);
  const act = activationByName(cfg.str('hidden_act', 'silu'), cfg.file);
  const qkvBias = type === 'qwen2' ? true : type === 'llama' ? cfg.bool('attention_bias', false) : false;
  const oBias = type === 'llama' && cfg.bool('attention_bias', false);
  const mlpBias = type === 'llama' && cfg.bool('mlp_bias', false);
  const rope = cfg.rope({ theta: 10000, partial: 1 });
  // HF's Llama rotates the whole head (its apply_rotary_pos_emb has no partial slice).
  if (rope.partial !== 1) throw new Error(`${cfg.file}: partial_rotary_factor ${rope.partial} on a ${type} model is not supported by the reference`);
  const windows = slidingWindows(cfg, L);
  if (H % K !== 0) throw new Error(`${cfg.file}: num_attention_heads ${H} is not a multiple of num_key_value_heads ${K}`);

  const t = tensorFinder(weights, ['model.', '']);
  const embedTokens = t('embed_tokens.weight', [V, D]);
  const layers = Array.from({ length: L }, (_, l) => {
    const p = `layers.${l}.`;
    const opt = (on: boolean, name: string, n: number) => (on ? t(p + name, [n]) : null);
    return {
      inNorm: t(p + 'input_layernorm.weight', [D]),
      postNorm: t(p + 'post_attention_layernorm.weight', [D]),
      wq: t(p + 'self_attn.q_proj.weight', [H * Dh, D]),
      wk: t(p + 'self_attn.k_proj.weight', [K * Dh, D]),
      wv: t(p + 'self_attn.v_proj.weight', [K * Dh, D]),
      wo: t(p + 'self_attn.o_proj.weight', [D, H * Dh]),
      bq: opt(qkvBias, 'self_attn.q_proj.bias', H * Dh),
      bk: opt(qkvBias, 'self_attn.k_proj.bias', K * Dh),
      bv: opt(qkvBias, 'self_attn.v_proj.bias', K * Dh),
      bo: opt(oBias, 'self_attn.o_proj.bias', D),
      wGate: t(p + 'mlp.gate_proj.weight', [I, D]),
      wUp: t(p + 'mlp.up_proj.weight', [I, D]),
      wDown: t(p + 'mlp.down_proj.weight', [D, I]),
      bGate: opt(mlpBias, 'mlp.gate_proj.bias', I),
      bUp: opt(mlpBias, 'mlp.up_proj.bias', I),
      bDown: opt(mlpBias, 'mlp.down_proj.bias', D),
    };
  });
  if (options.foldValueBias) {
    for (const w of layers) {
      const bv = w.bv;
      if (!bv) continue;
      const group = H / K;
      w.bo = foldedOutputBias({ D, H, Dh }, w.bo, (h, d) => at(bv, Math.floor(h / group) * Dh + d), (o, i) => at(w.wo, o * H * Dh + i));
      w.bv = new Float64Array(K * Dh);
    }
  }
  const finalNorm = t('norm.weight', [D]);
  const lmHead = cfg.bool('tie_word_embeddings', false) ? embedTokens : weights.get('lm_head.weight', [V, D]).data;

  function runRow(ids: number[], modes: AblationMode[][]) {
    const S = ids.length;
    const rot = rotaryTables(rope, Dh, S);
    const x = embed(embedTokens, D, ids); // [S, D]
    const patterns: Float64Array[][] = [];
    layers.forEach((w, l) => {
      const h = rmsNorm(x, D, w.inNorm, eps); // [S, D]
      const q = linear(h, S, w.wq, H * Dh, w.bq); // [S, H, Dh]
      const k = linear(h, S, w.wk, K * Dh, w.bk); // [S, K, Dh]
      const v = linear(h, S, w.wv, K * Dh, w.bv); // [S, K, Dh]
      applyRotary(q, S, H, Dh, rot);
      applyRotary(k, S, K, Dh, rot);
      const a = attend({ seqLen: S, nHeads: H, nKvHeads: K, headDim: Dh, q, k, v, scale: Dh ** -0.5, softcap: null, window: at(windows, l), modes: at(modes, l) });
      patterns.push(a.probs);
      addInPlace(x, linear(a.z, S, w.wo, D, w.bo)); // [S, D]
      const m = rmsNorm(x, D, w.postNorm, eps);
      const gated = mul(activate(linear(m, S, w.wGate, I, w.bGate), act), linear(m, S, w.wUp, I, w.bUp)); // [S, I]
      addInPlace(x, linear(gated, S, w.wDown, D, w.bDown));
    });
    const last = rmsNorm(row(x, D, S - 1), D, finalNorm, eps); // [1, D]
    return { logits: linear(last, 1, lmHead, V), patterns };
  }

  return { modelType: type, nLayers: L, nHeads: H, vocabSize: V, runRow };
}

/** The sliding window of each layer (null: full causal attention). */
function slidingWindows(cfg: HfConfig, L: number): (number | null)[] {
  const type = cfg.modelType;
  let window: number | null = null;
  let slides = (_l: number) => false;
  if (type === 'mistral') {
    window = cfg.numOrNull('sliding_window', 4096); // MistralConfig's default
    slides = () => true;
  } else if (type === 'qwen2') {
    window = cfg.bool('use_sliding_window', false) ? cfg.numOrNull('sliding_window', 4096) : null;
    const from = cfg.num('max_window_layers', 28);
    slides = (l) => l >= from;
  }
  const types = cfg.layerTypes(L);
  if (types && window !== null) slides = (l) => types[l] === 'sliding_attention';
  return Array.from({ length: L }, (_, l) => (window !== null && slides(l) ? window : null));
}
