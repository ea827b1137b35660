// CSV writers: the seed's lag tables (header exactly `Lag,Mean Probability`, numbers as pandas'
// to_csv writes them) and our per-condition table with the statistics per lag; the field and
// number formatting every CSV shares (the statistics tables are in stats-csv.ts).

import type { LagCurve } from '../../shared/study/types';
import { at } from '../../shared/checked';
import { float32Text } from './trials-json';

/**
 * A float as Python's repr (and so pandas' to_csv) writes it: shortest round-trip digits, fixed
 * notation for 1e-4 <= |x| < 1e16 with at least one decimal, else `1.5e-05`. NaN is written empty.
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return '';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = String(x);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** One CSV field, quoted only when it must be (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvText(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return lines.join('\n') + '\n';
}

export const LAG_TABLE_HEADER = ['Lag', 'Mean Probability'] as const;
export const LAG_STATS_HEADER = ['Lag', 'Mean Probability', 'SD', 'SEM', 'CI Low', 'CI High', 'N'] as const;

/** The seed's table: one row per lag, the mean probability over trials. */
export function lagTableCsv(curve: LagCurve): string {
  return csvText(LAG_TABLE_HEADER, curve.lags.map((lag, i) => [lag, floatCell(at(curve.mean, i))]));
}

/** Our table: the seed's columns plus SD, SEM, the 95% CI and the number of trials. */
export function lagStatsCsv(curve: LagCurve): string {
  return csvText(
    LAG_STATS_HEADER,
    curve.lags.map((lag, i) => [
      lag,
      floatCell(at(curve.mean, i)),
      floatCell(at(curve.sd, i)),
      floatCell(at(curve.sem, i)),
      floatCell(at(curve.ciLow, i)),
      floatCell(at(curve.ciHigh, i)),
      curve.n,
    ]),
  );
}

/** Probabilities are floats even when they happen to be whole (0 -> "0.0", as pandas writes). */
function floatCell(x: number): string {
  return pyFloat(x);
}

/**
 * The seed script's table in script mode: np.mean of the float32 probabilities over trials, as
 * numpy computes it along axis 0 (a float32 running sum in trial order, then a float32 division),
 * each value written with the fewest digits that give back that float32.
 */
export function scriptTableCsv(lags: readonly number[], probs: readonly Float32Array[]): string {
  const mean = float32Mean(probs, lags.length);
  return csvText(LAG_TABLE_HEADER, lags.map((lag, i) => [lag, float32Text(at(mean, i))]));
}

/** Column means in float32 arithmetic (each sum and the division rounded to float32, as numpy's). */
function float32Mean(rows: readonly Float32Array[], width: number): Float32Array {
  const acc = new Float32Array(width);
  for (const row of rows) for (let i = 0; i < width; i++) acc[i] = at(acc, i) + at(row, i); // stored: rounded to float32
  const n = Math.fround(rows.length);
  return acc.map((x) => x / n);
}
