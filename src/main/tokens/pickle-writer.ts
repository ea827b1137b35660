// Writes token ids in the seed's pickle format: a Python pickle, protocol 4, of a list of lists of
// ints (the seed's data/llama-1k-tokens.pkl holds one list per word), byte for byte what CPython's
// pickle.dump(lists, f, protocol=4) writes, so the file is indistinguishable from one made in Python.
//
// What CPython's C pickler does, and so do we: PROTO 4 outside any frame; then frames (FRAME + u64
// length) opened lazily and committed at the next opcode boundary (where an object starts) once they
// hold >= 64 KiB, a final frame under 4 bytes written without its header; each list is EMPTY_LIST +
// MEMOIZE, then a single item + APPEND, or batches of up to 1000 items as MARK ... APPENDS; ints as
// BININT1 (< 256), BININT2 (< 65536) or BININT (< 2^31); STOP ends the last frame.

const PROTO = 0x80;
const FRAME = 0x95;
const EMPTY_LIST = 0x5d; // ]
const MEMOIZE = 0x94;
const MARK = 0x28; // (
const APPEND = 0x61; // a
const APPENDS = 0x65; // e
const BININT = 0x4a; // J
const BININT1 = 0x4b; // K
const BININT2 = 0x4d; // M
const STOP = 0x2e; // .

const FRAME_SIZE_TARGET = 64 * 1024;
const FRAME_SIZE_MIN = 4;
const FRAME_HEADER_SIZE = 9;
const BATCH_SIZE = 1000;

class FramedWriter {
  private readonly out: number[] = [];
  private frameStart = -1;
  private framing = false;

  write(...bytes: number[]): void {
    if (this.framing && this.frameStart === -1) {
      this.frameStart = this.out.length;
      for (let i = 0; i < FRAME_HEADER_SIZE; i++) this.out.push(0);
    }
    for (const b of bytes) this.out.push(b);
  }

  startFraming(): void {
    this.framing = true;
  }

  /** Before saving each object (list or int): close the frame once it reached the target size. */
  opcodeBoundary(): void {
    if (this.frameStart !== -1 && this.out.length - this.frameStart - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET) this.commitFrame();
  }

  commitFrame(): void {
    if (this.frameStart === -1) return;
    const length = this.out.length - this.frameStart - FRAME_HEADER_SIZE;
    if (length >= FRAME_SIZE_MIN) {
      this.out[this.frameStart] = FRAME;
      for (let i = 0; i < 8; i++) this.out[this.frameStart + 1 + i] = i < 6 ? Math.floor(length / 2 ** (8 * i)) % 256 : 0;
    } else {
      this.out.splice(this.frameStart, FRAME_HEADER_SIZE);
    }
    this.frameStart = -1;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

function saveInt(w: FramedWriter, value: number): void {
  w.opcodeBoundary();
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`token id ${value} cannot be written: ids are integers from 0 to 2^31 - 1`);
  }
  if (value <= 0xff) w.write(BININT1, value);
  else if (value <= 0xffff) w.write(BININT2, value & 0xff, value >>> 8);
  else w.write(BININT, value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
}

function saveList<T>(w: FramedWriter, items: readonly T[], saveItem: (w: FramedWriter, item: T) => void): void {
  w.opcodeBoundary();
  w.write(EMPTY_LIST, MEMOIZE);
  if (items.length === 1) {
    saveItem(w, items[0] as T);
    w.write(APPEND);
  } else {
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      w.write(MARK);
      for (const item of items.slice(start, start + BATCH_SIZE)) saveItem(w, item);
      w.write(APPENDS);
    }
  }
}

/** pickle.dumps(lists, protocol=4) for a list of lists of token ids. */
export function pickleIdLists(lists: readonly (readonly number[])[]): Uint8Array {
  const w = new FramedWriter();
  w.write(PROTO, 4);
  w.startFraming();
  saveList(w, lists, (inner, ids) => saveList(inner, ids, saveInt));
  w.write(STOP);
  w.commitFrame();
  return w.bytes();
}
