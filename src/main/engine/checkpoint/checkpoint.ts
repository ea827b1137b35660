// Opens a Hugging Face checkpoint folder (config.json + safetensors [+ shard index] [+ tokenizer.json])
// and reads single tensors by byte range as float32. Only headers are read at open time, so an 8B
// model opens in milliseconds and a tensor read touches nothing but its own bytes.

import { closeSync, existsSync, openSync, statSync } from 'node:fs';
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
  close(): void;
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

  const fds = new Map<string, number>();
  try {
    const tensors = new Map<string, TensorEntry>();
    const unsupported = new Map<string, UnsupportedTensor>();
    const owner = new Map<string, string>();
    for (const file of layout.files) {
      // A pipe or device under a weight file's name would block or stream forever.
      if (!statSync(file).isFile()) throw new InputError(file, 'is not a regular file (a folder, device or pipe); expected safetensors weights');
      const fd = openSync(file, 'r');
      fds.set(file, fd);
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
    for (const fd of fds.values()) closeSync(fd);
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
    private readonly fds: Map<string, number>,
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
    if (this.closed) throw new Error(`checkpoint ${this.dir} is closed`);
    const fd = required(this.fds, e.file); // opened for every weight file
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

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
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
