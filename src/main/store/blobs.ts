// Typed arrays <-> SQLite BLOBs, always little-endian whatever the host, so a database file moves
// between machines unchanged. Token orders are Int32, probabilities Float32 (one value per position).

import { endianness } from 'node:os';
import { at } from '../../shared/checked';

const littleEndianHost = endianness() === 'LE';

/** Int32 little-endian bytes of `values` (token ids). */
export function int32Blob(values: ArrayLike<number>): Buffer {
  const buf = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeInt32LE(at(values, i), i * 4);
  return buf;
}

/** Float32 little-endian bytes of `values`, bit for bit (NaN payloads and -0 included). */
export function float32Blob(values: Float32Array): Buffer {
  if (littleEndianHost) {
    return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  }
  const buf = Buffer.alloc(values.length * 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  values.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return buf;
}

export function blobInt32(blob: Uint8Array): Int32Array {
  checkLength(blob);
  const out = new Int32Array(blob.length / 4);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

export function blobFloat32(blob: Uint8Array): Float32Array {
  checkLength(blob);
  const out = new Float32Array(blob.length / 4);
  if (littleEndianHost) {
    // Copy into a fresh, aligned buffer: the BLOB's bytes may sit at any offset.
    new Uint8Array(out.buffer).set(blob);
    return out;
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function checkLength(blob: Uint8Array): void {
  if (blob.length % 4 !== 0) throw new Error(`BLOB of ${blob.length} bytes is not a whole number of 4-byte values`);
}
