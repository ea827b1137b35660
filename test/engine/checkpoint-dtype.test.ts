// F16/BF16 <-> float32 conversions: known bit patterns, exhaustive F16 round trips, and agreement of
// the engine's bit-level encoders with the test helpers' arithmetic rounding (two independent codes).

import { describe, expect, it } from 'vitest';
import {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from '../../src/main/engine/half-precision';
import { mulberry32, roundToBf16, roundToF16 } from '../../tools/fixtures/hf-checkpoint';
import { at } from '../../src/shared/checked';

describe('float16 / bfloat16 decoding', () => {
  it('decodes known half-precision bit patterns', () => {
    const cases: [number, number][] = [
      [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24],
      [0x0400, 2 ** -14], [0x3555, 0.333251953125], [0x2e66, 0.0999755859375],
      [0x7c00, Infinity], [0xfc00, -Infinity], [0x0000, 0],
    ];
    for (const [bits, value] of cases) expect(float16ToFloat32(bits), `0x${bits.toString(16)}`).toBe(value);
    expect(Object.is(float16ToFloat32(0x8000), -0)).toBe(true);
    expect(float16ToFloat32(0x7e00)).toBeNaN();
  });

  it('decodes known bfloat16 bit patterns', () => {
    const cases: [number, number][] = [
      [0x3f80, 1], [0x3eab, 0.333984375], [0x7f7f, 3.3895313892515355e38], [0x0001, 2 ** -133],
      [0xff80, -Infinity], [0xc040, -3],
    ];
    for (const [bits, value] of cases) expect(bfloat16ToFloat32(bits), `0x${bits.toString(16)}`).toBe(value);
    expect(bfloat16ToFloat32(0x7fc0)).toBeNaN();
  });
});

describe('float32 -> float16 / bfloat16 encoding (round to nearest even)', () => {
  it('rounds known values and ties', () => {
    const f16: [number, number][] = [
      [0.1, 0x2e66], [65520, 0x7c00], [65519.99, 0x7bff], [1e6, 0x7c00], [-1e6, 0xfc00],
      [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002],
      [2 ** -25 * 1.5, 0x0001], [2 ** -26, 0], [-(2 ** -24), 0x8001], [2 ** -14 - 2 ** -25, 0x0400],
    ];
    for (const [x, bits] of f16) expect(float32ToFloat16Bits(x), String(x)).toBe(bits);
    const bf16: [number, number][] = [
      [1 / 3, 0x3eab], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82], [3.4e38, 0x7f80], [-0.5, 0xbf00],
    ];
    for (const [x, bits] of bf16) expect(float32ToBfloat16Bits(x), String(x)).toBe(bits);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('re-encodes every finite half-precision value to the same bits', () => {
    let mismatches = 0;
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaN
      if (float32ToFloat16Bits(float16ToFloat32(h)) !== h) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('agrees with the helpers\' arithmetic rounding on 200k random values each, subnormals to overflow', () => {
    const rand = mulberry32(7);
    const x = new Float32Array(200_000);
    const y = new Float32Array(x.length); // bf16 shares f32's exponent range: go down to its subnormals
    for (let i = 0; i < x.length; i++) {
      x[i] = (rand() - 0.5) * 2 ** Math.floor(rand() * 80 - 40);
      y[i] = (rand() - 0.5) * 2 ** Math.floor(rand() * 280 - 150);
    }
    const h = roundToF16(x);
    const b = roundToBf16(y);
    let bad16 = 0;
    let badBf = 0;
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(float16ToFloat32(float32ToFloat16Bits(at(x, i))), h[i])) bad16++;
      if (!Object.is(bfloat16ToFloat32(float32ToBfloat16Bits(at(y, i))), b[i])) badBf++;
    }
    console.log(`encoder disagreements: f16 ${bad16}, bf16 ${badBf} of ${x.length}`);
    expect([bad16, badBf]).toEqual([0, 0]);
  });
});
