// A minimal safetensors + config.json writer for the reference's own sanity tests (test-only).
// Kept apart from test/helpers so the reference can be tested before, and independently of, the
// shared checkpoint helpers. Values are given as float64 and stored as F32, F16 or BF16.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { at } from '../../src/shared/checked';

export interface TensorSpec {
  name: string;
  shape: number[];
  data: ArrayLike<number>;
}

export type StoredDtype = 'F32' | 'F16' | 'BF16';

export function writeTinyCheckpoint(dir: string, config: object, tensors: TensorSpec[], dtype: StoredDtype = 'F32', shards = 1): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  if (shards === 1) {
    writeSafetensors(join(dir, 'model.safetensors'), tensors, dtype);
    return;
  }
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < shards; i++) {
    const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = tensors.filter((_, j) => j % shards === i);
    for (const t of part) weightMap[t.name] = file;
    writeSafetensors(join(dir, file), part, dtype);
  }
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}

export function writeSafetensors(path: string, tensors: TensorSpec[], dtype: StoredDtype): void {
  const width = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`${t.name}: shape [${t.shape}] needs ${n} values, got ${t.data.length}`);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + n * width] };
    offset += n * width;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the format pads the header to 8 bytes
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, pos += width) {
      if (dtype === 'F32') out.writeFloatLE(at(t.data, i), pos);
      else if (dtype === 'BF16') out.writeUInt16LE(bf16Bits(at(t.data, i)), pos);
      else out.writeUInt16LE(f16Bits(at(t.data, i)), pos);
    }
  }
  writeFileSync(path, out);
}

/** float -> bfloat16 bits, round to nearest even (via float32, as torch does). */
function bf16Bits(v: number): number {
  const u = at(new Uint32Array(new Float32Array([v]).buffer), 0);
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float -> float16 bits for the moderate, finite values tiny test weights have. */
function f16Bits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a < 2 ** -24) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24); // subnormal
  let e = Math.floor(Math.log2(a));
  let m = Math.round((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e += 1;
  }
  if (e > 15) throw new Error(`f16: ${v} overflows`);
  return sign | ((e + 15) << 10) | m;
}

/** Deterministic uniform samples in [0, 1) (mulberry32). */
export function makeUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic normal samples (mulberry32 + Box-Muller). */
export function makeRng(seed: number): (std?: number) => number {
  const uniform = makeUniform(seed);
  return (std = 1) => std * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
