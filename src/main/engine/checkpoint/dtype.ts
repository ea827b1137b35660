// Safetensors dtypes, and whole tensors decoded to / encoded from float32 through the engine's one
// half-precision codec (../half-precision.ts: bit-exact decoding, round-to-nearest-even encoding).

import { endianness } from 'node:os';
import { decodeBfloat16Into, decodeFloat16Into, float32ToBfloat16Bits, float32ToFloat16Bits } from '../half-precision';

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
  if (dtype === 'BF16') decodeBfloat16Into(u16, out32);
  else decodeFloat16Into(u16, out32);
}

/** Encodes float32 values as `dtype` little-endian bytes (for writing checkpoints and fp16 graphs). */
export function encodeFromFloat32(dtype: SafetensorsDtype, values: Float32Array): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const encode = dtype === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
  return new Uint8Array(Uint16Array.from(values, encode).buffer);
}

export function bytesOf(dtype: string): number {
  const n = DTYPE_BYTES[dtype];
  if (n === undefined) throw new Error(`unknown safetensors dtype ${dtype}`);
  return n;
}
