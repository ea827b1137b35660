// GPT-NeoX (Pythia) reference forward, after transformers' modeling_gpt_neox.py:
//   parallel:   x = x + dense(attn(ln1(x))) + mlp(ln2(x))
//   sequential: x = x + dense(attn(ln1(x)));  x = x + mlp(ln2(x))
// query_key_value [3D, D] is laid out per head as (head, q|k|v, d_head); rotary (rotate-half) acts on
// the first int(d_head * rotary_pct) dims of q and k only; untied embed_out head.

import { attend, type AblationMode } from '../attention';
import type { HfConfig } from '../hf-config';
import { applyRotary, rotaryTables } from '../rotary';
import type { RefWeights } from '../safetensors';
import { activate, activationByName, addInPlace, layerNorm, linear, row } from '../tensor-math';
import { embed, foldedOutputBias, tensorFinder, type RefLoadOptions, type RefModel } from './family';
import { at } from '../../../src/shared/checked';

export function loadGptNeox(cfg: HfConfig, weights: RefWeights, options: RefLoadOptions = {}): RefModel {
  // Defaults are GPTNeoXConfig's.
  const D = cfg.num('hidden_size', 6144);
  const L = cfg.num('num_hidden_layers', 44);
  const H = cfg.num('num_attention_heads', 64);
  const Dh = D / H;
  const I = cfg.num('intermediate_size', 24576);
  const V = cfg.num('vocab_size', 50432);
  const eps = cfg.num('layer_norm_eps', 1e-5);
  const act = activationByName(cfg.str('hidden_act', 'gelu'), cfg.file);
  const parallel = cfg.bool('use_parallel_residual', true);
  const bias = cfg.bool('attention_bias', true);
  const rope = cfg.rope({ theta: 10000, partial: 0.25, flatTheta: 'rotary_emb_base', flatPartial: 'rotary_pct' });
  const rotaryDim = Math.trunc(Dh * rope.partial); // HF: int(head_size * rotary_pct)
  if (!Number.isInteger(Dh)) throw new Error(`${cfg.file}: hidden_size ${D} is not a multiple of num_attention_heads ${H}`);

  const t = tensorFinder(weights, ['gpt_neox.', '']);
  const embedIn = t('embed_in.weight', [V, D]);
  const layers = Array.from({ length: L }, (_, l) => {
    const p = `layers.${l}.`;
    return {
      ln1w: t(p + 'input_layernorm.weight', [D]),
      ln1b: t(p + 'input_layernorm.bias', [D]),
      ln2w: t(p + 'post_attention_layernorm.weight', [D]),
      ln2b: t(p + 'post_attention_layernorm.bias', [D]),
      qkvW: t(p + 'attention.query_key_value.weight', [3 * D, D]),
      qkvB: bias ? t(p + 'attention.query_key_value.bias', [3 * D]) : null,
      denseW: t(p + 'attention.dense.weight', [D, D]),
      denseB: bias ? t(p + 'attention.dense.bias', [D]) : null,
      upW: t(p + 'mlp.dense_h_to_4h.weight', [I, D]),
      upB: t(p + 'mlp.dense_h_to_4h.bias', [I]),
      downW: t(p + 'mlp.dense_4h_to_h.weight', [D, I]),
      downB: t(p + 'mlp.dense_4h_to_h.bias', [D]),
    };
  });
  if (options.foldValueBias) {
    for (const w of layers) {
      const qkvB = w.qkvB;
      if (!qkvB) continue;
      // Fused qkv is laid out (head, q|k|v, Dh): head h's value bias starts at h * 3Dh + 2Dh.
      w.denseB = foldedOutputBias({ D, H, Dh }, w.denseB, (h, d) => at(qkvB, h * 3 * Dh + 2 * Dh + d), (o, i) => at(w.denseW, o * D + i));
      w.qkvB = qkvB.slice();
      for (let h = 0; h < H; h++) w.qkvB.fill(0, h * 3 * Dh + 2 * Dh, (h + 1) * 3 * Dh);
    }
  }
  const lnfW = t('final_layer_norm.weight', [D]);
  const lnfB = t('final_layer_norm.bias', [D]);
  const lmHead = cfg.bool('tie_word_embeddings', false) ? embedIn : weights.get('embed_out.weight', [V, D]).data;

  function runRow(ids: number[], modes: AblationMode[][]) {
    const S = ids.length;
    const rot = rotaryTables(rope, rotaryDim, S);
    const x = embed(embedIn, D, ids); // [S, D]
    const patterns: Float64Array[][] = [];
    layers.forEach((w, l) => {
      const h = layerNorm(x, D, w.ln1w, w.ln1b, eps);
      const qkv = linear(h, S, w.qkvW, 3 * D, w.qkvB); // [S, H, 3, Dh]
      const q = new Float64Array(S * D); // [S, H, Dh]
      const k = new Float64Array(S * D);
      const v = new Float64Array(S * D);
      for (let s = 0; s < S; s++) {
        for (let hh = 0; hh < H; hh++) {
          const src = s * 3 * D + hh * 3 * Dh;
          const dst = (s * H + hh) * Dh;
          q.set(qkv.subarray(src, src + Dh), dst);
          k.set(qkv.subarray(src + Dh, src + 2 * Dh), dst);
          v.set(qkv.subarray(src + 2 * Dh, src + 3 * Dh), dst);
        }
      }
      applyRotary(q, S, H, Dh, rot);
      applyRotary(k, S, H, Dh, rot);
      const a = attend({ seqLen: S, nHeads: H, nKvHeads: H, headDim: Dh, q, k, v, scale: Dh ** -0.5, softcap: null, window: null, modes: at(modes, l) });
      patterns.push(a.probs);
      const attnOut = linear(a.z, S, w.denseW, D, w.denseB);
      const mlp = (input: Float64Array) =>
        linear(activate(linear(layerNorm(input, D, w.ln2w, w.ln2b, eps), S, w.upW, I, w.upB), act), S, w.downW, D, w.downB);
      if (parallel) {
        const m = mlp(x); // reads x before the attention output is added
        addInPlace(x, attnOut);
        addInPlace(x, m);
      } else {
        addInPlace(x, attnOut);
        addInPlace(x, mlp(x));
      }
    });
    const last = layerNorm(row(x, D, S - 1), D, lnfW, lnfB, eps); // [1, D]
    return { logits: linear(last, 1, lmHead, V), patterns };
  }

  return { modelType: 'gpt_neox', nLayers: L, nHeads: H, vocabSize: V, runRow };
}
