// Typed building blocks over GraphBuilder: weights as initializers, linear layers, norms,
// activations, soft-capping, casts and slices. Standard ONNX opset 17, plus onnxruntime's FastGelu
// contrib op (CPU and CUDA providers) where it replaces a chain of element-wise ops exactly enough.
// Every function takes names and returns names.

import type { ModelSpec } from '../../../shared/model-spec';
import { CONTRIB_DOMAIN, encodeFloats, float, type GraphBuilder } from './onnx-builder';
import type { LazyTensor, Linear, NormWeights } from './weights';

/** Compute type of the residual stream and matmuls; norms and softmaxes always run in float32. */
export type ComputeType = 'float32' | 'float16';

/** Largest int64 ends value that survives a JS number; Slice clamps it to the dimension. */
export const TO_END = Number.MAX_SAFE_INTEGER;

/**
 * A lazy weight as an initializer of type `elemType`, keeping the HF name. `map` transforms the
 * data (e.g. Gemma's 1 + w) and `mapNote` says how, so the graph dump stays honest.
 */
export function weightInit(
  g: GraphBuilder,
  t: LazyTensor,
  elemType: ComputeType,
  map?: { fn: (data: Float32Array) => Float32Array; note: string },
): string {
  const notes = [t.note, map?.note].filter(Boolean);
  return g.initializer({
    name: t.name,
    dims: t.dims,
    elemType,
    note: notes.length ? notes.join('; ') : undefined,
    bytes: () => {
      const data = t.read();
      const expected = t.dims.reduce((a, b) => a * b, 1);
      if (data.length !== expected) throw new Error(`weight ${t.name}: read ${data.length} values, expected ${expected}`);
      return encodeFloats(map ? map.fn(data) : data, elemType);
    },
  });
}

/** y = x @ W (+ b): MatMul [.., in] x [in, out] then Add. Nodes `<name>/MatMul`, `<name>/Add`. */
export function linear(g: GraphBuilder, x: string, w: Linear, name: string, dt: ComputeType): string {
  const y = g.op1('MatMul', [x, weightInit(g, w.weight, dt)], `${name}/MatMul`);
  return w.bias ? g.op1('Add', [y, weightInit(g, w.bias, dt)], `${name}/Add`) : y;
}

/**
 * act(x @ W + b). GPT-2's tanh GELU with a bias is one FastGelu (onnxruntime contrib op: the bias
 * add and the seven element-wise ops of activation() in one pass over [B, S, I]; same formula,
 * float32 tanh): the largest element-wise cost of the GPT-2 graph. Anything else: linear, activation.
 */
export function linearActivation(g: GraphBuilder, x: string, w: Linear, act: ModelSpec['mlp']['act'], names: { linear: string; act: string }, dt: ComputeType): string {
  // float32 (CPU) graphs only: the float16 CUDA graph keeps standard ops, the path its tests cover.
  if (act === 'gelu_tanh' && w.bias && dt === 'float32') {
    const y = g.op1('MatMul', [x, weightInit(g, w.weight, dt)], `${names.linear}/MatMul`);
    return g.op1('FastGelu', [y, weightInit(g, w.bias, dt)], `${names.act}/FastGelu`, { domain: CONTRIB_DOMAIN });
  }
  return activation(g, linear(g, x, w, names.linear, dt), act, names.act, dt);
}

export function cast(g: GraphBuilder, x: string, to: 'float32' | 'float16', name: string): string {
  return g.op1('Cast', [x], name, { attrs: { to: to === 'float32' ? 1 : 10 } });
}

/** Runs `body` in float32 when the graph computes in float16 (norms, softmaxes): Cast in, Cast out. */
export function inFloat32(g: GraphBuilder, x: string, dt: ComputeType, name: string, body: (x32: string) => string): string {
  if (dt === 'float32') return body(x);
  return cast(g, body(cast(g, x, 'float32', `${name}/CastIn`)), 'float16', `${name}/CastOut`);
}

