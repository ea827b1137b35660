// Content hash of a checkpoint, the key of the compiled-graph cache. Each file (config.json, then
// the weight files by name) is sha256-streamed; the checkpoint hash is the sha256 of the lines
// "<basename>\t<size>\t<file sha256>\n". Per-file hashes are memoised by (path, size, mtime) so a
// 16 GB model is hashed once, and editing config.json re-hashes only config.json. The same pass
// checks every weight for NaN and ±Infinity (finite-weights.ts); a memo records that it passed.

import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureFolder } from '../../output-paths';
import type { Checkpoint } from './checkpoint';
import { nonFiniteScanner, type ChunkScanner } from './finite-weights';

interface MemoRecord {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** The file's weights were found finite (memos without it are from before the check: hash again). */
  finiteWeights: true;
}

export async function hashCheckpoint(
  cp: Pick<Checkpoint, 'configPath' | 'weightFiles'> & Partial<Pick<Checkpoint, 'tensors'>>,
  memoDir?: string,
  /** Called with the fraction of bytes hashed so far (memoised files count as done). */
  onProgress?: (fraction: number) => void,
): Promise<string> {
  const files = [cp.configPath, ...cp.weightFiles].map((path) => ({ path, stat: statSync(path) }));
  const total = files.reduce((a, f) => a + f.stat.size, 0) || 1;
  let done = 0;
  const lines: string[] = [];
  for (const { path, stat } of files) {
    const { size, mtimeMs } = stat;
    let sha = memoDir ? readMemo(memoDir, path, size, mtimeMs) : null;
    if (sha === null) {
      const before = done;
      const scan = cp.tensors && path !== cp.configPath ? nonFiniteScanner(path, [...cp.tensors.values()]) : undefined;
      sha = await hashFile(path, (bytes) => onProgress?.((before + bytes) / total), scan);
      if (memoDir) writeMemo(memoDir, { path, size, mtimeMs, sha256: sha, finiteWeights: true });
    }
    done += size;
    onProgress?.(done / total);
    lines.push(`${basename(path)}\t${size}\t${sha}\n`);
  }
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** sha256 hex of a file, streamed in 4 MB reads, each also shown to `scan` if given. */
export async function hashFile(file: string, onBytes?: (bytes: number) => void, scan?: ChunkScanner): Promise<string> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    scan?.(chunk as Buffer, bytes);
    bytes += (chunk as Buffer).length;
    onBytes?.(bytes);
  }
  return hash.digest('hex');
}

function memoPath(memoDir: string, file: string): string {
  return join(memoDir, `${createHash('sha256').update(file).digest('hex').slice(0, 32)}.json`);
}

function readMemo(memoDir: string, file: string, size: number, mtimeMs: number): string | null {
  try {
    const rec = JSON.parse(readFileSync(memoPath(memoDir, file), 'utf8')) as MemoRecord;
    const hit = rec.path === file && rec.size === size && rec.mtimeMs === mtimeMs && rec.finiteWeights === true && /^[0-9a-f]{64}$/.test(rec.sha256);
    return hit ? rec.sha256 : null;
  } catch {
    return null; // no memo yet, or an unreadable one: hash again
  }
}

/** Best effort: the memo only saves time, so a full or read-only disk here is not an error. */
function writeMemo(memoDir: string, rec: MemoRecord): void {
  const target = memoPath(memoDir, rec.path);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    ensureFolder(memoDir, 'the checkpoint hash memo');
    // Write then rename so a concurrent reader never sees half a record.
    writeFileSync(tmp, JSON.stringify(rec));
    renameSync(tmp, target);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was written there.
    }
  }
}
