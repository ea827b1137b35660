// trials.json: shape, and that every probability parses back to the exact float32 it came from.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { float32Text, writeTrialsJson } from '../../src/main/export/trials-json';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('float32Text', () => {
  it('is the shortest text that rounds back to the same float32', () => {
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(0.5)).toBe('0.5');
    expect(float32Text(Math.fround(1e-7))).toBe('1e-7');
    expect(float32Text(0)).toBe('0');
    let worst = 0;
    let seed = 12345;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const x = Math.fround((seed / 2147483648) ** 6); // spans many decades
      const back = Math.fround(Number(float32Text(x)));
      worst = Math.max(worst, Math.abs(back - x));
      expect(back).toBe(x);
      expect(float32Text(x).length).toBeLessThanOrEqual(15);
    }
    console.log(`float32 round trip: max difference ${worst}`);
  });

  it('equals a plain scan of 1..9 digits on random bit patterns, powers of two and subnormals', () => {
    const plainScan = (f: number) => {
      for (let p = 1; p <= 9; p++) if (Math.fround(Number(f.toPrecision(p))) === f) return f.toPrecision(p);
      throw new Error(`no round trip for ${f}`);
    };
    const view = new DataView(new ArrayBuffer(4));
    const values: number[] = [];
    let seed = 987654321;
    for (let i = 0; i < 200000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      view.setUint32(0, (seed * 2) >>> 0); // every sign, exponent and mantissa
      values.push(view.getFloat32(0));
    }
    for (let e = -149; e <= 127; e++) values.push(Math.fround(2 ** e), Math.fround(-(2 ** e)));
    for (let m = 1; m < 5000; m++) values.push(Math.fround(m * 2 ** -149)); // subnormals
    for (const p of [1e-7, 3e-5, 0.1, 0.2, 1 / 3, 0.999, 1]) values.push(Math.fround(p));
    let mismatches = 0;
    for (const f of values) {
      if (!Number.isFinite(f)) continue;
      if (float32Text(f) !== plainScan(f)) mismatches++;
    }
    console.log(`float32Text vs plain scan: ${values.length} values, ${mismatches} mismatches`);
    expect(mismatches).toBe(0);
  });
});

describe('writeTrialsJson', () => {
  it('writes {trials, conditions[{key,label,heads,mode,probs}]}', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trials-json-'));
    dirs.push(dir);
    const trials = [[5, 7, 9, 7], [9, 5, 7, 5]];
    const probs = [Float32Array.from([0.1, 0.2, 1e-9, 0.3]), Float32Array.from([0.25, 0, 0.5, 1 / 3])];
    const path = join(dir, 'trials.json');
    await writeTrialsJson(path, trials, [
      { key: 'baseline', label: 'baseline', heads: [], mode: 'none', loadProbs: () => probs },
      { key: 'ind-1', label: '1 induction head', heads: [{ layer: 1, head: 2 }], mode: 'zero', loadProbs: async () => probs },
    ]);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(json)).toEqual(['trials', 'conditions']);
    expect(json.trials).toEqual(trials);
    expect(json.conditions.map((c: { key: string }) => c.key)).toEqual(['baseline', 'ind-1']);
    expect(json.conditions[1].heads).toEqual([[1, 2]]);
    expect(json.conditions[1].mode).toBe('zero');
    expect(json.conditions[0].probs).toHaveLength(2);
    for (let t = 0; t < 2; t++) {
      expect(Float32Array.from(json.conditions[1].probs[t])).toEqual(probs[t]);
    }
  });
});
