// Writes small Hugging Face checkpoint folders for tests, in the exact on-disk format transformers
// produces: config.json (sorted keys, indent 2), model.safetensors or model-0000i-of-0000n.safetensors
// + model.safetensors.index.json, and tokenizer.json. The F16/BF16 encoders here are arithmetic
// (not bit tricks) on purpose: an independent reference for the engine's bit-level decoders.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { at, entry } from '../../src/shared/checked';

export interface CheckpointTensors {
  [name: string]: { shape: number[]; data: Float32Array };
}

export type WriteDtype = 'F32' | 'BF16' | 'F16';

export interface WriteCheckpointOptions {
  dir: string;
  config: object;
  tensors: CheckpointTensors;
  dtype?: WriteDtype;
  /** 1 (default) writes model.safetensors; n > 1 writes n shards + the index. */
  shards?: number;
  /** tokenizer.json contents; undefined writes a word-level tokenizer covering config.vocab_size, null none. */
  tokenizer?: object | null;
}

export function writeCheckpoint(opts: WriteCheckpointOptions): void {
  const { dir, tensors, dtype = 'F32', shards = 1 } = opts;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(sortKeysDeep(opts.config), null, 2)}\n`);
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const { shape, data } = entry(tensors, name);
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`tensor ${name}: shape [${shape}] has ${n} elements, data has ${data.length}`);
  }
  if (shards <= 1) {
    writeSafetensorsFile(join(dir, 'model.safetensors'), pick(tensors, names), dtype);
  } else {
    if (names.length < shards) throw new Error(`cannot split ${names.length} tensors into ${shards} shards`);
    const weightMap: Record<string, string> = {};
    let totalSize = 0;
    for (let s = 0; s < shards; s++) {
      const file = `model-${pad5(s + 1)}-of-${pad5(shards)}.safetensors`;
      const mine = names.filter((_, i) => Math.floor((i * shards) / names.length) === s);
      writeSafetensorsFile(join(dir, file), pick(tensors, mine), dtype);
      for (const name of mine) {
        weightMap[name] = file;
        totalSize += entry(tensors, name).data.length * (dtype === 'F32' ? 4 : 2);
      }
    }
    const index = { metadata: { total_size: totalSize }, weight_map: weightMap };
    writeFileSync(join(dir, 'model.safetensors.index.json'), `${JSON.stringify(sortKeysDeep(index), null, 2)}\n`);
  }
  let tokenizer = opts.tokenizer;
  const vocab = (opts.config as { vocab_size?: unknown }).vocab_size;
  if (tokenizer === undefined && typeof vocab === 'number' && vocab > 3) tokenizer = wordLevelTokenizer(tinyVocabWords(vocab - 3));
  if (tokenizer) writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer, null, 2));
}

/** One safetensors file: header sorted by name, data packed in that order, header padded to 8 bytes. */
export function writeSafetensorsFile(file: string, tensors: CheckpointTensors, dtype: WriteDtype = 'F32'): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const bytes = encode(tensor.data, dtype);
    header[name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  writeFileSync(file, safetensorsBytes(header, Buffer.concat(chunks)));
}

/** Raw safetensors bytes for any header (object or literal text), for building malformed files. */
export function safetensorsBytes(header: unknown, data: Uint8Array = new Uint8Array(0)): Buffer {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  while (Buffer.byteLength(text) % 8 !== 0) text += ' ';
  const json = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

/** What writing `x` as BF16 and reading it back gives (round to nearest, ties to even). */
export function roundToBf16(x: Float32Array): Float32Array {
  return x.map((v) => roundFloat(v, 8, -126, 127));
}

/** What writing `x` as F16 and reading it back gives (round to nearest, ties to even). */
export function roundToF16(x: Float32Array): Float32Array {
  return x.map((v) => roundFloat(v, 11, -14, 15));
}

/**
 * Rounds v to a binary float with `precision` significant bits, smallest normal exponent `eMin`,
 * largest exponent `eMax` (subnormals below 2^eMin, overflow to infinity).
 */
function roundFloat(v: number, precision: number, eMin: number, eMax: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  const quantum = 2 ** (Math.max(e, eMin) - (precision - 1));
  const q = a / quantum; // exact: division by a power of two
  const f = Math.floor(q);
  const rounded = (q - f > 0.5 || (q - f === 0.5 && f % 2 === 1) ? f + 1 : f) * quantum;
  const max = (2 - 2 ** (1 - precision)) * 2 ** eMax;
  return Math.sign(v) * (rounded > max ? Infinity : rounded);
}

function encode(data: Float32Array, dtype: WriteDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = Buffer.alloc(data.length * 2);
  const rounded = dtype === 'BF16' ? roundToBf16(data) : roundToF16(data);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  rounded.forEach((r, i) => {
    let bits: number;
    if (Number.isNaN(r)) bits = dtype === 'BF16' ? 0x7fc0 : 0x7e00;
    else if (dtype === 'BF16') {
      f32[0] = r;
      bits = at(u32, 0) >>> 16;
    } else bits = f16Bits(r);
    out.writeUInt16LE(bits, i * 2);
  });
  return out;
}

/** IEEE half bits of a value that is exactly representable as one. */
function f16Bits(r: number): number {
  const sign = r < 0 || Object.is(r, -0) ? 0x8000 : 0;
  const a = Math.abs(r);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | (a / 2 ** -24); // subnormal: count of 2^-24 steps
  const e = Math.floor(Math.log2(a));
  const exp = 2 ** e > a ? e - 1 : 2 ** (e + 1) <= a ? e + 1 : e;
  return sign | ((exp + 15) << 10) | ((a / 2 ** exp - 1) * 1024);
}

/** A real tokenizer.json: WordLevel model, Whitespace pre-tokenizer, <unk>=0 <s>=1 </s>=2 (special). */
export function wordLevelTokenizer(words: string[]): object {
  const specials = ['<unk>', '<s>', '</s>'];
  const vocab: Record<string, number> = {};
  for (const t of [...specials, ...words]) {
    if (t in vocab) throw new Error(`duplicate token ${t}`);
    if (/\s/.test(t) || t === '') throw new Error(`token ${JSON.stringify(t)} is empty or has whitespace`);
    vocab[t] = Object.keys(vocab).length;
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
  };
}

/** `count` distinct pronounceable words (w0 = "ba", ...), for word-level vocabularies. */
export function tinyVocabWords(count: number): string[] {
  const c = 'bdfgklmnprstvz';
  const v = 'aeiou';
  const words: string[] = [];
  for (let i = 0; words.length < count; i++) {
    let n = i;
    let w = '';
    do {
      w += at(c, n % c.length) + at(v, Math.floor(n / c.length) % v.length);
      n = Math.floor(n / (c.length * v.length));
    } while (n > 0);
    words.push(w);
  }
  return words;
}

/** Tiny seeded PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(tensors: CheckpointTensors, names: string[]): CheckpointTensors {
  return Object.fromEntries(names.map((n) => [n, entry(tensors, n)]));
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]));
  }
  return value;
}