/**
 * The model's norm (spec.norm) over the last axis, computed in float32.
 *
 *   rms:   x ─Pow(2)─ReduceMean─Add(eps)─Sqrt─┐
 *          x ─────────────────────────────────Div─Mul(w)─▶
 *   layer: x ─LayerNormalization(w, b)─▶
 */
export function norm(g: GraphBuilder, x: string, w: NormWeights, spec: ModelSpec, name: string, dt: ComputeType): string {
  const { kind, eps, weightOffset } = spec.norm;
  // Gemma-2 scales by (1 + w): fold the offset into the stored weight once, at write time.
  const offset = weightOffset ? { fn: (d: Float32Array) => d.map((v) => v + weightOffset), note: `stored as w + ${weightOffset}` } : undefined;
  const scale = weightInit(g, w.weight, 'float32', offset);
  return inFloat32(g, x, dt, name, (x32) => {
    if (kind === 'layer') {
      const inputs = [x32, scale, ...(w.bias ? [weightInit(g, w.bias, 'float32')] : [])];
      return g.op1('LayerNormalization', inputs, `${name}/LayerNormalization`, { attrs: { axis: -1, epsilon: float(eps) } });
    }
    const sq = g.op1('Pow', [x32, g.scalar(2, 'float32')], `${name}/Pow`);
    const ms = g.op1('ReduceMean', [sq], `${name}/ReduceMean`, { attrs: { axes: [-1], keepdims: 1 } }); // opset 17: axes attribute
    const rms = g.op1('Sqrt', [g.op1('Add', [ms, g.scalar(eps, 'float32')], `${name}/AddEps`)], `${name}/Sqrt`);
    const normed = g.op1('Div', [x32, rms], `${name}/Div`);
    return g.op1('Mul', [normed, scale], `${name}/MulWeight`);
  });
}

/**
 * The MLP activation (spec.mlp.act), in the compute type.
 *   silu:      x * sigmoid(x)
 *   gelu:      0.5 x (1 + erf(x / sqrt 2))
 *   gelu_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 */
export function activation(g: GraphBuilder, x: string, act: ModelSpec['mlp']['act'], name: string, dt: ComputeType): string {
  if (act === 'silu') return g.op1('Mul', [x, g.op1('Sigmoid', [x], `${name}/Sigmoid`)], `${name}/Mul`);
  let inner: string;
  if (act === 'gelu') {
    inner = g.op1('Erf', [g.op1('Mul', [x, g.scalar(Math.SQRT1_2, dt)], `${name}/Scale`)], `${name}/Erf`);
  } else {
    const x3 = g.op1('Mul', [g.op1('Mul', [x, x], `${name}/Square`), x], `${name}/Cube`);
    const poly = g.op1('Add', [x, g.op1('Mul', [x3, g.scalar(0.044715, dt)], `${name}/MulCoef`)], `${name}/AddCube`);
    inner = g.op1('Tanh', [g.op1('Mul', [poly, g.scalar(Math.sqrt(2 / Math.PI), dt)], `${name}/Scale`)], `${name}/Tanh`);
  }
  const onePlus = g.op1('Add', [inner, g.scalar(1, dt)], `${name}/AddOne`);
  const half = g.op1('Mul', [x, g.scalar(0.5, dt)], `${name}/Half`);
  return g.op1('Mul', [half, onePlus], `${name}/Mul`);
}

/** cap * tanh(x / cap) (Gemma-2 attention and final logits), x in float32. */
export function softcap(g: GraphBuilder, x: string, cap: number, name: string): string {
  const t = g.op1('Tanh', [g.op1('Div', [x, g.scalar(cap, 'float32')], `${name}/Div`)], `${name}/Tanh`);
  return g.op1('Mul', [t, g.scalar(cap, 'float32')], `${name}/Mul`);
}

/** x[..., -1:, ...] along `axis` (keeps the axis, size 1). */
export function sliceLast(g: GraphBuilder, x: string, axis: number, name: string): string {
  return g.op1('Slice', [x, g.constI64([-1]), g.constI64([TO_END]), g.constI64([axis])], name);
}
