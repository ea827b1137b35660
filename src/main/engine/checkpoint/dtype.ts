// Safetensors dtypes and exact conversions between F16 / BF16 bit patterns and float32.
// Decoding is bit-exact (NaN payloads included): F16 goes through a 65,536-entry table of f32 bit
// patterns, BF16 is the upper half of an f32. Encoding rounds to nearest, ties to even, as torch does.

import { endianness } from 'node:os';

/** The float dtypes the engine reads. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

export const SUPPORTED_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16'];

/** Bytes per element of every dtype the safetensors format defines (so offsets of tensors we do
 * not read, e.g. GPT-2's U8 attention-mask buffer, can still be checked). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

export function isSupportedDtype(dtype: string): dtype is SafetensorsDtype {
  return (SUPPORTED_DTYPES as readonly string[]).includes(dtype);
}

// Typed-array views reinterpret bytes in host order; safetensors is little-endian, as is every
// platform Electron ships on. Fail loudly rather than read garbage elsewhere.
if (endianness() !== 'LE') throw new Error('checkpoint reading needs a little-endian host');

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** f32 bit pattern of an IEEE half-precision bit pattern. */
function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf / NaN, payload kept
  if (exp !== 0) return (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal half: mant * 2^-24 is a normal f32; renormalise the mantissa.
  let e = -14;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e -= 1;
  }
  return (sign | ((e + 127) << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

let f16Table: Uint32Array | null = null;
function float16Table(): Uint32Array {
  if (!f16Table) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = float16BitsToFloat32Bits(h);
  }
  return f16Table;
}

export function float16ToFloat32(bits: number): number {
  u32Scratch[0] = float16BitsToFloat32Bits(bits & 0xffff);
  return f32Scratch[0];
}

export function bfloat16ToFloat32(bits: number): number {
  u32Scratch[0] = (bits & 0xffff) << 16;
  return f32Scratch[0];
}

/** Half-precision bits of `x` (rounded to f32 first), round to nearest even; overflow gives ±inf. */
export function float32ToFloat16Bits(x: number): number {
  f32Scratch[0] = x;
  const b = u32Scratch[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    mant |= 0x800000;
    const shift = 14 - e; // value = mant * 2^(e-38); in units of 2^-24 that is mant >> (14 - e)
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half += 1; // may carry to 0x400: fine
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half += 1; // may carry to inf: fine
  return sign | half;
}

/** BF16 bits of `x` (rounded to f32 first), round to nearest even; NaN stays a quiet NaN. */
export function float32ToBfloat16Bits(x: number): number {
  f32Scratch[0] = x;
  const b = u32Scratch[0];
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Decodes `src` (raw little-endian elements of `dtype`) into `out` starting at element `outOffset`.
 * `src` must start at an even byte offset of its ArrayBuffer (a fresh Buffer does). */
export function decodeToFloat32(
  dtype: SafetensorsDtype,
  src: Uint8Array,
  out: Float32Array,
  outOffset: number,
): void {
  const out32 = new Uint32Array(out.buffer, out.byteOffset + outOffset * 4, src.byteLength / bytesOf(dtype));
  if (dtype === 'F32') {
    new Uint8Array(out32.buffer, out32.byteOffset, out32.byteLength).set(src);
    return;
  }
  const u16 = new Uint16Array(src.buffer, src.byteOffset, src.byteLength / 2);
  if (dtype === 'BF16') {
    for (let i = 0; i < u16.length; i++) out32[i] = u16[i] << 16;
  } else {
    const table = float16Table();
    for (let i = 0; i < u16.length; i++) out32[i] = table[u16[i]];
  }
}

/** Encodes float32 values as `dtype` little-endian bytes (for writing checkpoints and fp16 graphs). */
export function encodeFromFloat32(dtype: SafetensorsDtype, values: Float32Array): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const u16 = new Uint16Array(values.length);
  const encode = dtype === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
  for (let i = 0; i < values.length; i++) u16[i] = encode(values[i]);
  return new Uint8Array(u16.buffer);
}

export function bytesOf(dtype: string): number {
  const n = DTYPE_BYTES[dtype];
  if (n === undefined) throw new Error(`unknown safetensors dtype ${dtype}`);
  return n;
}
