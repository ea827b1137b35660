// Finds which .safetensors files hold a checkpoint's weights: the shards named by
// model.safetensors.index.json (Hugging Face's sharded layout), else model.safetensors, else every
// *.safetensors in the folder. Validates the index itself; shard contents are checked by the caller.

import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, quoteValue } from '../../../shared/errors';
import { isPlainObject, jsonKind, readJsonObject } from '../../json-file';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

export interface WeightLayout {
  /** Absolute path of the shard index, when the checkpoint is sharded. */
  indexPath: string | null;
  /** Absolute paths of the weight files, sorted. */
  files: string[];
  /** From the index: tensor name -> absolute shard path. */
  weightMap: Map<string, string> | null;
}

export function findWeightFiles(dir: string): WeightLayout {
  const indexPath = join(dir, INDEX_FILE);
  if (existsSync(indexPath)) return readIndex(dir, indexPath);
  if (existsSync(join(dir, SINGLE_FILE))) return { indexPath: null, files: [join(dir, SINGLE_FILE)], weightMap: null };
  const names = readdirSync(dir).filter((n) => n.endsWith('.safetensors')).sort();
  if (names.length === 0) {
    const bins = readdirSync(dir).filter((n) => n.endsWith('.bin') || n.endsWith('.pt') || n.endsWith('.pth'));
    const hint = bins.length
      ? ` (found ${bins.slice(0, 3).join(', ')}: PyTorch pickles are not read; convert the checkpoint to safetensors)`
      : '';
    throw new InputError(dir, `no *.safetensors weights file in the folder${hint}`);
  }
  return { indexPath: null, files: names.map((n) => join(dir, n)), weightMap: null };
}

function readIndex(dir: string, indexPath: string): WeightLayout {
  const index = readJsonObject(indexPath);
  const map = index.weight_map;
  if (!isPlainObject(map)) throw new InputError(indexPath, `must have a 'weight_map' object (tensor name -> shard file), found ${jsonKind(map)}`);
  const entries = Object.entries(map);
  if (entries.length === 0) throw new InputError(indexPath, `'weight_map' is empty`);
  const weightMap = new Map<string, string>();
  const shards = new Set<string>();
  for (const [name, shard] of entries) {
    if (typeof shard !== 'string' || shard === '' || shard !== basename(shard) || shard === '.' || shard === '..') {
      throw new InputError(indexPath, `weight_map entry for '${name}' must be a file name in the checkpoint folder, found ${quoteValue(shard)}`);
    }
    if (!shards.has(shard)) {
      if (!existsSync(join(dir, shard))) {
        throw new InputError(indexPath, `names shard file '${shard}' (for tensor '${name}'), which does not exist in ${dir}`);
      }
      shards.add(shard);
    }
    weightMap.set(name, join(dir, shard));
  }
  return { indexPath, files: [...shards].sort().map((s) => join(dir, s)), weightMap };
}
