// Opens a Hugging Face checkpoint folder (config.json + safetensors [+ shard index] [+ tokenizer.json])
// and reads single tensors by byte range as float32. Only headers are read at open time, so an 8B
// model opens in milliseconds and a tensor read touches nothing but its own bytes.

import { closeSync, existsSync, fstatSync, openSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../../shared/errors';
import { SUPPORTED_DTYPES, decodeToFloat32 } from './dtype';
import { readJsonObject } from '../../json-file';
import { readExactly, readSafetensorsHeader, type TensorEntry, type UnsupportedTensor } from './safetensors-header';
import { findWeightFiles } from './weight-files';
import { first, required } from '../../../shared/checked';

// The checkpoint API in one import for callers that use this module path.
export type { TensorEntry, UnsupportedTensor } from './safetensors-header';
export type { SafetensorsDtype } from './dtype';
export { hashCheckpoint } from './checkpoint-hash';
export { loadTokenizer, type LoadedTokenizer } from './tokenizer';

export interface Checkpoint {
  readonly dir: string;
  readonly configPath: string;
  /** Parsed config.json. */
  readonly config: Record<string, unknown>;
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  /** Tensors in dtypes the engine does not read (BOOL/U8 mask buffers, F64...): an error only if asked for. */
  readonly unsupportedTensors: ReadonlyMap<string, UnsupportedTensor>;
  /** tokenizer.json if present. */
  readonly tokenizerPath: string | null;
  /** model.safetensors.index.json if the checkpoint is sharded. */
  readonly indexPath: string | null;
  /** Absolute paths of the weight files, sorted by name. */
  readonly weightFiles: readonly string[];
  /** True if the tensor is in the checkpoint, whatever its dtype. */
  has(name: string): boolean;
  /** The tensor's entry; InputError naming the checkpoint and the tensor if it is missing or unreadable. */
  entry(name: string): TensorEntry;
  /** Reads only that tensor's bytes; F16/BF16 are converted exactly. */
  readFloat32(name: string): Float32Array;
  /**
   * Rows `rows` of a 2-D tensor, converted as readFloat32 converts them, into `out` one after the
   * other (rows.length x columns). Each distinct row is read from the file once.
   */
  readRowsFloat32(name: string, rows: ArrayLike<number | bigint>, out: Float32Array): void;
  close(): void;
}

/** A weight file held open, with its size and modification time when it was opened. */
interface OpenFile {
  fd: number;
  size: number;
  mtimeMs: number;
}

/** Bytes converted per read for F16/BF16 tensors (bounded scratch memory). */
const CHUNK_BYTES = 64 * 1024 * 1024;

export function openCheckpoint(dirIn: string): Checkpoint {
  const dir = resolve(dirIn);
  checkFolder(dir);
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) {
    throw new InputError(configPath, 'is missing: a Hugging Face checkpoint folder needs config.json next to its *.safetensors');
  }
  const config = readJsonObject(configPath);
  const layout = findWeightFiles(dir);

  const fds = new Map<string, OpenFile>();
  try {
    const tensors = new Map<string, TensorEntry>();
    const unsupported = new Map<string, UnsupportedTensor>();
    const owner = new Map<string, string>();
    for (const file of layout.files) {
      // A pipe or device under a weight file's name would block or stream forever.
      if (!statSync(file).isFile()) throw new InputError(file, 'is not a regular file (a folder, device or pipe); expected safetensors weights');
      const fd = openSync(file, 'r');
      const { size, mtimeMs } = fstatSync(fd);
      fds.set(file, { fd, size, mtimeMs });
      const header = readSafetensorsHeader(fd, file);
      for (const t of [...header.tensors, ...header.unsupported]) {
        const first = owner.get(t.name);
        if (first !== undefined) {
          throw new InputError(file, `tensor '${t.name}' is also in ${basename(first)}: the same tensor is in two shards`);
        }
        owner.set(t.name, file);
      }
      for (const t of header.tensors) tensors.set(t.name, t);
      for (const t of header.unsupported) unsupported.set(t.name, t);
    }
    if (layout.weightMap && layout.indexPath) {
      for (const [name, shard] of layout.weightMap) {
        const actual = owner.get(name);
        if (actual === undefined) {
          throw new InputError(shard, `has no tensor '${name}', which ${basename(layout.indexPath)} places in it`);
        }
        if (actual !== shard) {
          throw new InputError(layout.indexPath, `places tensor '${name}' in ${basename(shard)}, but it is in ${basename(actual)}`);
        }
      }
    }
    const tokenizerPath = existsSync(join(dir, 'tokenizer.json')) ? join(dir, 'tokenizer.json') : null;
    return new OpenCheckpoint(dir, configPath, config, tensors, unsupported, tokenizerPath, layout.indexPath, layout.files, fds);
  } catch (err) {
    for (const f of fds.values()) closeSync(f.fd);
    throw err;
  }
}

function checkFolder(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(dir, 'folder does not exist');
  }
  if (!isDir) throw new InputError(dir, 'is not a folder (expected a Hugging Face checkpoint folder with config.json and *.safetensors)');
}

class OpenCheckpoint implements Checkpoint {
  private closed = false;

