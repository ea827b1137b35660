// CSV writers: the seed's exact header and number format (pandas to_csv), lag range, stats columns.

import { describe, expect, it } from 'vitest';
import { csvField, lagStatsCsv, lagTableCsv, pyFloat } from '../../src/main/export/csv';
import { syntheticCurve } from './fixtures';
import { at } from '../../src/shared/checked';

describe('pyFloat', () => {
  it('writes floats as Python repr does', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [1, '1.0'],
      [0.5, '0.5'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [0.00012345, '0.00012345'],
      [1e16, '1e+16'],
      [123456789.5, '123456789.5'],
      [-2.5e-10, '-2.5e-10'],
      [0.1 + 0.2, '0.30000000000000004'],
      [Math.fround(0.1), '0.10000000149011612'],
    ];
    for (const [x, want] of cases) expect(pyFloat(x), String(x)).toBe(want);
    expect(pyFloat(NaN)).toBe('');
  });

  it('quotes only fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(-3)).toBe('-3');
  });
});

describe('lag tables', () => {
  it('have the seed header exactly and one row per lag from -floor(S/2) up', () => {
    const S = 11; // N = 10 tokens: lags -5..5 (S = 501 gives -250..250)
    const curve = syntheticCurve(S, 0.25);
    const lines = lagTableCsv(curve).split('\n');
    expect(lines[0]).toBe('Lag,Mean Probability');
    expect(lines).toHaveLength(S + 2); // header + S rows + trailing newline
    expect(lines[lines.length - 1]).toBe('');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(rows.map((r) => Number(r[0]))).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(rows[6]).toEqual(['1', '0.25']);
    expect(rows[0]).toEqual(['-5', '0.01']);
  });

  it('gives lags -250..250 for S = 501', () => {
    const rows = lagTableCsv(syntheticCurve(501, 0.2)).trim().split('\n').slice(1);
    expect(rows).toHaveLength(501);
    expect(at(rows, 0).split(',')[0]).toBe('-250');
    expect(at(rows, 500).split(',')[0]).toBe('250');
    expect(rows[251]).toBe('1,0.2');
  });

  it('stats tables add SD, SEM, CI and N', () => {
    const curve = syntheticCurve(5, 0.5, 0.01, 7);
    const lines = lagStatsCsv(curve).trim().split('\n');
    expect(lines[0]).toBe('Lag,Mean Probability,SD,SEM,CI Low,CI High,N');
    const row = at(lines, 4).split(',').map(Number); // lag +1
    expect(row[0]).toBe(1);
    expect(row.slice(1, 6)).toEqual([curve.mean[3], curve.sd[3], curve.sem[3], curve.ciLow[3], curve.ciHigh[3]]);
    expect(row[6]).toBe(7);
  });
});
