// The reference's own safetensors reader (test-only, tiny models): reads whole files, decodes
// F32/F16/BF16/F64 tensors to float64 on demand, and follows a sharded `*.safetensors.index.json`.
// Deliberately shares nothing with src/main/engine so that a parser bug cannot hide in both.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { entry } from '../../src/shared/checked';

export interface RefTensor {
  name: string;
  shape: number[];
  /** Row-major values, exactly as stored (every F16/BF16/F32 value is exact in float64). */
  data: Float64Array;
}

interface RawEntry {
  file: string;
  dtype: string;
  shape: number[];
  bytes: Buffer;
}

const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** All tensors of a checkpoint folder, decoded lazily by name. */
export class RefWeights {
  private readonly entries = new Map<string, RawEntry>();

  constructor(readonly dir: string) {
    for (const file of listShards(dir)) this.readFile(join(dir, file));
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The stored dtype of a tensor (F32, BF16, ...). */
  dtype(name: string): string {
    return this.entry(name).dtype;
  }

  /** Decode a floating-point tensor; `shape`, when given, must match exactly. */
  get(name: string, shape?: number[]): RefTensor {
    const e = this.entry(name);
    if (shape && (shape.length !== e.shape.length || shape.some((d, i) => d !== e.shape[i]))) {
      throw new Error(`${e.file}: tensor ${name} has shape [${e.shape}], expected [${shape}]`);
    }
    return { name, shape: e.shape, data: decode(e, name) };
  }

  private entry(name: string): RawEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.dir}: no tensor named ${name}`);
    return e;
  }

  private readFile(path: string): void {
    const buf = readFileSync(path);
    if (buf.length < 8) throw new Error(`${path}: too short for a safetensors file`);
    const headerLen = Number(buf.readBigUInt64LE(0));
    if (8 + headerLen > buf.length) throw new Error(`${path}: header length ${headerLen} past end of file`);
    const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
    const dataStart = 8 + headerLen;
    for (const [name, meta] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const { dtype, shape, data_offsets: offsets } = meta as { dtype: string; shape: number[]; data_offsets: [number, number] };
      const width = DTYPE_BYTES[dtype];
      if (width === undefined) throw new Error(`${path}: tensor ${name} has unknown dtype ${dtype}`);
      const count = shape.reduce((a, b) => a * b, 1);
      if (offsets[1] - offsets[0] !== count * width || dataStart + offsets[1] > buf.length) {
        throw new Error(`${path}: tensor ${name} byte range [${offsets}] does not fit ${dtype}[${shape}]`);
      }
      if (this.entries.has(name)) throw new Error(`${path}: tensor ${name} appears in two shards`);
      this.entries.set(name, { file: path, dtype, shape, bytes: buf.subarray(dataStart + offsets[0], dataStart + offsets[1]) });
    }
  }
}

/** Shard file names: from the index when there is one, else every *.safetensors in the folder. */
function listShards(dir: string): string[] {
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
    return [...new Set(Object.values(map))].sort();
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
  if (files.length === 0) throw new Error(`${dir}: no .safetensors file`);
  return files;
}

function decode(e: RawEntry, name: string): Float64Array {
  const n = e.bytes.length / entry(DTYPE_BYTES, e.dtype);
  const out = new Float64Array(n);
  const b = e.bytes;
  switch (e.dtype) {
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = b.readDoubleLE(8 * i);
      return out;
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = b.readFloatLE(4 * i);
      return out;
    case 'BF16': {
      // bf16 is the top half of an f32: shift the 16 bits up and reinterpret.
      const word = Buffer.alloc(4);
      for (let i = 0; i < n; i++) {
        word.writeUInt32LE(b.readUInt16LE(2 * i) << 16 >>> 0, 0);
        out[i] = word.readFloatLE(0);
      }
      return out;
    }
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToNumber(b.readUInt16LE(2 * i));
      return out;
    default:
      throw new Error(`${e.file}: tensor ${name} is ${e.dtype}, not a floating-point tensor`);
  }
}

/** IEEE 754 binary16 -> number, subnormals, infinities and NaN included. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
