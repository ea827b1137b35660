// Peak lag: the lag with the highest mean probability, and a bootstrap over trials of how often each
// lag is the peak. Lag 0 (the repeated token) is left out by default; the last position always is
// (it holds the lag-0 token again). Resample b draws n trial indices with replacement, randomInt(n)
// each from createRng(seed, RNG_DOMAIN.bootstrap, b), so every condition of a study sees the same
// resamples and anyone with the seed can redo them (prng.ts documents the generator).

import { at } from '../checked';
import { createRng, randomInt, RNG_DOMAIN } from './prng';
import { rowLength } from './stats';
import { lagOf, positionOfLag } from './trials';
import type { PeakLagEstimate } from './types';

export interface PeakOptions {
  excludeLagZero: boolean;
  resamples: number;
  seed: number;
  /** Coverage of the confidence set (0.95). */
  level: number;
  /** Resample counts drawn already for this (seed, resamples, trials), to share between conditions. */
  shared?: BootstrapResamples;
}

/** How many times each trial 0..n-1 occurs in bootstrap resample `resample` (written into `into`). */
export function resampleCounts(seed: number, resample: number, n: number, into: Float64Array = new Float64Array(n)): Float64Array {
  const rng = createRng(seed, RNG_DOMAIN.bootstrap, resample);
  into.fill(0);
  for (let t = 0; t < n; t++) {
    const j = randomInt(rng, n);
    into[j] = (into[j] ?? NaN) + 1;
  }
  return into;
}

/**
 * The resample counts of one (seed, resamples, n), drawn once and shared by every condition with n
 * trials (drawing them costs about as much as a sharp curve's whole bootstrap). Kept as 16-bit
 * counts when n < 65536 and they fit in 16 MB; otherwise drawn again on every use.
 */
export class BootstrapResamples {
  private readonly stored: Uint16Array | null;

  constructor(
    readonly seed: number,
    readonly resamples: number,
    readonly n: number,
  ) {
    this.stored = n < 65536 && resamples * n <= 1 << 23 ? new Uint16Array(resamples * n) : null;
    const counts = new Float64Array(n);
    for (let b = 0; this.stored && b < resamples; b++) this.stored.set(resampleCounts(seed, b, n, counts), b * n);
  }

  /** Resample b's counts, written into `into` (length n). */
  counts(b: number, into: Float64Array): Float64Array {
    if (!this.stored) return resampleCounts(this.seed, b, this.n, into);
    into.set(this.stored.subarray(b * this.n, (b + 1) * this.n));
    return into;
  }
}

/** Positions a peak may be at: all but the last (the lag-0 token again) and, if asked, lag 0. */
export function peakPositions(seqLen: number, excludeLagZero: boolean): number[] {
  const lagZero = positionOfLag(0, seqLen);
  return Array.from({ length: seqLen - 1 }, (_, s) => s).filter((s) => !(excludeLagZero && s === lagZero));
}

/** Candidate columns (one per eligible position, trials contiguous) with their means and SDs. */
interface Columns {
  positions: number[];
  /** [positions, n] row-major: values[e * n + t] = rows[t][positions[e]]. */
  values: Float64Array;
  means: Float64Array;
  sds: Float64Array;
}

function columns(rows: readonly ArrayLike<number>[], positions: number[]): Columns {
  const n = rows.length;
  const values = new Float64Array(positions.length * n);
  const means = new Float64Array(positions.length);
  const sds = new Float64Array(positions.length);
  positions.forEach((s, e) => {
    let sum = 0;
    rows.forEach((row, t) => {
      const v = at(row, s);
      values[e * n + t] = v;
      sum += v;
    });
    const m = sum / n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += (at(values, e * n + t) - m) ** 2;
    means[e] = m;
    sds[e] = n < 2 ? 0 : Math.sqrt(ss / (n - 1));
  });
  return { positions, values, means, sds };
}

/** Index of the largest mean; ties go to the earlier position (the smaller lag). */
function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let e = 1; e < values.length; e++) if (at(values, e) > at(values, best)) best = e;
  return best;
}

/**
 * The peak of one resample. Exact, but skips positions that cannot win: with counts c (sum n),
 * |resample mean - mean| = |Σ (c_t - 1)(x_t - mean)| / n <= ||c - 1|| · SD · √(n-1) / n
 * (Cauchy-Schwarz), so a position whose mean + κ·SD is below the best found so far is never computed.
 * `order` lists positions by mean descending; `tailSd[i]` is the largest SD from order[i] on.
 */
