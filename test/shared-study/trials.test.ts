// Trial prompts: pure functions of (seed, trial index), matching a Python transcription of the
// generator, with the token at floor(N/2) repeated at the end; lags around that token.

import { describe, expect, it } from 'vitest';
import { lagOf, lags, positionOfLag, promptLength, repeatedIndex, trialPermutation, trialPrompt } from '../../src/shared/study/trials';

describe('trialPrompt', () => {
  it('matches the Python reference of the generator', () => {
    const tokens = Array.from({ length: 12 }, (_, i) => 100 + i);
    expect(trialPrompt(42, 137, tokens)).toEqual([110, 108, 102, 109, 107, 100, 106, 103, 105, 101, 111, 104, 106]);
    expect(trialPrompt(7, 0, [5, 9, 11, 20, 31])).toEqual([9, 11, 5, 20, 31, 5]);
  });

  it('is a permutation plus the token at floor(N/2), of length N + 1', () => {
    const tokens = Array.from({ length: 500 }, (_, i) => 1000 + 3 * i);
    for (const i of [0, 1, 299]) {
      const prompt = trialPrompt(42, i, tokens);
      expect(prompt.length).toBe(promptLength(500));
      expect(prompt[500]).toBe(prompt[250]);
      expect(prompt.slice(0, 500).sort((a, b) => a - b)).toEqual(tokens);
    }
  });

  it('trial i does not depend on the trials before it, and trials differ', () => {
    const tokens = Array.from({ length: 40 }, (_, i) => i);
    const direct = trialPrompt(3, 137, tokens);
    for (let i = 0; i < 137; i++) trialPrompt(3, i, tokens);
    expect(trialPrompt(3, 137, tokens)).toEqual(direct);
    expect(trialPrompt(3, 136, tokens)).not.toEqual(direct);
    expect(trialPrompt(4, 137, tokens)).not.toEqual(direct);
    expect(trialPermutation(3, 137, tokens)).toEqual(direct.slice(0, 40));
  });

  it('rejects fewer than 2 tokens and bad trial indices', () => {
    expect(() => trialPrompt(1, 0, [5])).toThrow(RangeError);
    expect(() => trialPrompt(1, -1, [5, 6])).toThrow(RangeError);
  });
});

describe('lags', () => {
  it('puts lag 0 on the earlier copy of the repeated token for N = 500 (S = 501)', () => {
    const l = lags(501);
    expect(l.length).toBe(501);
    expect(l[0]).toBe(-250);
    expect(l[repeatedIndex(500)]).toBe(0);
    expect(l[251]).toBe(1);
    expect(l[500]).toBe(250);
    expect(lagOf(250, 501)).toBe(250 - Math.floor(501 / 2)); // the README's formula for even N
  });

  it('keeps lag 0 on the repeated token for odd N too', () => {
    // N = 5: repeated index 2, S = 6; position - floor(S/2) would put lag 0 on position 3.
    expect(lagOf(repeatedIndex(5), promptLength(5))).toBe(0);
    expect(lags(6)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (let p = 0; p < 6; p++) expect(positionOfLag(lagOf(p, 6), 6)).toBe(p);
  });
});
