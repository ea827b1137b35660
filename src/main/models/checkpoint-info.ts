// The checkpoint's content hash, the model's identity in the store and the engine's cache key:
// memoised per file, so a model hashed once is recognised instantly afterwards.

import { hashCheckpoint, openCheckpoint } from '../engine/checkpoint';

/** The checkpoint's content hash (the engine's cache key and the model's identity in the store). */
export async function checkpointChecksum(modelDir: string, memoDir: string, onProgress?: (fraction: number) => void): Promise<string> {
  const checkpoint = openCheckpoint(modelDir);
  try {
    return await hashCheckpoint(checkpoint, memoDir, onProgress);
  } finally {
    checkpoint.close();
  }
}
