// The checkpoint hash's non-finite weight check, against an independent reference: the tensors
// decoded to float32 by the checkpoint reader and tested with Number.isFinite. Files of F32, F16 and
// BF16 tensors at odd offsets are fed in random chunk sizes (elements split across chunks), with a
// NaN or ±Infinity planted at a random element, and clean ones with extreme finite values.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint';
import { nonFiniteScanner } from '../../src/main/engine/checkpoint/finite-weights';
import { InputError } from '../../src/shared/errors';
import { mulberry32, writeCheckpoint, type CheckpointTensors } from '../../tools/fixtures/hf-checkpoint';

const root = mkdtempSync(join(tmpdir(), 'finite-weights-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DTYPES = ['F32', 'F16', 'BF16'] as const;
/** Largest finite magnitudes of each dtype, smallest subnormals, -0: all must pass. */
const EXTREMES: Record<(typeof DTYPES)[number], number[]> = {
  F32: [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -0],
  F16: [65504, -65504, 5.960464477539063e-8, -0],
  BF16: [3.3895313892515355e38, -3.3895313892515355e38, 9.183549615799121e-41, -0],
};

/** Tensors of odd sizes (so data offsets are not aligned), random values plus the extremes. */
function tensors(rand: () => number, dtype: (typeof DTYPES)[number]): CheckpointTensors {
  const t: CheckpointTensors = {};
  for (const [name, n] of [['a.weight', 37], ['b.bias', 1], ['c.weight', 301], ['d.scale', 5]] as const) {
    const data = Float32Array.from({ length: n }, () => (rand() - 0.5) * 8);
    if (name === 'c.weight') EXTREMES[dtype].forEach((v, i) => (data[i * 7] = v));
    t[name] = { shape: [n], data };
  }
  return t;
}

/** Scans `file` in random chunk sizes; returns the error thrown, or null. */
function scan(file: string, rand: () => number): InputError | null {
  const cp = openCheckpoint(join(file, '..'));
  const scanner = nonFiniteScanner(cp.weightFiles[0] as string, [...cp.tensors.values()]);
  cp.close();
  const bytes = readFileSync(file);
  try {
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(rand() * 13);
      scanner(bytes.subarray(at, at + size), at);
      at += size;
    }
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  return null;
}

/** The reference: decode every tensor and find the first non-finite value in file order. */
function firstNonFinite(dir: string): { name: string; index: number; value: number } | null {
  const cp = openCheckpoint(dir);
  try {
    const ordered = [...cp.tensors.values()].sort((a, b) => a.dataStart - b.dataStart);
    for (const t of ordered) {
      const data = cp.readFloat32(t.name);
      const index = data.findIndex((v) => !Number.isFinite(v));
      if (index >= 0) return { name: t.name, index, value: data[index] as number };
    }
    return null;
  } finally {
    cp.close();
  }
}

describe('non-finite weights', () => {
  it('finds the same tensor, element and value as decoding does, whatever the chunking', () => {
    const rand = mulberry32(91);
    let cases = 0;
    for (const dtype of DTYPES) {
      for (let trial = 0; trial < 12; trial++) {
        const t = tensors(rand, dtype);
        const names = Object.keys(t);
        const planted = trial % 4 !== 3; // every fourth file is clean
        if (planted) {
          const victim = t[names[Math.floor(rand() * names.length)] as string];
          if (!victim) throw new Error('no tensor');
          victim.data[Math.floor(rand() * victim.data.length)] = [NaN, Infinity, -Infinity][trial % 3] as number;
        }
        const dir = join(root, `${dtype}-${trial}`);
        writeCheckpoint({ dir, config: { model_type: 'llama' }, tensors: t, dtype, tokenizer: null });
        const want = firstNonFinite(dir);
        expect(want !== null).toBe(planted);
        const got = scan(join(dir, 'model.safetensors'), rand);
        if (want === null) {
          expect(got).toBeNull();
        } else {
          const value = Number.isNaN(want.value) ? 'NaN' : String(want.value);
          expect(got?.message).toContain(`tensor '${want.name}' holds ${value} at element ${want.index} `);
        }
        cases++;
      }
    }
    console.log(`${cases} checkpoints (F32, F16, BF16; 1..13-byte chunks): scanner and decoder agree on every one`);
  });
});
