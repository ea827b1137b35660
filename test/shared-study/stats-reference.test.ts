// The whole statistics chain (studyStatistics, then the CSV tables) against an independent numpy +
// scipy implementation of the README's methods (tools/stats-reference, which wrote the fixture): a
// synthetic study with a sharp peak, flat curves, random draws and a draw with fewer trials. Every
// number within 1e-9 relative (or 1e-12 absolute); bootstrap shares identical (same seed, same
// generator re-implemented in Python).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { comparisonsCsv, peakSharesCsv, randomDrawsCsv, summaryCsv, summaryRows } from '../../src/main/export/stats-csv';
import { studyStatistics } from '../../src/shared/study/study-statistics';
import type { Condition, StatsOptions } from '../../src/shared/study/types';
import { csvRows } from '../helpers/csv-rows';

type Value = string | number | null;

interface Fixture {
  options: StatsOptions;
  conditions: (Omit<Condition, 'heads'> & { probs: number[][] })[];
  expected: Record<'summary' | 'comparisons' | 'random_draws' | 'peak_lag_shares', Record<string, Value>[]>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/stats-reference.json', import.meta.url), 'utf8')) as Fixture;
const conditions: Condition[] = fixture.conditions.map(({ probs: _probs, ...c }) => ({ ...c, heads: [] }));
const rows = fixture.conditions.map((c) => c.probs.map((r) => Float32Array.from(r)));
const statistics = studyStatistics({ conditions, rows, seed: fixture.options.bootstrapSeed }, fixture.options);

const KEYS: Record<keyof Fixture['expected'], string[]> = {
  summary: ['condition'],
  comparisons: ['mode', 'layer_abl', 'n_heads', 'scope', 'draw'],
  random_draws: ['mode', 'layer_abl', 'n_heads'],
  peak_lag_shares: ['condition', 'lag'],
};

const text = (v: Value) => (v === null ? '' : String(v));

/** Largest absolute and relative differences over every numeric cell; exact match for the rest. */
function compareTable(name: keyof Fixture['expected'], csv: string) {
  const got = csvRows(csv);
  const expected = fixture.expected[name];
  expect(got).toHaveLength(expected.length);
  const byKey = new Map(got.map((r) => [KEYS[name].map((k) => r[k]).join('|'), r]));
  let maxAbs = 0;
  let maxRel = 0;
  let cells = 0;
  for (const want of expected) {
    const key = KEYS[name].map((k) => text(want[k] ?? null)).join('|');
    const row = byKey.get(key);
    expect(row, `${name} row ${key}`).toBeDefined();
    for (const [column, value] of Object.entries(want)) {
      const cell = row?.[column];
      expect(cell, `${name} ${key} column ${column}`).toBeDefined();
      if (typeof value !== 'number') {
        expect(cell, `${name} ${key} ${column}`).toBe(text(value));
        continue;
      }
      const have = Number(cell);
      const diff = Math.abs(have - value);
      const rel = value === 0 ? (diff === 0 ? 0 : Infinity) : diff / Math.abs(value);
      cells++;
      maxAbs = Math.max(maxAbs, diff);
      if (diff > 1e-12) maxRel = Math.max(maxRel, rel);
      expect(diff <= 1e-12 || rel <= 1e-9, `${name} ${key} ${column}: ${have} vs reference ${value}`).toBe(true);
    }
  }
  console.log(`${name}: ${expected.length} rows, ${cells} numbers vs numpy/scipy: max |Δ| ${maxAbs.toExponential(2)}, max relative ${maxRel.toExponential(2)}`);
}

describe('statistics against the independent numpy/scipy reference', () => {
  it('summary.csv: every per-condition metric and interval, and induction vs random on the induction rows', () => {
    compareTable('summary', summaryCsv(summaryRows(conditions, statistics)));
  });

  it('comparisons.csv: induction vs random per draw, pooled and between draws, with Holm', () => {
    compareTable('comparisons', comparisonsCsv(statistics.comparisons));
  });

  it('random_draws.csv: each random group over its draws', () => {
    compareTable('random_draws', randomDrawsCsv(statistics.drawSummaries));
  });

  it('peak_lag_shares.csv: identical bootstrap shares from the same seed', () => {
    compareTable('peak_lag_shares', peakSharesCsv(statistics));
    // A flat curve spreads its peak over many lags; the sharp baseline never leaves +1.
    const shares = (key: string) => statistics.conditions.find((c) => c.key === key)?.metrics?.peakLag;
    expect(shares('baseline')).toMatchObject({ lag: 1, share: 1, confidenceSet: [1] });
    expect(shares('induction-zero-full-k2')?.confidenceSet.length).toBeGreaterThan(3);
  });
});
