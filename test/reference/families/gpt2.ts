// GPT-2 reference forward, after transformers' modeling_gpt2.py:
//   x = wte[ids] + wpe[pos]
//   x = x + c_proj(attn(ln_1(x)));  x = x + mlp(ln_2(x));  logits = wte @ ln_f(x)
// Conv1D weights are stored [in, out] (c_attn [D, 3D] with q|k|v along the output dim); scores are
// divided by sqrt(head_dim) when scale_attn_weights and also by (layer + 1) when
// scale_attn_by_inverse_layer_idx. Checkpoints name tensors with or without `transformer.`.

import { attend, type AblationMode } from '../attention';
import type { HfConfig } from '../hf-config';
import type { RefWeights } from '../safetensors';
import { activate, activationByName, addInPlace, conv1d, layerNorm, linear, row } from '../tensor-math';
import { embed, foldedOutputBias, tensorFinder, type RefLoadOptions, type RefModel } from './family';
import { at } from '../../../src/shared/checked';

export function loadGpt2(cfg: HfConfig, weights: RefWeights, options: RefLoadOptions = {}): RefModel {
  // Defaults are GPT2Config's.
  const D = cfg.num('n_embd', 768);
  const L = cfg.num('n_layer', 12);
  const H = cfg.num('n_head', 12);
  const Dh = D / H;
  const I = cfg.num('n_inner', 4 * D);
  const V = cfg.num('vocab_size', 50257);
  const P = cfg.num('n_positions', 1024);
  const eps = cfg.num('layer_norm_epsilon', 1e-5);
  const act = activationByName(cfg.str('activation_function', 'gelu_new'), cfg.file);
  const scaleWeights = cfg.bool('scale_attn_weights', true);
  const byLayer = cfg.bool('scale_attn_by_inverse_layer_idx', false);
  if (!Number.isInteger(Dh)) throw new Error(`${cfg.file}: n_embd ${D} is not a multiple of n_head ${H}`);

  const t = tensorFinder(weights, ['transformer.', '']);
  const wte = t('wte.weight', [V, D]);
  const wpe = t('wpe.weight', [P, D]);
  const layers = Array.from({ length: L }, (_, l) => {
    const p = `h.${l}.`;
    return {
      ln1w: t(p + 'ln_1.weight', [D]),
      ln1b: t(p + 'ln_1.bias', [D]),
      cAttnW: t(p + 'attn.c_attn.weight', [D, 3 * D]),
      cAttnB: t(p + 'attn.c_attn.bias', [3 * D]),
      cProjW: t(p + 'attn.c_proj.weight', [D, D]),
      cProjB: t(p + 'attn.c_proj.bias', [D]),
      ln2w: t(p + 'ln_2.weight', [D]),
      ln2b: t(p + 'ln_2.bias', [D]),
      fcW: t(p + 'mlp.c_fc.weight', [D, I]),
      fcB: t(p + 'mlp.c_fc.bias', [I]),
      projW: t(p + 'mlp.c_proj.weight', [I, D]),
      projB: t(p + 'mlp.c_proj.bias', [D]),
    };
  });
  if (options.foldValueBias) {
    for (const w of layers) {
      // c_attn's bias is q | k | v; c_proj is Conv1D, stored [in, out].
      const bV = w.cAttnB.slice(2 * D, 3 * D);
      w.cProjB = foldedOutputBias({ D, H, Dh }, w.cProjB, (h, d) => at(bV, h * Dh + d), (o, i) => at(w.cProjW, i * D + o));
      w.cAttnB = w.cAttnB.slice();
      w.cAttnB.fill(0, 2 * D, 3 * D);
    }
  }
  const lnfW = t('ln_f.weight', [D]);
  const lnfB = t('ln_f.bias', [D]);
  const lmHead = cfg.bool('tie_word_embeddings', true) ? wte : weights.get('lm_head.weight', [V, D]).data;

  function runRow(ids: number[], modes: AblationMode[][]) {
    const S = ids.length;
    if (S > P) throw new Error(`${cfg.file}: ${S} tokens exceed n_positions ${P}`);
    const x = embed(wte, D, ids); // [S, D]
    addInPlace(x, wpe.subarray(0, S * D));
    const patterns: Float64Array[][] = [];
    layers.forEach((w, l) => {
      const h = layerNorm(x, D, w.ln1w, w.ln1b, eps);
      const qkv = conv1d(h, S, w.cAttnW, 3 * D, w.cAttnB); // [S, 3D] = q | k | v
      const q = new Float64Array(S * D); // [S, H, Dh]
      const k = new Float64Array(S * D);
      const v = new Float64Array(S * D);
      for (let s = 0; s < S; s++) {
        q.set(qkv.subarray(s * 3 * D, s * 3 * D + D), s * D);
        k.set(qkv.subarray(s * 3 * D + D, s * 3 * D + 2 * D), s * D);
        v.set(qkv.subarray(s * 3 * D + 2 * D, s * 3 * D + 3 * D), s * D);
      }
      const scale = (scaleWeights ? 1 / Math.sqrt(Dh) : 1) / (byLayer ? l + 1 : 1);
      const a = attend({ seqLen: S, nHeads: H, nKvHeads: H, headDim: Dh, q, k, v, scale, softcap: null, window: null, modes: at(modes, l) });
      patterns.push(a.probs);
      addInPlace(x, conv1d(a.z, S, w.cProjW, D, w.cProjB));
      const m = layerNorm(x, D, w.ln2w, w.ln2b, eps);
      addInPlace(x, conv1d(activate(conv1d(m, S, w.fcW, I, w.fcB), act), S, w.projW, D, w.projB));
    });
    const last = layerNorm(row(x, D, S - 1), D, lnfW, lnfB, eps); // [1, D]
    return { logits: linear(last, 1, lmHead, V), patterns };
  }

  return { modelType: 'gpt2', nLayers: L, nHeads: H, vocabSize: V, runRow };
}
