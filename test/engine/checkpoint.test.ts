// Reading real safetensors checkpoints written in Hugging Face's format: bit-exact round trips in
// every dtype, sharded folders, byte-range reads (a 2.2 GB sparse file whose small tensor sits past
// 2^31), and the content hash with its memo.

import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashCheckpoint, openCheckpoint, readSafetensorsHeader } from '../../src/main/engine/checkpoint';
import {
  mulberry32, roundToBf16, roundToF16, safetensorsBytes, writeCheckpoint, type CheckpointTensors,
} from '../../tools/fixtures/hf-checkpoint';
import { tinyLlama3 } from '../../tools/fixtures/tiny-models';
import { at, entry, first } from '../../src/shared/checked';

const root = mkdtempSync(join(tmpdir(), 'checkpoint-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `c${n++}`);

/** Values that stress conversions: random spread, halfway cases, subnormals, overflow, signed zero. */
function trickyTensors(): CheckpointTensors {
  const rand = mulberry32(11);
  const a = new Float32Array(6 * 7);
  for (let i = 0; i < a.length; i++) a[i] = (rand() - 0.5) * 2 ** Math.floor(rand() * 30 - 15);
  const special = Float32Array.from([
    0, -0, 1, -2, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 2 ** -24, 2 ** -25, 3 * 2 ** -25,
    2 ** -130, 65504, 65520, 1e30, -1e-30, Infinity, -Infinity, NaN, 0.1, 1 / 3,
  ]);
  return { 'a.weight': { shape: [6, 7], data: a }, 'b.special': { shape: [special.length], data: special }, 'c.scalar': { shape: [], data: Float32Array.of(0.5) } };
}

/** Element-wise identity including NaN and -0; returns the number of mismatches and max |diff|. */
function compare(got: Float32Array, want: Float32Array) {
  let bad = 0;
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) bad++;
    if (Number.isFinite(want[i])) maxDiff = Math.max(maxDiff, Math.abs(at(got, i) - at(want, i)));
  }
  return { bad, maxDiff, lengthOk: got.length === want.length };
}

describe('openCheckpoint / readFloat32', () => {
  for (const [dtype, round] of [['F32', (x: Float32Array) => x], ['F16', roundToF16], ['BF16', roundToBf16]] as const) {
    it(`round-trips ${dtype} bit-exactly`, () => {
      const dir = freshDir();
      const tensors = trickyTensors();
      writeCheckpoint({ dir, config: { model_type: 'llama' }, tensors, dtype, tokenizer: null });
      const cp = openCheckpoint(dir);
      try {
        expect(cp.config).toEqual({ model_type: 'llama' });
        expect(cp.tokenizerPath).toBeNull();
        expect([...cp.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
        for (const [name, t] of Object.entries(tensors)) {
          const e = cp.entry(name);
          expect(e.dtype).toBe(dtype);
          expect(e.shape).toEqual(t.shape);
          const r = compare(cp.readFloat32(name), round(t.data));
          console.log(`${dtype} ${name}: ${r.bad} mismatches, max |diff| ${r.maxDiff}`);
          expect(r).toEqual({ bad: 0, maxDiff: 0, lengthOk: true });
        }
        // The lossy dtypes really were lossy (the test data is not all representable).
        if (dtype !== 'F32') expect(compare(cp.readFloat32('a.weight'), entry(tensors, 'a.weight').data).bad).toBeGreaterThan(0);
      } finally {
        cp.close();
      }
    });
  }

  it('gives entries whose file, dataStart and byteLength locate the raw bytes', () => {
    const dir = freshDir();
    writeCheckpoint({ dir, config: {}, tensors: trickyTensors(), dtype: 'BF16', tokenizer: null });
    const cp = openCheckpoint(dir);
    const e = cp.entry('a.weight');
    expect(e.file).toBe(join(dir, 'model.safetensors'));
    expect(e.byteLength).toBe(6 * 7 * 2);
    const raw = readFileSync(e.file).subarray(e.dataStart, e.dataStart + e.byteLength);
    const viaBits = Array.from({ length: 42 }, (_, i) => raw.readUInt16LE(2 * i) << 16);
    const got = new Uint32Array(cp.readFloat32('a.weight').buffer);
    expect(Array.from(got)).toEqual(viaBits.map((b) => b >>> 0));
    cp.close();
  });

  it('reads a sharded checkpoint (HF naming and index) identically to a single file', () => {
    const model = tinyLlama3();
    const single = freshDir();
    const sharded = freshDir();
    writeCheckpoint({ dir: single, config: model.config, tensors: model.tensors, dtype: 'BF16' });
    writeCheckpoint({ dir: sharded, config: model.config, tensors: model.tensors, dtype: 'BF16', shards: 3 });
    const index = JSON.parse(readFileSync(join(sharded, 'model.safetensors.index.json'), 'utf8'));
    const files = [1, 2, 3].map((i) => `model-0000${i}-of-00003.safetensors`);
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(files));

    const a = openCheckpoint(single);
    const b = openCheckpoint(sharded);
    try {
      expect(b.indexPath).toBe(join(sharded, 'model.safetensors.index.json'));
      expect(b.weightFiles).toEqual(files.map((f) => join(sharded, f)));
      expect(a.weightFiles).toEqual([join(single, 'model.safetensors')]);
      const total = [...b.tensors.values()].reduce((s, e) => s + e.byteLength, 0);
      expect(index.metadata.total_size).toBe(total);
      expect([...b.tensors.keys()].sort()).toEqual(Object.keys(model.tensors).sort());
      let worst = 0;
      for (const [name, t] of Object.entries(model.tensors)) {
        expect(b.entry(name).file).toBe(join(sharded, index.weight_map[name]));
        const r = compare(b.readFloat32(name), a.readFloat32(name));
        expect(r.bad).toBe(0);
        worst = Math.max(worst, compare(b.readFloat32(name), roundToBf16(t.data)).maxDiff);
      }
      console.log(`sharded vs written BF16 weights: max |diff| ${worst}`);
      expect(worst).toBe(0);
      expect(b.tokenizerPath).toBe(join(sharded, 'tokenizer.json'));
    } finally {
      a.close();
      b.close();
    }
  });

  it('reads only the requested byte range: a tensor past 2^31 in a 2.2 GB sparse file with garbage elsewhere', () => {
    const dir = freshDir();
    writeCheckpoint({ dir, config: {}, tensors: {}, tokenizer: null });
    rmSync(join(dir, 'model.safetensors'));
    const bigBytes = 2.2e9 - (2.2e9 % 4);
    const small = Float32Array.from({ length: 16 }, (_, i) => i * 0.25 - 1);
    const header = {
      __metadata__: { format: 'pt' },
      big: { dtype: 'F32', shape: [bigBytes / 4], data_offsets: [0, bigBytes] },
      small: { dtype: 'F32', shape: [4, 4], data_offsets: [bigBytes, bigBytes + 64] },
    };
    const head = safetensorsBytes(header);
    const file = join(dir, 'model.safetensors');
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, head, 0, head.length, 0);
      ftruncateSync(fd, head.length + bigBytes + 64); // sparse: no disk used
      const garbage = Buffer.from('not a float, not a float, not a float');
      for (const at of [0, 1e9, bigBytes - garbage.length]) writeSync(fd, garbage, 0, garbage.length, head.length + at);
      writeSync(fd, Buffer.from(small.buffer), 0, 64, head.length + bigBytes);
    } finally {
      closeSync(fd);
    }
    const cp = openCheckpoint(dir);
    try {
      expect(cp.entry('small').dataStart).toBeGreaterThan(2 ** 31);
      expect(Array.from(cp.readFloat32('small'))).toEqual(Array.from(small));
      expect(cp.entry('big').byteLength).toBe(bigBytes);
    } finally {
      cp.close();
    }
  });

  it('accepts __metadata__ and reads headers without the data', () => {
    const dir = freshDir();
    writeCheckpoint({ dir, config: {}, tensors: trickyTensors(), tokenizer: null });
    const file = join(dir, 'model.safetensors');
    const fd = openSync(file, 'r');
    const h = readSafetensorsHeader(fd, file);
    closeSync(fd);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.fileSize).toBe(statSync(file).size);
    expect(h.tensors.map((t) => t.name).sort()).toEqual(['a.weight', 'b.special', 'c.scalar']);
  });
});

