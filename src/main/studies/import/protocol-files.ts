// Prompts and head lists made by another tool, run exactly as given: `run --trials trials.json`
// (a list of token-id lists) and `--heads heads.json` (a list of [layer, head] pairs, or a heads
// file as the seed script and our exports write it, whose `heads` list is used). `probe` reads the
// same formats. Every problem is an InputError naming the file.

import { InputError, quoteValue } from '../../../shared/errors';
import type { HeadRef, ModelSpec } from '../../../shared/model-spec';
import { validateHeads } from '../../engine/head-controls';
import { isPlainObject, readJsonFile } from '../../json-file';

/** Prompts: a non-empty array of equal-length, non-empty arrays of token ids below the vocabulary size. */
export function validatePrompts(json: unknown, vocabSize: number, file: string, maxPositions = Infinity): number[][] {
  if (!Array.isArray(json) || json.length === 0) throw new InputError(file, 'must be a non-empty JSON array of prompts (arrays of token ids)');
  const seqLen = Array.isArray(json[0]) ? json[0].length : 0;
  if (seqLen > maxPositions) throw new InputError(file, `prompts of ${seqLen} tokens exceed the model's ${maxPositions} positions (max_position_embeddings)`);
  json.forEach((prompt: unknown, p) => {
    if (!Array.isArray(prompt)) throw new InputError(file, `prompt ${p} is not an array of token ids`);
    if (prompt.length === 0) throw new InputError(file, `prompt ${p} is empty`);
    if (prompt.length !== seqLen) throw new InputError(file, `prompt ${p} has ${prompt.length} tokens, prompt 0 has ${seqLen}: all prompts must have the same length`);
    prompt.forEach((id: unknown, s) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InputError(file, `prompt ${p}, position ${s}: ${quoteValue(id)} is not a token id (vocabulary size ${vocabSize})`);
      }
    });
  });
  return json as number[][];
}

/** A trials file: prompts as validatePrompts checks them, each at least 3 tokens (lags -1, 0 and +1). */
export function readTrialsFile(file: string, vocabSize: number, maxPositions = Infinity): number[][] {
  const trials = validatePrompts(readJsonFile(file), vocabSize, file, maxPositions);
  if ((trials[0]?.length ?? 0) < 3) throw new InputError(file, `prompts must have at least 3 tokens (lags -1, 0 and +1), got ${trials[0]?.length ?? 0}`);
  return trials;
}

/**
 * Heads: a JSON array of [layer, head] pairs (or {layer, head} objects), or an object whose `heads`
 * holds that array (the seed script's heads JSON); checked against the model, each head once.
 */
export function readHeadsFile(file: string, spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>): HeadRef[] {
  const raw = readJsonFile(file);
  const json = isPlainObject(raw) && 'heads' in raw ? raw.heads : raw;
  if (!Array.isArray(json)) throw new InputError(file, 'must be a JSON array of [layer, head] pairs, or an object whose "heads" is one');
  const heads = json.map((item: unknown, i): HeadRef => {
    if (Array.isArray(item) && item.length === 2) return { layer: item[0], head: item[1] };
    if (item && typeof item === 'object' && 'layer' in item && 'head' in item) return { layer: item.layer as number, head: item.head as number };
    throw new InputError(file, `entry ${i} is ${quoteValue(item)}, expected a [layer, head] pair`);
  });
  validateHeads(spec, heads, file);
  const seen = new Set<string>();
  heads.forEach(({ layer, head }, i) => {
    const key = `${layer},${head}`;
    if (seen.has(key)) throw new InputError(file, `entry ${i}: head (${layer}, ${head}) is listed twice`);
    seen.add(key);
  });
  return heads;
}
