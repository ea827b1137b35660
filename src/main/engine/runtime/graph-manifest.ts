// The compiled-graph cache's integrity record: when a graph is built, the size and sha256 of the
// .onnx and of every sidecar (.onnx.data) go into `<graph>.onnx.sha256.json`; before a cached graph
// is used they are checked again. A graph whose bytes were damaged can still load in onnxruntime
// and give wrong probabilities, so "it loads" is not proof; the recorded hash is.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hashFile } from '../checkpoint/checkpoint-hash';

interface Manifest {
  /** File name -> its size and sha256, for the graph and each sidecar. */
  files: Record<string, { size: number; sha256: string }>;
}

/** `<graph>.onnx.sha256.json`: a sidecar itself, so it moves and is evicted with the graph. */
export function manifestPath(onnxPath: string): string {
  return `${onnxPath}.sha256.json`;
}

/** Hashes `files` (graph and sidecars, all in one folder) and writes the manifest beside them. */
export async function writeManifest(onnxPath: string, files: readonly string[]): Promise<void> {
  const manifest: Manifest = { files: {} };
  for (const file of files) {
    manifest.files[basename(file)] = { size: statSync(file).size, sha256: await hashFile(file) };
  }
  writeFileSync(manifestPath(onnxPath), JSON.stringify(manifest, null, 1) + '\n');
}

/** Why the cached graph at `onnxPath` cannot be trusted, or null when every file matches its record. */
export async function manifestProblem(onnxPath: string): Promise<string | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(onnxPath), 'utf8')) as Manifest;
  } catch {
    return 'it has no readable integrity record';
  }
  const entries = Object.entries(manifest.files ?? {});
  if (!entries.some(([name]) => name === basename(onnxPath))) return 'its integrity record does not list the graph';
  for (const [name, want] of entries) {
    const file = join(dirname(onnxPath), name);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return `${name} is missing`;
    }
    if (size !== want.size) return `${name} has ${size} bytes, ${want.size} were written`;
    if ((await hashFile(file)) !== want.sha256) return `${name} does not match the sha256 recorded when it was written`;
  }
  return null;
}
