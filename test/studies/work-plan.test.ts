// The batching rule that makes resumed runs bitwise identical: chunk k is always rows [kB, (k+1)B)
// of the trial-major work list, whatever is already stored.

import { describe, expect, it } from 'vitest';
import { pendingChunks, workRow } from '../../src/main/studies/work-plan';
import { at } from '../../src/shared/checked';

describe('pendingChunks', () => {
  it('cuts the trial-major list into fixed chunks, the last one short', () => {
    const chunks = pendingChunks(3, 2, 4, () => false);
    expect(chunks.map((c) => c.rows.map((w) => `${w.trialIdx}.${w.conditionIdx}`))).toEqual([
      ['0.0', '0.1', '1.0', '1.1'],
      ['2.0', '2.1'],
    ]);
    expect(workRow(5, 2)).toEqual({ row: 5, trialIdx: 2, conditionIdx: 1 });
  });

  it('skips complete chunks and keeps the composition of the others', () => {
    const stored = new Set([0, 1, 2, 3, 5]);
    const chunks = pendingChunks(5, 2, 4, (r) => stored.has(r));
    expect(chunks.map((c) => c.index)).toEqual([1, 2]);
    expect(at(chunks, 0).rows.map((w) => w.row)).toEqual([4, 5, 6, 7]);
    expect(at(chunks, 0).missing.map((w) => w.row)).toEqual([4, 6, 7]);
    expect(at(chunks, 1).rows.map((w) => w.row)).toEqual([8, 9]);
    expect(pendingChunks(5, 2, 4, () => true)).toEqual([]);
    expect(() => pendingChunks(5, 2, 0, () => false)).toThrow(/batch size/);
  });
});
