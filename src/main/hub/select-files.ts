// Which files of a repo the engine needs, decided from the hub's listing before anything is
// downloaded: config.json, the safetensors weights exactly as engine/checkpoint/weight-files.ts will
// look for them (the shards named by model.safetensors.index.json, else model.safetensors, else every
// top-level *.safetensors), and the tokenizer files. PyTorch .bin/.pth copies, ONNX/GGUF exports,
// `original/` folders and READMEs are left on the hub.

import { InputError } from '../../shared/errors';
import { INDEX_FILE, SINGLE_FILE } from '../engine/checkpoint/weight-files';
import type { RepoFile } from './hub-client';

/** Small files read by the engine (config, tokenizer) or by transformers next to it (generation config). */
export const SIDE_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

export interface FilePlan {
  config: RepoFile;
  /** Everything else to fetch, except the shards of an index (known only once the index is read). */
  files: RepoFile[];
  /** The shard index, when the weights are sharded: its weight_map names the shards to fetch. */
  index: RepoFile | null;
}

export function planFiles(listing: readonly RepoFile[], repoLabel: string): FilePlan {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const config = byPath.get('config.json');
  if (!config) throw new InputError(repoLabel, 'has no config.json at its top level: it is not a transformers checkpoint the engine can read');
  const side = SIDE_FILES.slice(1).map((p) => byPath.get(p)).filter((f): f is RepoFile => f !== undefined);
  const index = byPath.get(INDEX_FILE) ?? null;
  if (index) return { config, files: side, index };
  const single = byPath.get(SINGLE_FILE);
  const weights = single ? [single] : listing.filter((f) => !f.path.includes('/') && f.path.endsWith('.safetensors'));
  if (weights.length === 0) {
    const others = listing.filter((f) => /\.(bin|pth?|gguf|onnx|h5|msgpack)$/.test(f.path)).map((f) => f.path);
    const found = others.length ? ` (it has ${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''})` : '';
    throw new InputError(
      repoLabel,
      `has no safetensors weights${found}. The engine reads safetensors only: pick a revision that has them ` +
        '(the hub\'s conversion bot often offers one as a pull request, e.g. --revision refs/pr/1) or another repository.',
    );
  }
  return { config, files: [...side, ...weights], index: null };
}

/** The shards a downloaded index names, each of which must be in the listing. */
export function shardsOfIndex(indexJson: unknown, listing: readonly RepoFile[], indexLabel: string): RepoFile[] {
  const map = (indexJson as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new InputError(indexLabel, "must have a 'weight_map' object (tensor name -> shard file)");
  }
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const shards = new Map<string, RepoFile>();
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || shard.includes('/')) {
      throw new InputError(indexLabel, `weight_map entry for '${tensor}' must be a file name next to the index, found ${JSON.stringify(shard)}`);
    }
    const file = byPath.get(shard);
    if (!file) throw new InputError(indexLabel, `names shard '${shard}' (for tensor '${tensor}'), which the repository does not have`);
    shards.set(shard, file);
  }
  return [...shards.values()].sort((a, b) => a.path.localeCompare(b.path));
}
