// Reads and validates the header of one .safetensors file without touching its tensor data.
// Layout: u64 little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}},
// then the data block; data_offsets are relative to the data block (byte 8 + N).

import { fstatSync, readSync } from 'node:fs';
import { InputError, quoteValue } from '../../../shared/errors';
import { DTYPE_BYTES, isSupportedDtype, type SafetensorsDtype } from './dtype';
import { isPlainObject, jsonKind, parseJsonText } from '../../json-file';

/** Headers beyond this are not real checkpoints (a 70B model's header is ~100 KB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute path of the file holding the data. */
  file: string;
  /** Absolute byte offset of the data in `file`. */
  dataStart: number;
  byteLength: number;
}

/** A tensor stored in a dtype the engine does not read (e.g. GPT-2's U8 mask buffer). It is only an
 * error when something asks for it. */
export interface UnsupportedTensor {
  name: string;
  dtype: string;
  shape: number[];
  file: string;
}

export interface SafetensorsHeader {
  file: string;
  fileSize: number;
  tensors: TensorEntry[];
  unsupported: UnsupportedTensor[];
  metadata: Record<string, unknown> | null;
}

/** `fd` is open on `file`; reads 8 + N bytes and nothing else. */
export function readSafetensorsHeader(fd: number, file: string): SafetensorsHeader {
  const fileSize = fstatSync(fd).size;
  if (fileSize < 8) {
    throw new InputError(file, `is only ${fileSize} bytes long: too short for a safetensors file (an 8-byte header length comes first)`);
  }
  const lengthBytes = readExactly(fd, file, 8, 0);
  const headerLength = Number(lengthBytes.readBigUInt64LE(0));
  if (headerLength > MAX_HEADER_BYTES) {
    throw new InputError(file, `header length ${headerLength} bytes is absurd (> 100 MB): not a safetensors file, or a corrupted one`);
  }
  if (8 + headerLength > fileSize) {
    throw new InputError(file, `header length ${headerLength} bytes runs past the end of the ${fileSize}-byte file: truncated or not a safetensors file`);
  }
  const text = readExactly(fd, file, headerLength, 8).toString('utf8');
  const header = parseJsonText(file, text, 'safetensors header');
  if (!isPlainObject(header)) throw new InputError(file, `safetensors header must be a JSON object, found ${jsonKind(header)}`);

  const dataBase = 8 + headerLength;
  const tensors: TensorEntry[] = [];
  const unsupported: UnsupportedTensor[] = [];
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, begin, end } = parseEntry(file, name, raw);
    spans.push({ name, begin, end });
    if (isSupportedDtype(dtype)) {
      tensors.push({ name, dtype, shape, file, dataStart: dataBase + begin, byteLength: end - begin });
    } else {
      unsupported.push({ name, dtype, shape, file });
    }
  }
  checkSpans(file, spans, fileSize, dataBase);
  const metadata = isPlainObject(header.__metadata__) ? header.__metadata__ : null;
  return { file, fileSize, tensors, unsupported, metadata };
}

function parseEntry(file: string, name: string, raw: unknown) {
  const bad = (problem: string) => new InputError(file, `tensor '${name}': ${problem}`);
  if (!isPlainObject(raw)) throw bad(`header entry must be an object with dtype, shape and data_offsets, found ${jsonKind(raw)}`);
  for (const key of ['dtype', 'shape', 'data_offsets']) {
    if (!(key in raw)) throw bad(`header entry is missing '${key}'`);
  }
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string') throw bad(`'dtype' must be a string, found ${jsonKind(dtype)}`);
  const elementBytes = DTYPE_BYTES[dtype];
  if (elementBytes === undefined) throw bad(`unknown dtype '${dtype}'`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`'shape' must be an array of non-negative integers, found ${quoteValue(shape)}`);
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 && offsets.every(isCount) ? offsets : [];
  if (begin === undefined || end === undefined || begin > end) {
    throw bad(`'data_offsets' must be [begin, end] with 0 <= begin <= end, found ${quoteValue(offsets)}`);
  }
  const needed = (shape as number[]).reduce((a, b) => a * b, 1) * elementBytes;
  if (end - begin !== needed) {
    throw bad(
      `data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} ` +
        `(${elementBytes} byte${elementBytes > 1 ? 's' : ''} each) needs ${needed} bytes`,
    );
  }
  return { dtype, shape: shape as number[], begin, end };
}

function checkSpans(file: string, spans: { name: string; begin: number; end: number }[], fileSize: number, dataBase: number) {
  let last: (typeof spans)[number] | null = null;
  for (const span of spans) if (!last || span.end > last.end) last = span;
  if (last && dataBase + last.end > fileSize) {
    throw new InputError(
      file,
      `file is truncated: its header says the data runs to byte ${dataBase + last.end} (tensor '${last.name}') ` +
        `but the file is ${fileSize} bytes long (expected ${dataBase + last.end}, got ${fileSize})`,
    );
  }
  const sorted = spans.filter((s) => s.end > s.begin).sort((a, b) => a.begin - b.begin);
  for (const [i, b] of sorted.entries()) {
    const a = sorted[i - 1];
    if (a && b.begin < a.end) {
      throw new InputError(file, `tensors '${a.name}' (bytes ${a.begin}-${a.end}) and '${b.name}' (bytes ${b.begin}-${b.end}) overlap`);
    }
  }
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Reads `length` bytes at `position`, looping over short reads and chunking past 2 GiB-1. */
export function readExactly(fd: number, file: string, length: number, position: number, into?: Uint8Array): Buffer {
  const target = into ?? Buffer.allocUnsafeSlow(length);
  const buf = Buffer.from(target.buffer, target.byteOffset, length);
  const maxChunk = 1 << 30;
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, Math.min(maxChunk, length - done), position + done);
    if (n === 0) throw new InputError(file, `ended at byte ${position + done} while reading (was it truncated while open?)`);
    done += n;
  }
  return buf;
}
