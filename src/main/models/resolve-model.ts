// `--model_name` resolution: a checkpoint folder, `demo` (the bundled demo model), a Hugging Face
// repo id (`org/name`), or one of the seed's short names (its MODEL_MAPPING, plus a few more), looked
// up in the local Hugging Face cache. Resolution never downloads (src/main/hub does, on request); a miss
// lists every place looked at.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clipValue, InputError } from '../../shared/errors';

/** The seed script's MODEL_MAPPING, verbatim (short name -> Hugging Face repo id). */
export const SEED_MODEL_MAPPING: Readonly<Record<string, string>> = {
  'Llama-3.2-1B-Instruct': 'meta-llama/Llama-3.2-1B-Instruct',
  'Llama-3.1-8B-Instruct': 'meta-llama/Llama-3.1-8B-Instruct',
  'Llama-3.1-8B': 'meta-llama/Llama-3.1-8B',
  'gemma-2-9b-it': 'google/gemma-2-9b-it',
  'gemma-2-9b': 'google/gemma-2-9b',
  'Mistral-7B-Instruct-v0.1': 'mistralai/Mistral-7B-Instruct-v0.1',
  'Mistral-7B-v0.1': 'mistralai/Mistral-7B-v0.1',
  'Qwen2.5-7B-Instruct': 'Qwen/Qwen2.5-7B-Instruct',
  'Qwen2.5-7B': 'Qwen/Qwen2.5-7B',
};

/** Short name -> candidate repo ids, in the order tried (renamed repos keep their old cache folder). */
export const MODEL_MAPPING: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(Object.entries(SEED_MODEL_MAPPING).map(([k, v]) => [k, [v]])),
  'Llama-3.2-1B': ['meta-llama/Llama-3.2-1B'],
  'Llama-3.2-3B': ['meta-llama/Llama-3.2-3B'],
  'Llama-3.2-3B-Instruct': ['meta-llama/Llama-3.2-3B-Instruct'],
  'Meta-Llama-3-8B': ['meta-llama/Meta-Llama-3-8B'],
  'Meta-Llama-3-8B-Instruct': ['meta-llama/Meta-Llama-3-8B-Instruct'],
  'gemma-2-2b': ['google/gemma-2-2b'],
  'gemma-2-2b-it': ['google/gemma-2-2b-it'],
  ...Object.fromEntries(
    ['0.5B', '1.5B', '3B', '14B'].flatMap((size) => [
      [`Qwen2.5-${size}`, [`Qwen/Qwen2.5-${size}`]],
      [`Qwen2.5-${size}-Instruct`, [`Qwen/Qwen2.5-${size}-Instruct`]],
    ]),
  ),
  gpt2: ['openai-community/gpt2', 'gpt2'],
  'gpt2-medium': ['openai-community/gpt2-medium', 'gpt2-medium'],
  'gpt2-large': ['openai-community/gpt2-large', 'gpt2-large'],
  'gpt2-xl': ['openai-community/gpt2-xl', 'gpt2-xl'],
  ...Object.fromEntries(
    ['14m', '31m', '70m', '160m', '410m', '1b', '1.4b', '2.8b', '6.9b', '12b'].flatMap((size) => [
      [`pythia-${size}`, [`EleutherAI/pythia-${size}`]],
      [`pythia-${size}-deduped`, [`EleutherAI/pythia-${size}-deduped`]],
    ]),
  ),
};

export const DEMO_MODEL_NAME = 'demo';

export interface ResolvedModel {
  /** Absolute checkpoint folder (config.json inside). */
  dir: string;
  /** Short name for file names and titles: the name given, or the folder's (repo's) name. */
  name: string;
  source: 'folder' | 'hf-cache' | 'bundled';
  repoId?: string;
  revision?: string;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Folder of the demo model (default: $ABLATION_STUDIO_DEMO_MODEL, else the bundled one). */
  demoDir?: string;
}

/** The bundled demo model's folder in a source checkout. */
export function bundledDemoDir(): string {
  return fileURLToPath(new URL('../../../resources/models/demo-induction', import.meta.url));
}

/** Hugging Face cache folders in the order huggingface_hub uses them, deduplicated. */
export function hfCacheDirs(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const xdg = env.XDG_CACHE_HOME || join(home, '.cache');
  const dirs = [
    env.HF_HUB_CACHE,
    env.HUGGINGFACE_HUB_CACHE,
    env.HF_HOME ? join(env.HF_HOME, 'hub') : undefined,
    join(xdg, 'huggingface', 'hub'),
    join(home, '.cache', 'huggingface', 'hub'),
  ].filter((d): d is string => Boolean(d));
  return [...new Set(dirs.map((d) => resolve(d)))];
}

