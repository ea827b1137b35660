// Gemma-2 reference forward, after transformers' modeling_gemma2.py:
//   x = embed * sqrt(D)
//   x = x + post_attention_norm(attn(input_norm(x)))
//   x = x + post_feedforward_norm(mlp(pre_feedforward_norm(x)))
// RMSNorm scales by (1 + w); scores use query_pre_attn_scalar^-0.5 and are soft-capped before the
// mask (and so before any ablation); layers marked "sliding_attention" in layer_types, by default
// the even ones (layer_idx % 2 == 0), see only the last sliding_window keys; GeGLU (gelu tanh);
// final logits soft-capped; the LM head is the embedding table.

import { attend, type AblationMode } from '../attention';
import type { HfConfig } from '../hf-config';
import { applyRotary, rotaryTables } from '../rotary';
import type { RefWeights } from '../safetensors';
import { activate, activationByName, addInPlace, linear, mul, rmsNorm, roundBf16, roundF16, row } from '../tensor-math';
import { embed, tensorFinder, type RefModel } from './family';
import { at } from '../../../src/shared/checked';

export function loadGemma2(cfg: HfConfig, weights: RefWeights): RefModel {
  // Defaults are Gemma2Config's.
  const D = cfg.num('hidden_size', 2304);
  const L = cfg.num('num_hidden_layers', 26);
  const H = cfg.num('num_attention_heads', 8);
  const K = cfg.num('num_key_value_heads', 4);
  const Dh = cfg.num('head_dim', 256);
  const I = cfg.num('intermediate_size', 9216);
  const V = cfg.num('vocab_size', 256000);
  const eps = cfg.num('rms_norm_eps', 1e-6);
  const act = activationByName(cfg.str('hidden_activation', cfg.str('hidden_act', 'gelu_pytorch_tanh')), cfg.file);
  const bias = cfg.bool('attention_bias', false);
  const scale = cfg.num('query_pre_attn_scalar', 256) ** -0.5;
  const attnCap = cfg.numOrNull('attn_logit_softcapping', 50);
  const finalCap = cfg.numOrNull('final_logit_softcapping', 30);
  const window = cfg.numOrNull('sliding_window', 4096);
  const rope = cfg.rope({ theta: 10000, partial: 1 });
  const types = cfg.layerTypes(L) ?? Array.from({ length: L }, (_, l) => (l % 2 === 0 ? 'sliding_attention' : 'full_attention'));
  const windows = types.map((t) => (t === 'sliding_attention' ? window : null));
  if (cfg.bool('use_bidirectional_attention', false)) throw new Error(`${cfg.file}: bidirectional Gemma-2 is not a causal LM`);
  // transformers rounds sqrt(D) to the dtype the model RUNS in; the app's CPU graph (and this
  // reference) compute in float32, as transformers does for a model loaded with torch_dtype=float32.
  const normalizer = embedNormalizer(D, 'float32');

  const t = tensorFinder(weights, ['model.', '']);
  const embedTokens = t('embed_tokens.weight', [V, D]);
  const layers = Array.from({ length: L }, (_, l) => {
    const p = `layers.${l}.`;
    const opt = (name: string, n: number) => (bias ? t(p + name, [n]) : null);
    return {
      inNorm: t(p + 'input_layernorm.weight', [D]),
      postAttnNorm: t(p + 'post_attention_layernorm.weight', [D]),
      preFfNorm: t(p + 'pre_feedforward_layernorm.weight', [D]),
      postFfNorm: t(p + 'post_feedforward_layernorm.weight', [D]),
      wq: t(p + 'self_attn.q_proj.weight', [H * Dh, D]),
      wk: t(p + 'self_attn.k_proj.weight', [K * Dh, D]),
      wv: t(p + 'self_attn.v_proj.weight', [K * Dh, D]),
      wo: t(p + 'self_attn.o_proj.weight', [D, H * Dh]),
      bq: opt('self_attn.q_proj.bias', H * Dh),
      bk: opt('self_attn.k_proj.bias', K * Dh),
      bv: opt('self_attn.v_proj.bias', K * Dh),
      bo: opt('self_attn.o_proj.bias', D),
      wGate: t(p + 'mlp.gate_proj.weight', [I, D]),
      wUp: t(p + 'mlp.up_proj.weight', [I, D]),
      wDown: t(p + 'mlp.down_proj.weight', [D, I]),
    };
  });
  const finalNorm = t('norm.weight', [D]);
  const lmHead = cfg.bool('tie_word_embeddings', true) ? embedTokens : weights.get('lm_head.weight', [V, D]).data;

  function runRow(ids: number[], modes: AblationMode[][]) {
    const S = ids.length;
    const rot = rotaryTables(rope, Dh, S);
    const x = embed(embedTokens, D, ids); // [S, D]
    for (let i = 0; i < x.length; i++) x[i] = at(x, i) * normalizer;
    const patterns: Float64Array[][] = [];
    layers.forEach((w, l) => {
      const h = rmsNorm(x, D, w.inNorm, eps, 1); // [S, D]
      const q = linear(h, S, w.wq, H * Dh, w.bq); // [S, H, Dh]
      const k = linear(h, S, w.wk, K * Dh, w.bk); // [S, K, Dh]
      const v = linear(h, S, w.wv, K * Dh, w.bv); // [S, K, Dh]
      applyRotary(q, S, H, Dh, rot);
      applyRotary(k, S, K, Dh, rot);
      const a = attend({ seqLen: S, nHeads: H, nKvHeads: K, headDim: Dh, q, k, v, scale, softcap: attnCap, window: at(windows, l), modes: at(modes, l) });
      patterns.push(a.probs);
      addInPlace(x, rmsNorm(linear(a.z, S, w.wo, D, w.bo), D, w.postAttnNorm, eps, 1));
      const m = rmsNorm(x, D, w.preFfNorm, eps, 1);
      const gated = mul(activate(linear(m, S, w.wGate, I), act), linear(m, S, w.wUp, I)); // [S, I]
      addInPlace(x, rmsNorm(linear(gated, S, w.wDown, D), D, w.postFfNorm, eps, 1));
    });
    const last = rmsNorm(row(x, D, S - 1), D, finalNorm, eps, 1); // [1, D]
    const logits = linear(last, 1, lmHead, V);
    if (finalCap !== null) for (let i = 0; i < V; i++) logits[i] = finalCap * Math.tanh(at(logits, i) / finalCap);
    return { logits, patterns };
  }

  return { modelType: 'gemma2', nLayers: L, nHeads: H, vocabSize: V, runRow };
}

/**
 * HF builds the normalizer as torch.tensor(hidden_size ** 0.5, dtype=<model dtype>): in bfloat16,
 * sqrt(3072) = 55.43 becomes 55.5. We take the model dtype to be the one the checkpoint was saved in
 * (config torch_dtype), the dtype Gemma-2 runs in, as ModelSpec.embedScale says.
 */
export function embedNormalizer(hiddenSize: number, dtype: string): number {
  const exact = Math.sqrt(hiddenSize);
  if (dtype === 'bfloat16') return roundBf16(exact);
  if (dtype === 'float16') return roundF16(exact);
  return Math.fround(exact);
}
