// Checkpoint.readRowsFloat32: rows of a 2-D tensor, read one by one from the file, equal the same
// rows of the whole tensor (readFloat32, a different read path) bit for bit in every stored dtype,
// repeated rows included; bad requests name the tensor and the problem, and a weight file rewritten
// while the checkpoint is open is refused, naming the file.

import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { mulberry32, writeCheckpoint } from '../../tools/fixtures/hf-checkpoint';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

afterAll(removeTempDirs);

const ROWS = 37;
const WIDTH = 24;

function table(): Float32Array {
  const rand = mulberry32(7);
  // Values over many binades, both signs, and a few exact zeros.
  return Float32Array.from({ length: ROWS * WIDTH }, (_, i) => (i % 29 === 0 ? 0 : (rand() - 0.5) * 2 ** ((i % 13) - 6)));
}

describe('Checkpoint.readRowsFloat32', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`reads rows of a ${dtype} tensor as readFloat32 does, repeated rows included`, () => {
      const dir = tempDir('ckpt-rows-');
      writeCheckpoint({ dir, config: {}, tensors: { 'embed.weight': { shape: [ROWS, WIDTH], data: table() }, 'norm.weight': { shape: [WIDTH], data: new Float32Array(WIDTH).fill(1) } }, dtype, tokenizer: null });
      const cp = openCheckpoint(dir);
      try {
        const whole = cp.readFloat32('embed.weight');
        const rows = [5n, 0n, 36n, 5n, 17n, 0n, 5n];
        const out = new Float32Array(rows.length * WIDTH).fill(Number.NaN);
        cp.readRowsFloat32('embed.weight', rows, out);
        let mismatches = 0;
        for (const [i, r] of rows.entries()) {
          const want = whole.subarray(Number(r) * WIDTH, (Number(r) + 1) * WIDTH);
          const got = out.subarray(i * WIDTH, (i + 1) * WIDTH);
          for (let j = 0; j < WIDTH; j++) if (!Object.is(got[j], want[j])) mismatches++;
        }
        console.log(`${dtype}: ${rows.length} rows, ${mismatches} values differ from readFloat32`);
        expect(mismatches).toBe(0);
      } finally {
        cp.close();
      }
    });
  }

  it('refuses rows outside the tensor, a wrong output size and a tensor that is not 2-D', () => {
    const dir = tempDir('ckpt-rows-');
    writeCheckpoint({ dir, config: {}, tensors: { 'embed.weight': { shape: [ROWS, WIDTH], data: table() }, 'norm.weight': { shape: [WIDTH], data: new Float32Array(WIDTH) } }, tokenizer: null });
    const cp = openCheckpoint(dir);
    try {
      expect(() => cp.readRowsFloat32('embed.weight', [ROWS], new Float32Array(WIDTH))).toThrow(`row ${ROWS} of embed.weight is outside its ${ROWS} rows`);
      expect(() => cp.readRowsFloat32('embed.weight', [-1n], new Float32Array(WIDTH))).toThrow('row -1 of embed.weight');
      expect(() => cp.readRowsFloat32('embed.weight', [1, 2], new Float32Array(WIDTH))).toThrow(`2 rows of embed.weight need ${2 * WIDTH} values, the output holds ${WIDTH}`);
      expect(() => cp.readRowsFloat32('norm.weight', [0], new Float32Array(WIDTH))).toThrow('tensor norm.weight has shape [24]; rows are read from 2-D tensors only');
      expect(() => cp.readRowsFloat32('missing.weight', [0], new Float32Array(WIDTH))).toThrow("has no tensor 'missing.weight'");
    } finally {
      cp.close();
    }
    expect(() => cp.readRowsFloat32('embed.weight', [0], new Float32Array(WIDTH))).toThrow('is closed');
  });

  it('refuses to read from a weight file changed on disk since it was opened', () => {
    const dir = tempDir('ckpt-rows-');
    writeCheckpoint({ dir, config: {}, tensors: { 'embed.weight': { shape: [ROWS, WIDTH], data: table() } }, tokenizer: null });
    const cp = openCheckpoint(dir);
    try {
      const out = new Float32Array(WIDTH);
      cp.readRowsFloat32('embed.weight', [3], out);
      const file = join(dir, 'model.safetensors');
      utimesSync(file, new Date(), new Date(Date.now() + 60_000));
      expect(() => cp.readRowsFloat32('embed.weight', [3], out)).toThrow(`${file}: changed on disk while the model was open`);
      expect(() => cp.readFloat32('embed.weight')).toThrow('changed on disk while the model was open');
    } finally {
      cp.close();
    }
  });
});
