// Every way a checkpoint folder can be wrong gets one InputError naming the exact file and problem.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint';
import { InputError } from '../../src/shared/errors';
import { safetensorsBytes, writeCheckpoint, writeSafetensorsFile, type CheckpointTensors } from '../../tools/fixtures/hf-checkpoint';
import { tinyGpt2 } from '../../tools/fixtures/tiny-models';

const root = mkdtempSync(join(tmpdir(), 'checkpoint-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const tensors = (): CheckpointTensors => ({
  'a.weight': { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
  'b.bias': { shape: [3], data: Float32Array.of(7, 8, 9) },
});

/** A folder with config.json and, if given, a model.safetensors built from a raw header. */
function folder(opts: { header?: unknown; data?: Uint8Array; raw?: Buffer } = {}): string {
  const dir = join(root, `f${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{"model_type": "llama"}');
  if (opts.raw) writeFileSync(join(dir, 'model.safetensors'), opts.raw);
  else if (opts.header !== undefined) writeFileSync(join(dir, 'model.safetensors'), safetensorsBytes(opts.header, opts.data));
  return dir;
}

/** Runs fn, asserts an InputError for `file` whose message matches every pattern, returns it. */
function expectInputError(fn: () => unknown, file: string, ...patterns: RegExp[]): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an InputError').toBeInstanceOf(InputError);
  const e = caught as InputError;
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  for (const p of patterns) expect(e.problem).toMatch(p);
  return e;
}

describe('checkpoint folder and config.json', () => {
  it('rejects a missing folder and a path that is a file', () => {
    const missing = join(root, 'no-such-folder');
    expectInputError(() => openCheckpoint(missing), missing, /folder does not exist/);
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    expectInputError(() => openCheckpoint(file), file, /is not a folder/);
  });

  it('rejects a folder without config.json', () => {
    const dir = folder({ header: {} });
    rmSync(join(dir, 'config.json'));
    expectInputError(() => openCheckpoint(dir), join(dir, 'config.json'), /is missing/);
  });

  it('rejects invalid JSON in config.json with line and column', () => {
    const dir = folder({ header: {} });
    writeFileSync(join(dir, 'config.json'), '{"model_type": "llama",\n  "hidden_size" 32}');
    expectInputError(() => openCheckpoint(dir), join(dir, 'config.json'), /not valid JSON/, /line 2, column 17/);
    writeFileSync(join(dir, 'config.json'), '[1, 2]');
    expectInputError(() => openCheckpoint(dir), join(dir, 'config.json'), /must hold a JSON object, found an array/);
  });

  it('rejects a folder without safetensors, pointing at PyTorch .bin files', () => {
    const dir = folder();
    expectInputError(() => openCheckpoint(dir), dir, /no \*\.safetensors weights file/);
    writeFileSync(join(dir, 'pytorch_model.bin'), 'x');
    expectInputError(() => openCheckpoint(dir), dir, /pytorch_model\.bin/, /convert the checkpoint to safetensors/);
  });
});

describe('safetensors file', () => {
  const file = (dir: string) => join(dir, 'model.safetensors');

  it('rejects a file shorter than 8 bytes', () => {
    const dir = folder({ raw: Buffer.from([1, 2, 3, 4, 5]) });
    expectInputError(() => openCheckpoint(dir), file(dir), /only 5 bytes long/);
  });

  it('rejects a header length past the end of the file or absurdly large', () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(1000n);
    const dir = folder({ raw: Buffer.concat([len, Buffer.from('{}        ')]) });
    expectInputError(() => openCheckpoint(dir), file(dir), /header length 1000 bytes runs past the end of the 18-byte file/);
    len.writeBigUInt64LE(2n ** 40n);
    const dir2 = folder({ raw: Buffer.concat([len, Buffer.from('{}        ')]) });
    expectInputError(() => openCheckpoint(dir2), file(dir2), /absurd \(> 100 MB\)/);
  });

  it('rejects a header that is not JSON or not an object', () => {
    const dir = folder({ header: '{"a.weight": {"dtype": "F32", ' });
    expectInputError(() => openCheckpoint(dir), file(dir), /safetensors header is not valid JSON/);
    const dir2 = folder({ header: '[1, 2]' });
    expectInputError(() => openCheckpoint(dir2), file(dir2), /header must be a JSON object, found an array/);
  });

  it('rejects malformed tensor entries, naming the tensor', () => {
    const data = new Uint8Array(24);
    for (const key of ['dtype', 'shape', 'data_offsets']) {
      const entry: Record<string, unknown> = { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] };
      delete entry[key];
      const dir = folder({ header: { 'a.weight': entry }, data });
      expectInputError(() => openCheckpoint(dir), file(dir), new RegExp(`tensor 'a\\.weight': header entry is missing '${key}'`));
    }
    const bad = [
      [{ dtype: 'F32', shape: [2, -3], data_offsets: [0, 24] }, /'shape' must be an array of non-negative integers/],
      [{ dtype: 'F32', shape: [2, 3], data_offsets: [24, 0] }, /'data_offsets' must be \[begin, end\]/],
      [{ dtype: 7, shape: [2, 3], data_offsets: [0, 24] }, /'dtype' must be a string/],
      [{ dtype: 'Q7', shape: [2, 3], data_offsets: [0, 24] }, /unknown dtype 'Q7'/],
      ['F32', /header entry must be an object/],
    ] as const;
    for (const [entry, pattern] of bad) {
      const dir = folder({ header: { 'a.weight': entry }, data });
      expectInputError(() => openCheckpoint(dir), file(dir), /tensor 'a\.weight'/, pattern);
    }
  });

  it('opens a file with F64/I64 tensors but refuses to read them, listing the supported dtypes', () => {
    const header = {
      __metadata__: { format: 'pt' },
      'a.weight': { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      'h.0.attn.bias': { dtype: 'I64', shape: [1], data_offsets: [16, 24] },
      'ok': { dtype: 'F32', shape: [1], data_offsets: [24, 28] },
    };
    const dir = folder({ header, data: new Uint8Array(28) });
    const cp = openCheckpoint(dir);
    expect(cp.has('a.weight')).toBe(true);
    expect(cp.unsupportedTensors.get('h.0.attn.bias')?.dtype).toBe('I64');
    expectInputError(() => cp.readFloat32('a.weight'), file(dir), /tensor 'a\.weight' has dtype F64/, /supported: F32, F16, BF16/);
    expectInputError(() => cp.entry('h.0.attn.bias'), file(dir), /tensor 'h\.0\.attn\.bias' has dtype I64/);
    expect(Array.from(cp.readFloat32('ok'))).toEqual([0]);
    cp.close();
  });

  it('rejects data_offsets that do not match shape x dtype size', () => {
    const header = { 'a.weight': { dtype: 'BF16', shape: [2, 3], data_offsets: [0, 24] } };
    const dir = folder({ header, data: new Uint8Array(24) });
    expectInputError(() => openCheckpoint(dir), file(dir), /tensor 'a\.weight'/, /span 24 bytes but shape \[2, 3\] of BF16 \(2 bytes each\) needs 12 bytes/);
  });

  it('rejects a truncated file, giving expected and actual sizes', () => {
    const dir = folder();
    writeSafetensorsFile(file(dir), tensors());
    const size = readFileSync(file(dir)).length;
    truncateSync(file(dir), size - 10);
    expectInputError(() => openCheckpoint(dir), file(dir), /file is truncated/, new RegExp(`expected ${size}, got ${size - 10}`), /tensor 'b\.bias'/);
  });

  it('rejects overlapping tensors', () => {
    const header = {
      'a.weight': { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      'b.weight': { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
    };
    const dir = folder({ header, data: new Uint8Array(24) });
    expectInputError(() => openCheckpoint(dir), file(dir), /tensors 'a\.weight' \(bytes 0-16\) and 'b\.weight' \(bytes 8-24\) overlap/);
  });

  it('names the missing tensor and similar names on entry()', () => {
    const dir = join(root, `f${n++}`);
    const model = tinyGpt2({ layers: 1, hubNames: true });
    writeCheckpoint({ dir, config: model.config, tensors: model.tensors });
    const cp = openCheckpoint(dir);
    expectInputError(() => cp.entry('transformer.h.0.attn.c_attn.weight'), file(dir),
      /has no tensor 'transformer\.h\.0\.attn\.c_attn\.weight'/, /similar: 'h\.0\.attn\.c_attn\.weight'/);
    expectInputError(() => cp.readFloat32('nonsense'), file(dir), /has no tensor 'nonsense'/);
    cp.close();
  });
});

describe('sharded checkpoints', () => {
  /** Two shards written by the helper; returns the folder and its index path. */
  function sharded(): { dir: string; index: string; shard: (i: number) => string } {
    const dir = join(root, `s${n++}`);
    writeCheckpoint({ dir, config: { model_type: 'llama' }, tensors: tensors(), shards: 2, tokenizer: null });
    return { dir, index: join(dir, 'model.safetensors.index.json'), shard: (i) => join(dir, `model-0000${i}-of-00002.safetensors`) };
  }
  const editIndex = (index: string, edit: (j: { weight_map: Record<string, string> }) => unknown) =>
    writeFileSync(index, JSON.stringify(edit(JSON.parse(readFileSync(index, 'utf8')))));

  it('rejects an invalid index', () => {
    const { dir, index } = sharded();
    writeFileSync(index, '{"weight_map": ');
    expectInputError(() => openCheckpoint(dir), index, /not valid JSON/);
    writeFileSync(index, '{"metadata": {}}');
    expectInputError(() => openCheckpoint(dir), index, /must have a 'weight_map' object/);
    writeFileSync(index, '{"weight_map": {"a.weight": "../elsewhere.safetensors"}}');
    expectInputError(() => openCheckpoint(dir), index, /'a\.weight' must be a file name in the checkpoint folder/);
  });

  it('rejects an index naming a missing shard', () => {
    const { dir, index } = sharded();
    editIndex(index, (j) => ({ ...j, weight_map: { ...j.weight_map, 'c.weight': 'model-00003-of-00003.safetensors' } }));
    expectInputError(() => openCheckpoint(dir), index, /names shard file 'model-00003-of-00003\.safetensors' \(for tensor 'c\.weight'\), which does not exist/);
  });

  it('rejects a tensor listed in the index but absent from its shard', () => {
    const { dir, index, shard } = sharded();
    editIndex(index, (j) => ({ ...j, weight_map: { ...j.weight_map, 'ghost.weight': 'model-00001-of-00002.safetensors' } }));
    expectInputError(() => openCheckpoint(dir), shard(1), /has no tensor 'ghost\.weight', which model\.safetensors\.index\.json places in it/);
  });

  it('rejects an index that places a tensor in the wrong shard', () => {
    const dir = join(root, `s${n++}`);
    const three = { ...tensors(), 'c.weight': { shape: [1], data: Float32Array.of(1) } };
    writeCheckpoint({ dir, config: {}, tensors: three, shards: 2, tokenizer: null }); // shard 1: a, b; shard 2: c
    const index = join(dir, 'model.safetensors.index.json');
    editIndex(index, (j) => ({ ...j, weight_map: { ...j.weight_map, 'a.weight': 'model-00002-of-00002.safetensors' } }));
    expectInputError(() => openCheckpoint(dir), index, /places tensor 'a\.weight' in model-00002-of-00002\.safetensors, but it is in model-00001-of-00002\.safetensors/);
  });

  it('rejects the same tensor in two shards', () => {
    const { dir, shard } = sharded();
    writeSafetensorsFile(shard(2), { ...tensors() }); // shard 2 now also holds a.weight
    expectInputError(() => openCheckpoint(dir), shard(2), /tensor 'a\.weight' is also in model-00001-of-00002\.safetensors/);
  });

  it('checks every shard header, e.g. a truncated second shard', () => {
    const { dir, shard } = sharded();
    truncateSync(shard(2), 4);
    expectInputError(() => openCheckpoint(dir), shard(2), /only 4 bytes long/);
  });
});