function resamplePeak(cols: Columns, counts: Float64Array, order: Int32Array, tailSd: Float64Array, drawn: Int32Array, weights: Float64Array): number {
  // Typed arrays read directly (not through at()): this loop is where the bootstrap spends its time,
  // and V8 keeps it fast only while every read here sees one array type.
  const { means, sds, values } = cols;
  const n = counts.length;
  let dev2 = 0;
  // The trials drawn at least once (about 63% of them), with their counts: the sums skip the rest.
  let m = 0;
  for (let t = 0; t < n; t++) {
    const c = counts[t] ?? NaN;
    dev2 += (c - 1) ** 2;
    if (c > 0) {
      drawn[m] = t;
      weights[m++] = c;
    }
  }
  const kappa = (Math.sqrt(dev2) * Math.sqrt(n - 1)) / n;
  let best = -Infinity;
  let bestE = -1;
  for (let i = 0; i < order.length; i++) {
    const e = order[i] ?? 0;
    const mean = means[e] ?? NaN;
    // Slack for rounding in the bound: skipping needs a clear margin.
    const slack = 1e-12 * (Math.abs(best) + Math.abs(mean)) + 1e-300;
    if (mean + kappa * (tailSd[i] ?? NaN) + slack < best) break; // means only fall from here on
    if (mean + kappa * (sds[e] ?? NaN) + slack < best) continue;
    let sum = 0;
    const offset = e * n;
    for (let j = 0; j < m; j++) sum += (weights[j] ?? NaN) * (values[offset + (drawn[j] ?? 0)] ?? NaN);
    const value = sum / n;
    if (value > best || (value === best && e < bestE)) {
      best = value;
      bestE = e;
    }
  }
  return bestE;
}

/** The peak lag of rows[trial][position] with bootstrap shares and a `level` confidence set. */
export function peakLagEstimate(rows: readonly ArrayLike<number>[], o: PeakOptions): PeakLagEstimate {
  const seqLen = rowLength(rows);
  const n = rows.length;
  const cols = columns(rows, peakPositions(seqLen, o.excludeLagZero));
  const lagAt = (e: number) => lagOf(at(cols.positions, e), seqLen);
  const point = argmax(cols.means);
  const order = Int32Array.from(cols.positions.keys()).sort((x, y) => at(cols.means, y) - at(cols.means, x) || x - y);
  const tailSd = new Float64Array(order.length);
  for (let i = order.length - 1, max = 0; i >= 0; i--) {
    max = Math.max(max, at(cols.sds, at(order, i)));
    tailSd[i] = max;
  }
  const shared = o.shared?.seed === o.seed && o.shared.resamples === o.resamples && o.shared.n === n ? o.shared : null;
  const wins = new Map<number, number>();
  const counts = new Float64Array(n);
  const scratch = { drawn: new Int32Array(n), weights: new Float64Array(n) };
  for (let b = 0; b < o.resamples; b++) {
    const drawnCounts = shared ? shared.counts(b, counts) : resampleCounts(o.seed, b, n, counts);
    const e = resamplePeak(cols, drawnCounts, order, tailSd, scratch.drawn, scratch.weights);
    wins.set(e, (wins.get(e) ?? 0) + 1);
  }
  const ranked = [...wins].sort(([e1, w1], [e2, w2]) => w2 - w1 || e1 - e2);
  // The fewest lags whose resample counts reach ceil(level · B) (a tiny allowance so 0.95 · 2000 is 1900).
  const needed = Math.ceil(o.level * o.resamples - 1e-9);
  const confidenceSet: number[] = [];
  let covered = 0;
  for (const [e, w] of ranked) {
    if (covered >= needed) break;
    confidenceSet.push(lagAt(e));
    covered += w;
  }
  return {
    lag: lagAt(point),
    excludesLagZero: o.excludeLagZero,
    share: (wins.get(point) ?? 0) / o.resamples,
    shares: ranked.map(([e, w]) => ({ lag: lagAt(e), share: w / o.resamples })),
    confidenceSet,
    level: o.level,
    resamples: o.resamples,
    seed: o.seed,
  };
}