describe('hashCheckpoint', () => {
  const model = tinyLlama3({ layers: 1 });

  it('is stable, independent of the folder path, and changes when one weight byte or config.json changes', async () => {
    const dir = freshDir();
    writeCheckpoint({ dir, config: model.config, tensors: model.tensors, dtype: 'BF16', shards: 2 });
    const cp = openCheckpoint(dir);
    const h1 = await hashCheckpoint(cp);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashCheckpoint(cp)).toBe(h1);
    cp.close();

    const copy = freshDir();
    cpSync(dir, copy, { recursive: true });
    const cp2 = openCheckpoint(copy);
    expect(await hashCheckpoint(cp2)).toBe(h1);

    const shard = at(cp2.weightFiles, 1);
    const bytes = readFileSync(shard);
    bytes[bytes.length - 1] = at(bytes, bytes.length - 1) ^ 1;
    writeFileSync(shard, bytes);
    const h2 = await hashCheckpoint(cp2);
    expect(h2).not.toBe(h1);
    cp2.close();

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...model.config, rms_norm_eps: 1e-6 }));
    const cp3 = openCheckpoint(dir);
    expect(await hashCheckpoint(cp3)).not.toBe(h1);
    cp3.close();
  });

  it('memoises per (path, size, mtime) in memoDir and reports progress', async () => {
    const dir = freshDir();
    const memo = join(root, `memo${n++}`);
    writeCheckpoint({ dir, config: model.config, tensors: model.tensors });
    const cp = openCheckpoint(dir);
    const file = first(cp.weightFiles);
    const stamp = 1_700_000_000; // whole seconds: utimes round-trips them exactly
    utimesSync(file, stamp, stamp);
    const fractions: number[] = [];
    const h1 = await hashCheckpoint(cp, memo, (f) => fractions.push(f));
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= at(fractions, i - 1)))).toBe(true);
    expect(await hashCheckpoint(cp, memo)).toBe(h1);
    expect(await hashCheckpoint(cp)).toBe(h1); // same definition with and without memo

    // Change a byte but restore size and mtime: the memo (wrongly, by design) answers the old hash,
    // which proves it is consulted; a new mtime invalidates it.
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = at(bytes, bytes.length - 1) ^ 1;
    writeFileSync(file, bytes);
    utimesSync(file, stamp, stamp);
    expect(await hashCheckpoint(cp, memo)).toBe(h1);
    utimesSync(file, stamp, stamp + 5);
    const h2 = await hashCheckpoint(cp, memo);
    expect(h2).not.toBe(h1);
    expect(await hashCheckpoint(cp)).toBe(h2);
    cp.close();
  });
});
