// The one float32 <-> half-precision codec: IEEE float16 and bfloat16 bit patterns, for checkpoint
// tensors (safetensors F16 / BF16), the fp16 graph's initializers, and its inputs and outputs
// (Node 20 has no Float16Array; onnxruntime-node passes float16 tensors as Uint16Array bits).
// Decoding is bit-exact, NaN payloads included. Encoding rounds to nearest, ties to even, as torch
// does; overflow gives ±inf; a NaN stays a quiet NaN keeping the top bits of its payload.

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
/** f32 bit patterns of all 65,536 half-precision bit patterns (built on first use). */
function float16Table(): Uint32Array {
  if (!f16Table) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = float16BitsToFloat32Bits(h);
  }
  return f16Table;
}

function float32OfBits(bits: number): number {
  u32Scratch[0] = bits;
  return f32Scratch[0] ?? NaN;
}

export function float16ToFloat32(bits: number): number {
  return float32OfBits(float16BitsToFloat32Bits(bits & 0xffff));
}

export function bfloat16ToFloat32(bits: number): number {
  return float32OfBits((bits & 0xffff) << 16);
}

/** Half-precision bits of an f32 bit pattern. */
function halfBitsOfFloat32Bits(b: number): number {
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

function float32Bits(x: number): number {
  f32Scratch[0] = x;
  return u32Scratch[0] ?? 0;
}

/** Half-precision bits of `x` (rounded to f32 first). */
export function float32ToFloat16Bits(x: number): number {
  return halfBitsOfFloat32Bits(float32Bits(x));
}

/** BF16 bits of `x` (rounded to f32 first). */
export function float32ToBfloat16Bits(x: number): number {
  const b = float32Bits(x);
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Float values (rounded to f32 first) as half-precision bits. */
export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  const out = new Uint16Array(f32.length);
  new Uint32Array(f32.buffer, f32.byteOffset, f32.length).forEach((b, i) => {
    out[i] = halfBitsOfFloat32Bits(b);
  });
  return out;
}

/** Half-precision bits as float32 values. */
export function fromFloat16Array(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  decodeFloat16Into(bits, new Uint32Array(out.buffer));
  return out;
}

/** Writes the f32 bit patterns of half-precision `bits` into `out32` (same length). */
export function decodeFloat16Into(bits: Uint16Array, out32: Uint32Array): void {
  const table = float16Table();
  bits.forEach((h, i) => {
    out32[i] = table[h] ?? 0; // h < 65536 = table.length
  });
}

/** Writes the f32 bit patterns of bfloat16 `bits` into `out32` (same length): BF16 is an f32's upper half. */
export function decodeBfloat16Into(bits: Uint16Array, out32: Uint32Array): void {
  bits.forEach((h, i) => {
    out32[i] = h << 16;
  });
}
