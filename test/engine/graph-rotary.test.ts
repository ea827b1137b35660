// Rotary tables against values computed with transformers' own _compute_llama3_parameters code
// path in PyTorch (float32) for Llama-3.1-8B's config (theta 5e5, head_dim 128, factor 8, low 1,
// high 4, original context 8192): unscaled high frequencies, the smooth band, and the /8 band.

import { describe, expect, it } from 'vitest';
import type { Positional } from '../../src/shared/model-spec';
import { rotaryInvFreq, rotaryTables } from '../../src/main/engine/graph/rotary';
import { at } from '../../src/shared/checked';

const llama31: Extract<Positional, { kind: 'rotary' }> = {
  kind: 'rotary',
  theta: 500000,
  rotaryDim: 128,
  scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
};

// index -> inv_freq from HF (torch float32); 26-28 high band, 29-34 smooth band, >= 35 divided by 8.
const HF_INV_FREQ: [number, number][] = [
  [0, 1.0],
  [20, 0.016560440883040428],
  [26, 0.00483942124992609],
  [28, 0.0032114461064338684],
  [29, 0.0021665706299245358],
  [30, 0.0013718936825171113],
  [31, 0.0008567514596506953],
  [32, 0.0005248460220173001],
  [40, 3.428102354519069e-5],
  [50, 4.411534519022098e-6],
  [63, 3.068925877869333e-7],
];

describe('rotary tables', () => {
  it('llama3 scaling matches transformers for every band', () => {
    const inv = rotaryInvFreq(llama31);
    expect(inv).toHaveLength(64);
    let worst = 0;
    for (const [i, hf] of HF_INV_FREQ) worst = Math.max(worst, Math.abs(at(inv, i) - hf) / hf);
    console.log('llama3 inv_freq: max relative difference vs HF (float32)', worst);
    expect(worst).toBeLessThan(1e-6);
    // Without scaling the low band would be 8x faster: the test can tell the difference.
    const plain = rotaryInvFreq({ ...llama31, scaling: null });
    expect(at(plain, 50) / at(inv, 50)).toBeCloseTo(8, 5);
  });

  it('cos / sinSigned rows in HF layout cat(freqs, freqs), first sin half negated', () => {
    const { cos, sinSigned } = rotaryTables(llama31, 1001);
    const rd = 128;
    const row = 1000 * rd;
    // HF float32 values of cos/sin(1000 * inv_freq[i]).
    for (const [i, c, s] of [[0, 0.5623790621757507, 0.8268795609474182], [37, 0.9979899525642395, 0.0633726492524147], [50, 0.9999902844429016, 0.004411519970744848]] as const) {
      expect(cos[row + i]).toBeCloseTo(c, 4);
      expect(cos[row + 64 + i]).toBe(cos[row + i]);
      expect(sinSigned[row + 64 + i]).toBeCloseTo(s, 4);
      expect(sinSigned[row + i]).toBe(-at(sinSigned, row + 64 + i));
    }
    expect(cos[0]).toBe(1);
    expect(sinSigned[5]).toBe(-0);
  });

  it('partial rotary uses rotaryDim for the frequencies', () => {
    const inv = rotaryInvFreq({ kind: 'rotary', theta: 10000, rotaryDim: 8, scaling: null });
    expect(inv).toHaveLength(4);
    [1, 0.1, 0.01, 0.001].forEach((v, i) => expect(inv[i]).toBeCloseTo(v, 14)); // 10000^(-2i/8)
  });
});