  constructor(
    readonly dir: string,
    readonly configPath: string,
    readonly config: Record<string, unknown>,
    readonly tensors: ReadonlyMap<string, TensorEntry>,
    readonly unsupportedTensors: ReadonlyMap<string, UnsupportedTensor>,
    readonly tokenizerPath: string | null,
    readonly indexPath: string | null,
    readonly weightFiles: readonly string[],
    private readonly fds: Map<string, OpenFile>,
  ) {}

  has(name: string): boolean {
    return this.tensors.has(name) || this.unsupportedTensors.has(name);
  }

  entry(name: string): TensorEntry {
    const found = this.tensors.get(name);
    if (found) return found;
    const other = this.unsupportedTensors.get(name);
    if (other) {
      throw new InputError(
        other.file,
        `tensor '${name}' has dtype ${other.dtype}, which cannot be read (supported: ${SUPPORTED_DTYPES.join(', ')})`,
      );
    }
    const where = this.indexPath ?? (this.weightFiles.length === 1 ? first(this.weightFiles) : this.dir);
    throw new InputError(where, `has no tensor '${name}'${this.similarNames(name)}`);
  }

  readFloat32(name: string): Float32Array {
    const e = this.entry(name);
    const fd = this.unchangedFd(e.file);
    const bytesPer = e.dtype === 'F32' ? 4 : 2;
    const out = new Float32Array(e.byteLength / bytesPer); // [...shape], row-major
    if (e.dtype === 'F32') {
      readExactly(fd, e.file, e.byteLength, e.dataStart, new Uint8Array(out.buffer));
      return out;
    }
    const scratch = Buffer.allocUnsafeSlow(Math.min(CHUNK_BYTES, e.byteLength));
    for (let done = 0; done < e.byteLength; ) {
      const n = Math.min(scratch.length, e.byteLength - done);
      const chunk = readExactly(fd, e.file, n, e.dataStart + done, scratch.subarray(0, n));
      decodeToFloat32(e.dtype, chunk, out, done / bytesPer);
      done += n;
    }
    return out;
  }

  readRowsFloat32(name: string, rows: ArrayLike<number | bigint>, out: Float32Array): void {
    const e = this.entry(name);
    const fd = this.unchangedFd(e.file);
    if (e.shape.length !== 2) throw new Error(`tensor ${name} has shape [${e.shape.join(', ')}]; rows are read from 2-D tensors only`);
    const [count, width] = e.shape as [number, number];
    if (out.length !== rows.length * width) throw new RangeError(`${rows.length} rows of ${name} need ${rows.length * width} values, the output holds ${out.length}`);
    const rowBytes = e.byteLength / count;
    const scratch = e.dtype === 'F32' ? null : Buffer.allocUnsafeSlow(rowBytes);
    const firstAt = new Map<number, number>(); // row -> the first output slot holding it
    for (let i = 0; i < rows.length; i++) {
      const row = Number(rows[i]);
      if (!(Number.isInteger(row) && row >= 0 && row < count)) throw new RangeError(`row ${row} of ${name} is outside its ${count} rows`);
      const seen = firstAt.get(row);
      if (seen !== undefined) {
        out.copyWithin(i * width, seen * width, (seen + 1) * width);
        continue;
      }
      firstAt.set(row, i);
      const at = e.dataStart + row * rowBytes;
      if (scratch) decodeToFloat32(e.dtype, readExactly(fd, e.file, rowBytes, at, scratch), out, i * width);
      else readExactly(fd, e.file, rowBytes, at, new Uint8Array(out.buffer, out.byteOffset + i * width * 4, rowBytes));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.fds.values()) closeSync(f.fd);
    this.fds.clear();
  }

  /**
   * The open descriptor of a weight file, once it is known to be the file that was opened: the
   * engine reads embedding rows for as long as a model is loaded, and a file rewritten meanwhile
   * would mix two checkpoints silently.
   */
  private unchangedFd(file: string): number {
    if (this.closed) throw new Error(`checkpoint ${this.dir} is closed`);
    const f = required(this.fds, file); // opened for every weight file
    const now = fstatSync(f.fd);
    if (now.size !== f.size || now.mtimeMs !== f.mtimeMs) {
      throw new InputError(file, `changed on disk while the model was open (${f.size} -> ${now.size} bytes, modified ${new Date(now.mtimeMs).toISOString()}); load the model again`);
    }
    return f.fd;
  }

  /** Names sharing the requested one's last three parts, e.g. with/without a `transformer.` prefix. */
  private similarNames(name: string): string {
    const tail = name.split('.').slice(-3).join('.');
    const similar = [...this.tensors.keys(), ...this.unsupportedTensors.keys()].filter((n) => n.endsWith(tail)).slice(0, 3);
    const count = this.tensors.size + this.unsupportedTensors.size;
    if (similar.length) return ` (similar: ${similar.map((s) => `'${s}'`).join(', ')})`;
    if (count === 0) return ' (it has no tensors at all)';
    return ` (it has ${count} tensors, e.g. ${[...this.tensors.keys(), ...this.unsupportedTensors.keys()].slice(0, 3).map((s) => `'${s}'`).join(', ')})`;
  }
}
