// The one decoder block every family shares, driven by ModelSpec flags (pre-norm always;
// Gemma-2's post norms, GPT-NeoX's parallel residual, gated or plain MLP):
//   sequential: x = x + post(attn(norm1(x)));  x = x + post(mlp(norm2(x)))
//   parallel:   x = x + attn(norm1(x)) + mlp(norm2(x))

import { attention } from './attention';
import type { GraphContext } from './context';
import { activation, linear, linearActivation, norm, sliceLast } from './ops';
import type { LayerWeights, MlpWeights } from './weights';

export interface BlockOptions {
  layer: number;
  /** Residual stream [B, S, D]. */
  x: string;
  /** Probe graph's last layer: only the last position continues, output [B, 1, D]. */
  lastQueryOnly: boolean;
  patternOutput: string | null;
}

/** Returns the block's residual output `hook_resid_post`, [B, S, D] or [B, 1, D]. */
export function decoderBlock(ctx: GraphContext, w: LayerWeights, o: BlockOptions): string {
  const { g, spec, dt } = ctx;
  const p = `/model/layers.${o.layer}`;
  const h = norm(g, o.x, w.preAttnNorm, spec, `${p}/input_norm`, dt); // [B, S, D]
  let a = attention(ctx, w.attn, { layer: o.layer, x: h, lastQueryOnly: o.lastQueryOnly, patternOutput: o.patternOutput }); // [B, Sq, D]
  if (spec.block.postNorms) a = norm(g, a, need(w.postAttnNorm, 'postAttnNorm', o.layer), spec, `${p}/post_attn_norm`, dt);
  const x = o.lastQueryOnly ? sliceLast(g, o.x, 1, `${p}/LastPosition`) : o.x; // [B, Sq, D]

  if (spec.block.parallelResidual) {
    const m = mlp(ctx, w.mlp, norm(g, x, w.preMlpNorm, spec, `${p}/pre_mlp_norm`, dt), `${p}/mlp`);
    return g.op1('Add', [g.op1('Add', [x, a], `${p}/attn_residual/Add`), m], `${p}/mlp_residual/Add`);
  }
  const mid = g.op1('Add', [x, a], `${p}/attn_residual/Add`); // hook_resid_mid
  let m = mlp(ctx, w.mlp, norm(g, mid, w.preMlpNorm, spec, `${p}/pre_mlp_norm`, dt), `${p}/mlp`);
  if (spec.block.postNorms) m = norm(g, m, need(w.postMlpNorm, 'postMlpNorm', o.layer), spec, `${p}/post_mlp_norm`, dt);
  return g.op1('Add', [mid, m], `${p}/mlp_residual/Add`);
}

/**
 *  gated: x ─gate_proj─act─┐
 *         x ─up_proj───────Mul─down_proj─▶
 *  plain: x ─fc_in─act─fc_out─▶
 */
function mlp(ctx: GraphContext, w: MlpWeights, x: string, p: string): string {
  const { g, spec, dt } = ctx;
  if (w.kind === 'gated') {
    const gate = activation(g, linear(g, x, w.gate, `${p}/gate_proj`, dt), spec.mlp.act, `${p}/act`, dt);
    const up = linear(g, x, w.up, `${p}/up_proj`, dt);
    return linear(g, g.op1('Mul', [gate, up], `${p}/Mul`), w.down, `${p}/down_proj`, dt);
  }
  const hidden = linearActivation(g, x, w.fcIn, spec.mlp.act, { linear: `${p}/fc_in`, act: `${p}/act` }, dt);
  return linear(g, hidden, w.fcOut, `${p}/fc_out`, dt);
}

function need<T>(v: T | null, what: string, layer: number): T {
  if (v === null) throw new Error(`layer ${layer}: spec.block.postNorms is set but the weights have no ${what}`);
  return v;
}
