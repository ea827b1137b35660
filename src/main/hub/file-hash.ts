// The checksums the hub names files by: sha256 of the contents for LFS files (X-Linked-Etag), and
// git's blob id for small files kept in git (ETag): sha1 of "blob <size>\0" + contents. Hashing is
// incremental, so a resumed download only reads back the part already on disk once.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type HashKind = 'sha256' | 'git-sha1';

export interface ContentHasher {
  update(chunk: Uint8Array): void;
  /** Lower-case hex digest; the hasher cannot be used afterwards. */
  digest(): string;
}

/** A hasher for a file of `size` bytes (git's blob id includes the size up front). */
export function contentHasher(kind: HashKind, size: number): ContentHasher {
  let hash: Hash;
  if (kind === 'sha256') {
    hash = createHash('sha256');
  } else {
    hash = createHash('sha1');
    hash.update(`blob ${size}\0`);
  }
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest('hex'),
  };
}

/** Feeds the contents of `path` to the hasher, reporting each chunk's size. */
export async function hashFileInto(
  hasher: ContentHasher,
  path: string,
  onChunk?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    hasher.update(chunk);
    onChunk?.(chunk.length);
  }
}
