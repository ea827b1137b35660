// Trial prompts and lags (README: The experiment). Trial i is a pure function of (study seed, i): its
// generator is seeded by hashing (seed, trial domain, i), so any trial can be regenerated alone and
// is identical in every condition of a study (paired trials).

import { at } from '../checked';
import { createRng, RNG_DOMAIN, shuffle } from './prng';

/** Index, in the permuted token set of N tokens, of the token repeated at the end: floor(N/2). */
export function repeatedIndex(tokenCount: number): number {
  return Math.floor(tokenCount / 2);
}

/** Prompt length S for N tokens: the permutation plus the repeated token. */
export function promptLength(tokenCount: number): number {
  return tokenCount + 1;
}

/** The permutation of trial i (N tokens), before the repeated token is appended. */
export function trialPermutation(seed: number, trialIndex: number, tokens: readonly number[]): number[] {
  if (!Number.isSafeInteger(trialIndex) || trialIndex < 0) {
    throw new RangeError(`trial index must be a non-negative integer, got ${trialIndex}`);
  }
  return shuffle(createRng(seed, RNG_DOMAIN.trial, trialIndex), tokens);
}

/**
 * Trial i's prompt (S = N + 1 ids): a random permutation of the token set with the token at index
 * floor(N/2) of the permuted list appended. Needs N >= 2 for lags -1, 0 and +1 to exist.
 */
export function trialPrompt(seed: number, trialIndex: number, tokens: readonly number[]): number[] {
  if (tokens.length < 2) throw new RangeError(`a trial needs at least 2 tokens, got ${tokens.length}`);
  const permutation = trialPermutation(seed, trialIndex, tokens);
  permutation.push(at(permutation, repeatedIndex(tokens.length)));
  return permutation;
}

/**
 * Lag of a prompt position: `position - floor((S-1)/2)`, so lag 0 is always the earlier occurrence
 * of the repeated token (index floor(N/2)) and lag +1 the token that followed it. For even N (every
 * preset; the seed's N = 500) this is the README's `position - floor(S/2)`; for odd N that formula
 * would put lag 0 one position after the repeated token.
 */
export function lagOf(position: number, seqLen: number): number {
  return position - Math.floor((seqLen - 1) / 2);
}

/** Prompt position of a lag (inverse of lagOf). */
export function positionOfLag(lag: number, seqLen: number): number {
  return lag + Math.floor((seqLen - 1) / 2);
}

/** lags(S)[position] = lagOf(position, S), for positions 0..S-1. */
export function lags(seqLen: number): number[] {
  return Array.from({ length: seqLen }, (_, position) => lagOf(position, seqLen));
}
