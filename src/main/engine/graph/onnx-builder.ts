// A small, explicit ONNX graph builder: nodes in topological (call) order, typed attributes,
// graph inputs/outputs and lazily-read initializers. It holds no "current tensor": every op call
// returns the names of its outputs, and the caller passes names on (onnxruntime-genai's builder,
// without its hidden state). Serialisation lives in model-writer.ts.

import onnxProto from 'onnx-proto';
import { toFloat16Array } from '../half-precision';
import { at, first } from '../../../shared/checked';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

export type ElemType = 'float32' | 'float16' | 'float64' | 'int64' | 'bool';

export const ONNX_ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export const ELEM_BYTES: Record<ElemType, number> = { float32: 4, float16: 2, float64: 8, int64: 8, bool: 1 };

/** A float attribute (plain numbers are ints): `{ epsilon: float(1e-5), axis: -1 }`. */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export const float = (value: number): FloatAttr => new FloatAttr(value);
export type AttrValue = number | number[] | FloatAttr | string;

/** An initializer whose bytes are produced only when the writer reaches it (weights are streamed). */
export interface InitializerSource {
  name: string;
  dims: number[];
  elemType: ElemType;
  /** Little-endian bytes, exactly numel * ELEM_BYTES[elemType] long. */
  bytes(): Uint8Array;
  /** Stored in TensorProto.doc_string: how the data differ from the Hugging Face tensor of that name. */
  note?: string;
}

export type Dim = number | string;
export interface ValueInfo {
  name: string;
  elemType: ElemType;
  dims: Dim[];
}

export interface OpOptions {
  attrs?: Record<string, AttrValue>;
  /** Number of outputs (named `<node>/output_i`), or explicit output names. Default 1. */
  outputs?: number | string[];
  /** Operator set of the op: standard ONNX (default) or onnxruntime's contrib ops (`com.microsoft`). */
  domain?: typeof CONTRIB_DOMAIN;
}

/** onnxruntime's contrib operators (FastGelu, ...), available on its CPU and CUDA providers. */
export const CONTRIB_DOMAIN = 'com.microsoft';

export class GraphBuilder {
  readonly nodes: INodeProto[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly inits = new Map<string, InitializerSource>();
  private readonly nodeNames = new Set<string>();
  /** Whether any node is a contrib op (the model then imports that operator set). */
  usesContribOps = false;

  constructor(readonly name: string) {}

  get initializers(): InitializerSource[] {
    return [...this.inits.values()];
  }

  /** Emits one node named `name` (e.g. `/model/layers.3/attn/q_proj/MatMul`); returns its output names. */
  op(opType: string, inputs: string[], name: string, options: OpOptions = {}): string[] {
    if (this.nodeNames.has(name)) throw new Error(`graph builder: duplicate node name ${name}`);
    this.nodeNames.add(name);
    const outs = options.outputs ?? 1;
    const output = typeof outs === 'number' ? Array.from({ length: outs }, (_, i) => `${name}/output_${i}`) : outs;
    const attribute = Object.entries(options.attrs ?? {}).map(([key, v]) => toAttribute(key, v));
    this.nodes.push({ opType, input: inputs, output, name, attribute, ...(options.domain ? { domain: options.domain } : {}) });
    if (options.domain === CONTRIB_DOMAIN) this.usesContribOps = true;
    return output;
  }

  /** Single-output shorthand for op(). */
  op1(opType: string, inputs: string[], name: string, options: OpOptions = {}): string {
    return first(this.op(opType, inputs, name, options));
  }

  /** Two-output shorthand for op() (a Split into two parts). */
  op2(opType: string, inputs: string[], name: string, options: OpOptions = {}): [string, string] {
    const outputs = this.op(opType, inputs, name, { ...options, outputs: options.outputs ?? 2 });
    return [at(outputs, 0), at(outputs, 1)];
  }

  input(info: ValueInfo): string {
    this.inputs.push(info);
    return info.name;
  }

  output(info: ValueInfo): void {
    this.outputs.push(info);
  }

  /**
   * Registers an initializer; registering the same name again returns it (a tied LM head reuses
   * the embedding) but only if it describes the same tensor.
   */
  initializer(src: InitializerSource): string {
    const prev = this.inits.get(src.name);
    if (prev) {
      if (prev.elemType !== src.elemType || prev.dims.join() !== src.dims.join() || prev.note !== src.note) {
        throw new Error(`graph builder: initializer ${src.name} registered twice with different contents`);
      }
      return prev.name;
    }
    this.inits.set(src.name, src);
    return src.name;
  }

  /** A small int64 constant, shared by value (`/model/constants/i64_0_0_8_16`). */
  constI64(values: number[], dims: number[] = [values.length]): string {
    const key = `/model/constants/i64_${dims.length === 0 ? 's' : ''}${values.join('_').replace(/-/g, 'm')}`;
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    return this.initializer({ name: key, dims, elemType: 'int64', bytes: () => new Uint8Array(data.buffer) });
  }

  /** A small float constant of the given type, shared by value. */
  constFloat(values: number[], elemType: 'float32' | 'float16' | 'float64', dims: number[] = [values.length]): string {
    const tag = values.map((v) => String(v).replace(/-/g, 'm').replace(/\./g, 'p')).join('_');
    const key = `/model/constants/${elemType}_${dims.length === 0 ? 's' : ''}${tag}`;
    const bytes = (): Uint8Array => encodeFloats(Float64Array.from(values), elemType);
    return this.initializer({ name: key, dims, elemType, bytes });
  }

  /** A float scalar (rank 0), the form element-wise ops broadcast without reshaping. */
  scalar(value: number, elemType: 'float32' | 'float16' | 'float64'): string {
    return this.constFloat([value], elemType, []);
  }
}

/** Float values to little-endian bytes of the given float type (float16 with round-to-nearest-even). */
export function encodeFloats(values: ArrayLike<number>, elemType: 'float32' | 'float16' | 'float64'): Uint8Array {
  if (elemType === 'float64') return new Uint8Array(Float64Array.from(values).buffer);
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  if (elemType === 'float32') return new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
  const h = toFloat16Array(f32);
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

function toAttribute(name: string, v: AttrValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (v instanceof FloatAttr) return { name, type: T.FLOAT, f: v.value };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if (!Number.isInteger(v)) throw new Error(`graph builder: attribute ${name}=${v} is not an int (wrap floats in float())`);
  return { name, type: T.INT, i: v };
}