export function resolveModel(nameOrPath: string, options: ResolveOptions = {}): ResolvedModel {
  const name = nameOrPath.trim();
  if (!name) throw new InputError('--model_name', 'empty model name');
  if (name === DEMO_MODEL_NAME) {
    // The override lets a packaged app (resources elsewhere) and tests point at another folder.
    const env = options.env ?? process.env;
    return resolveDemo(options.demoDir ?? (env.ABLATION_STUDIO_DEMO_MODEL ? resolve(env.ABLATION_STUDIO_DEMO_MODEL) : bundledDemoDir()));
  }

  const looked: string[] = [];
  const asPath = resolve(name);
  if (existsSync(asPath)) {
    if (statSync(asPath).isDirectory()) return resolveFolder(asPath);
    throw new InputError(asPath, `is a file, not a model checkpoint folder: give the folder that holds config.json and *.safetensors (here: ${dirname(asPath)}?)`);
  }
  looked.push(`${asPath} (as a folder: does not exist)`);

  const repoIds = MODEL_MAPPING[name] ?? caseInsensitive(name) ?? (isRepoId(name) ? [name] : null);
  if (repoIds) {
    for (const cache of hfCacheDirs(options.env ?? process.env, options.home ?? homedir())) {
      for (const repoId of repoIds) {
        const repoDir = join(cache, `models--${repoId.replace(/\//g, '--')}`);
        const hit = snapshotIn(repoDir);
        if (hit) return { dir: hit.dir, name: shortName(name), source: 'hf-cache', repoId, revision: hit.revision };
        looked.push(`${repoDir} (Hugging Face cache: ${existsSync(repoDir) ? 'no snapshot with config.json' : 'absent'})`);
      }
    }
  }
  const hint = repoIds
    ? `Download it first (\`npm run cli -- models download ${repoIds[0] ?? '<org/name>'}\`, or the app's Models screen) or pass the checkpoint folder.`
    : `Not a folder, a Hugging Face repo id (org/name) or a known name (${Object.keys(MODEL_MAPPING).join(', ')}, demo).`;
  throw new InputError(clipValue(name), `no model checkpoint found. Looked in:\n  ${looked.join('\n  ')}\n${hint}`);
}

function resolveDemo(dir: string): ResolvedModel {
  if (!existsSync(join(dir, 'config.json'))) {
    throw new InputError(
      dir,
      'the demo model is not built yet (no config.json in this folder). Build it with tools/demo-model/train.py (Python with torch, ~40 min on a CPU; see tools/demo-model/README.md), or run a study on another checkpoint folder.',
    );
  }
  return { dir, name: 'demo-induction', source: 'bundled' };
}

/** A checkpoint folder, or a Hugging Face cache repo folder (`models--org--name`) given by path. */
function resolveFolder(dir: string): ResolvedModel {
  if (existsSync(join(dir, 'config.json'))) return { dir, name: folderModelName(dir), source: 'folder' };
  const hit = snapshotIn(dir);
  if (hit) return { dir: hit.dir, name: folderModelName(hit.dir), source: 'hf-cache', revision: hit.revision };
  throw new InputError(dir, 'not a model checkpoint folder: config.json is missing');
}

/** `refs/main`'s snapshot if present, else the most recently modified snapshot with a config.json. */
function snapshotIn(repoDir: string): { dir: string; revision: string } | null {
  const snapshots = join(repoDir, 'snapshots');
  if (!existsSync(snapshots)) return null;
  const ref = join(repoDir, 'refs', 'main');
  if (existsSync(ref)) {
    const revision = readFileSync(ref, 'utf8').trim();
    const dir = join(snapshots, revision);
    if (revision && existsSync(join(dir, 'config.json'))) return { dir, revision };
  }
  const candidates = readdirSync(snapshots)
    .map((revision) => ({ revision, dir: join(snapshots, revision) }))
    .filter((c) => existsSync(join(c.dir, 'config.json')))
    .sort((a, b) => statSync(b.dir).mtimeMs - statSync(a.dir).mtimeMs);
  return candidates[0] ?? null;
}

/** A readable name for a checkpoint folder: the repo name for a cache snapshot, else the folder name. */
export function folderModelName(dir: string): string {
  const m = /models--(?:[^/\\]+?--)?([^/\\]+)[/\\]snapshots[/\\]/.exec(dir + '/');
  return m?.[1] ?? (basename(dir) || basename(dirname(dir)));
}

function caseInsensitive(name: string): readonly string[] | null {
  const key = Object.keys(MODEL_MAPPING).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : (MODEL_MAPPING[key] ?? null);
}

function isRepoId(name: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(name);
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

export interface CachedCheckpoint {
  dir: string;
  repoId: string;
  revision: string;
}

/** Every checkpoint (a snapshot with config.json) in the local Hugging Face caches, by repo id. */
export function listHfCacheCheckpoints(env: NodeJS.ProcessEnv = process.env, home = homedir()): CachedCheckpoint[] {
  const found: CachedCheckpoint[] = [];
  for (const cache of hfCacheDirs(env, home)) {
    let names: string[];
    try {
      names = readdirSync(cache).filter((n) => n.startsWith('models--'));
    } catch {
      continue; // no cache there
    }
    for (const name of names.sort()) {
      const hit = snapshotIn(join(cache, name));
      if (hit) found.push({ dir: hit.dir, repoId: name.slice('models--'.length).replace(/--/g, '/'), revision: hit.revision });
    }
  }
  return found;
}
