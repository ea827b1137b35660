// The compiled-graph cache: cacheDir/<checkpointHash>/<engineVersion>-<variant>[-<part>]-<dtype>.onnx
// (+ its .onnx.data and the .onnx.sha256.json integrity record). A graph is built in a private temp
// folder and moved into place with the .onnx renamed LAST, so a crash or a full disk never leaves a
// graph that looks complete; a cached graph whose bytes no longer match their record is rebuilt.
// Building a graph removes that checkpoint's graphs of other engine versions.

import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { GraphDtype, GraphVariant } from '../engine-types';
import { ensureFolder } from '../../output-paths';
import { ENGINE_VERSION } from './engine-version';
import { manifestProblem, writeManifest } from './graph-manifest';

export interface GraphKey {
  cacheDir: string;
  checkpointHash: string;
  variant: GraphVariant;
  dtype: GraphDtype;
  /** One graph of several that together make the variant (a probe segment: `layers-0-1`), or none. */
  part?: string;
}

export interface CachedGraph {
  path: string;
  fromCache: boolean;
  /** Milliseconds spent compiling (0 on a cache hit). */
  compileMs: number;
  /** Why a cached graph was thrown away and rebuilt (it failed its integrity check). */
  rebuiltBecause?: string;
}

/** Writes a complete graph at `outPath` (external data beside it, named after it). */
export type WriteGraphFile = (outPath: string) => Promise<void>;

/** Temp folders older than this are leftovers of a crashed build (no build takes a day). */
const STALE_TEMP_MS = 24 * 3600_000;

export function graphPath(key: GraphKey): string {
  const name = `${ENGINE_VERSION}-${key.variant}${key.part ? `-${key.part}` : ''}-${key.dtype}.onnx`;
  return path.join(key.cacheDir, key.checkpointHash, name);
}

/** The graph file and every sidecar that shares its name (`x.onnx.data`). */
function graphFiles(onnxPath: string): string[] {
  const dir = path.dirname(onnxPath);
  const base = path.basename(onnxPath);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name === base || name.startsWith(`${base}.`))
    .map((name) => path.join(dir, name));
}

/** Removes a cached graph (used when onnxruntime cannot load it). The .onnx goes first. */
export function evictGraph(onnxPath: string): void {
  fs.rmSync(onnxPath, { force: true });
  for (const file of graphFiles(onnxPath)) fs.rmSync(file, { force: true });
}

/** Flush a finished file to disk before it is renamed into the cache (power loss after the rename). */
function flushFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('.tmp-')) continue;
    const full = path.join(dir, name);
    try {
      if (Date.now() - fs.statSync(full).mtimeMs > STALE_TEMP_MS) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // Another process may be removing it at the same moment.
    }
  }
}

/** A graph file or sidecar name's engine version: `r1-g3` in `r1-g3-probe-float32.onnx(.data)`. */
const GRAPH_FILE_VERSION = /^(r[^-]+-g[^-]+)-.+\.onnx(\.[^.]+)*$/;

/**
 * Removes the graphs of other engine versions from a checkpoint's folder. They are never looked up
 * again (their version is part of the key), and a 1B model's graph is 5 GB: without this every
 * engine update would leave the last one on disk. Runs after a new graph is in place, so a failed
 * build loses nothing; each .onnx goes before its sidecars, as in evictGraph. A file another
 * process still has open stays readable to it until closed (POSIX); where the system refuses the
 * removal, the file is left for the next build.
 */
function removeOutdatedGraphs(dir: string): void {
  const outdated = fs.readdirSync(dir).filter((name) => {
    const version = GRAPH_FILE_VERSION.exec(name)?.[1];
    return version !== undefined && version !== ENGINE_VERSION;
  });
  const graphsFirst = [...outdated.filter((n) => n.endsWith('.onnx')), ...outdated.filter((n) => !n.endsWith('.onnx'))];
  for (const name of graphsFirst) {
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // In use where open files cannot be removed (Windows): the next build tries again.
    }
  }
}

/**
 * Returns the cached graph for `key`, building it with `build` when absent. `build` writes into
 * a temp folder inside the hash folder (same file system, so the renames are atomic).
 */
export async function ensureGraph(key: GraphKey, build: WriteGraphFile, onRebuild?: (why: string) => void): Promise<CachedGraph> {
  const target = graphPath(key);
  let rebuiltBecause: string | undefined;
  if (fs.existsSync(target)) {
    const problem = await manifestProblem(target);
    if (problem === null) return { path: target, fromCache: true, compileMs: 0 };
    rebuiltBecause = `the cached graph ${target} failed its integrity check (${problem})`;
    onRebuild?.(rebuiltBecause);
    evictGraph(target);
  }
  return { ...(await buildGraph(target, build)), ...(rebuiltBecause ? { rebuiltBecause } : {}) };
}

async function buildGraph(target: string, build: WriteGraphFile): Promise<CachedGraph> {
  const dir = path.dirname(target);
  ensureFolder(dir, 'the compiled-graph cache');
  removeStaleTemps(dir);
  const temp = path.join(dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(temp);
  try {
    const started = performance.now();
    const tempGraph = path.join(temp, path.basename(target));
    await build(tempGraph);
    if (!fs.existsSync(tempGraph)) throw new Error(`graph compiler wrote no file at ${tempGraph}`);
    const compileMs = performance.now() - started;
    await writeManifest(tempGraph, fs.readdirSync(temp).map((name) => path.join(temp, name)));
    // Sidecars first (the integrity record among them), the .onnx last: its presence marks the entry complete.
    const names = fs.readdirSync(temp);
    for (const name of names) flushFile(path.join(temp, name));
    evictGraph(target);
    for (const name of names) {
      if (name !== path.basename(target)) fs.renameSync(path.join(temp, name), path.join(dir, name));
    }
    fs.renameSync(tempGraph, target);
    removeOutdatedGraphs(dir);
    return { path: target, fromCache: false, compileMs };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
