// The half-precision codec on arrays (the fp16 graph's initializers, inputs and outputs): exhaustive
// round trip over all 65,536 bit patterns, and round-to-nearest-even on the ties that decide it.
import { describe, expect, it } from 'vitest';
import { fromFloat16Array, toFloat16Array } from '../../src/main/engine/half-precision';
import { at } from '../../src/shared/checked';

describe('float16', () => {
  it('round-trips every half-precision bit pattern (NaNs stay NaN)', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const back = toFloat16Array(fromFloat16Array(bits));
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const isNaN16 = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN16 ? (at(back, i) & 0x7c00) !== 0x7c00 || (at(back, i) & 0x3ff) === 0 : back[i] !== i) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('decodes known values', () => {
    const values = fromFloat16Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0x8000]));
    expect(Array.from(values)).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14, Infinity, -0]);
  });

  it('rounds to nearest, ties to even, including into and out of subnormals', () => {
    const ulp1 = 2 ** -10; // spacing just above 1
    const cases: [number, number][] = [
      [1 + ulp1 / 2, 0x3c00], // tie -> even (1.0)
      [1 + (3 * ulp1) / 2, 0x3c02], // tie -> even (1 + 2 ulp)
      [1 + ulp1 / 2 + 1e-7, 0x3c01], // above the tie -> up
      [65520, 0x7c00], // rounds past the largest finite -> inf
      [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal -> 0 (even)
      [1.5 * 2 ** -24, 0x0002], // tie between subnormals 1 and 2 -> 2 (even)
      [2 ** -14 - 2 ** -25, 0x0400], // largest subnormal + half ulp -> smallest normal (tie, even)
      [1e-9, 0x0000],
      [-3.140625, 0xc248],
    ];
    for (const [value, expected] of cases) expect(toFloat16Array([value])[0], `value ${value}`).toBe(expected);
  });
});
