// Finds NaN and ±Infinity in a checkpoint's weights while its files are hashed (the bytes stream past
// once anyway), so a broken checkpoint is refused with the tensor's name instead of giving every
// probability as NaN. Works on raw little-endian bits: a value is non-finite when its exponent
// field is all ones (F32 0x7F800000, BF16 0x7F80, F16 0x7C00).

import { InputError } from '../../../shared/errors';
import type { TensorEntry } from './safetensors-header';

/** Exponent mask of each dtype's top 16 bits (the byte pair holding sign and exponent). */
const EXPONENT_MASK: Record<TensorEntry['dtype'], number> = { F32: 0x7f80, BF16: 0x7f80, F16: 0x7c00 };
/** Offset of that byte pair inside one little-endian element. */
const HIGH_HALF: Record<TensorEntry['dtype'], number> = { F32: 2, BF16: 0, F16: 0 };
const WIDTH: Record<TensorEntry['dtype'], number> = { F32: 4, BF16: 2, F16: 2 };

export type ChunkScanner = (chunk: Uint8Array, fileOffset: number) => void;

/**
 * A scanner fed the file's bytes in order (any chunking); throws InputError naming the file, the
 * tensor and the element at the first non-finite weight.
 */
export function nonFiniteScanner(file: string, tensors: readonly TensorEntry[]): ChunkScanner {
  const ordered = tensors.filter((t) => t.file === file).sort((a, b) => a.dataStart - b.dataStart);
  // An element split across two chunks: its first bytes wait here.
  const carry = new Uint8Array(4);
  let carried = 0;
  return (chunk, fileOffset) => {
    const chunkEnd = fileOffset + chunk.length;
    for (const t of ordered) {
      const start = Math.max(t.dataStart, fileOffset);
      const end = Math.min(t.dataStart + t.byteLength, chunkEnd);
      if (start >= end) continue;
      const width = WIDTH[t.dtype];
      let pos = start;
      if (carried > 0) {
        // Only the tensor being read when the last chunk ended can have a carried element.
        while (carried < width && pos < end) carry[carried++] = chunk[pos++ - fileOffset] as number;
        if (carried < width) continue;
        checkElement(carry, 0, t, pos - width, file);
        carried = 0;
      }
      const whole = pos + Math.floor((end - pos) / width) * width;
      scanRange(chunk, pos - fileOffset, whole - fileOffset, t, pos, file);
      for (let p = whole; p < end; p++) carry[carried++] = chunk[p - fileOffset] as number;
    }
  };
}

function scanRange(chunk: Uint8Array, from: number, to: number, t: TensorEntry, fileStart: number, file: string): void {
  const width = WIDTH[t.dtype];
  const mask = EXPONENT_MASK[t.dtype];
  const high = HIGH_HALF[t.dtype];
  for (let i = from; i < to; i += width) {
    const bits = (chunk[i + high] as number) | ((chunk[i + high + 1] as number) << 8);
    if ((bits & mask) === mask) checkElement(chunk, i, t, fileStart + (i - from), file);
  }
}

/** Throws for a non-finite element starting at `bytes[at]` (file offset `fileOffset`). */
function checkElement(bytes: Uint8Array, at: number, t: TensorEntry, fileOffset: number, file: string): void {
  const high = HIGH_HALF[t.dtype];
  const bits = (bytes[at + high] as number) | ((bytes[at + high + 1] as number) << 8);
  const mask = EXPONENT_MASK[t.dtype];
  if ((bits & mask) !== mask) return;
  const fractionBits = t.dtype === 'F32' ? (bits & 0x7f) | (bytes[at] as number) | (bytes[at + 1] as number) : bits & (~mask & 0x7fff);
  const value = fractionBits !== 0 ? 'NaN' : bits & 0x8000 ? '-Infinity' : 'Infinity';
  const element = (fileOffset - t.dataStart) / WIDTH[t.dtype];
  throw new InputError(
    file,
    `tensor '${t.name}' holds ${value} at element ${element} (shape [${t.shape.join(', ')}]): the checkpoint is damaged or was saved after a diverged training run`,
  );
}
