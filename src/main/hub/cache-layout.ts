// The Hugging Face cache layout, exactly as huggingface_hub writes it, so Python tools reuse what the
// app downloads and the app reuses what they downloaded:
//   <cache>/models--org--name/blobs/<etag>              file contents, named by sha256 (LFS) or git sha1
//   <cache>/models--org--name/blobs/<etag>.incomplete   a partial download, resumed by byte range
//   <cache>/models--org--name/snapshots/<commit>/<path> relative symlink to ../../blobs/<etag>
//   <cache>/models--org--name/refs/<revision>           the commit a branch or tag pointed at

import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../../shared/errors';
import { hfCacheDirs } from '../models/resolve-model';
import { repoFolderName } from './hub-repo';

export interface RepoCache {
  /** <cache>/models--org--name */
  readonly root: string;
  blob(etag: string): string;
  incomplete(etag: string): string;
  snapshotDir(commit: string): string;
  pointer(commit: string, path: string): string;
  ref(revision: string): string;
}

/** Where downloads go: the first of huggingface_hub's cache folders ($HF_HUB_CACHE, $HF_HOME/hub, ...). */
export function downloadCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const [first] = hfCacheDirs(env);
  if (!first) throw new Error('no Hugging Face cache folder');
  return first;
}

export function repoCache(cacheDir: string, repoId: string): RepoCache {
  const root = join(resolve(cacheDir), repoFolderName(repoId));
  const snapshots = join(root, 'snapshots');
  return {
    root,
    blob: (etag) => join(root, 'blobs', etag),
    incomplete: (etag) => join(root, 'blobs', `${etag}.incomplete`),
    snapshotDir: (commit) => join(snapshots, commit),
    pointer(commit, path) {
      const pointer = resolve(snapshots, commit, ...path.split('/'));
      // A listed path must stay inside its snapshot (huggingface_hub's _get_pointer_path check).
      if (!pointer.startsWith(join(snapshots, commit) + sep)) {
        throw new InputError(repoId, `the hub listed a file path that leaves the snapshot folder: ${JSON.stringify(path)}`);
      }
      return pointer;
    },
    ref: (revision) => join(root, 'refs', ...revision.split('/')),
  };
}

/**
 * snapshots/<commit>/<path> -> the blob, as a relative symlink (the cache survives being moved);
 * a copy where symlinks are not allowed (Windows without developer mode), as huggingface_hub does.
 */
export function linkPointer(blobPath: string, pointerPath: string): void {
  mkdirSync(dirname(pointerPath), { recursive: true });
  rmSync(pointerPath, { force: true });
  try {
    symlinkSync(relative(dirname(pointerPath), blobPath), pointerPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP') throw err;
    copyFileSync(blobPath, pointerPath);
  }
}

/** True if the pointer exists and leads to a file (a dangling symlink is not a file). */
export function pointerIsFile(pointerPath: string): boolean {
  try {
    lstatSync(pointerPath);
  } catch {
    return false;
  }
  return existsSync(pointerPath);
}

/** refs/<revision> = commit, written atomically; nothing for a revision that is the commit itself. */
export function writeRef(cache: RepoCache, revision: string, commit: string): void {
  if (revision === commit) return;
  const ref = cache.ref(revision);
  if (existsSync(ref) && readFileSync(ref, 'utf8') === commit) return;
  mkdirSync(dirname(ref), { recursive: true });
  const tmp = `${ref}.${process.pid}.tmp`;
  writeFileSync(tmp, commit);
  renameSync(tmp, ref);
}
