// A checkpoint folder summarised for the Models screen, without hashing or compiling: its shape
// (from config.json, through its family), weight files with sizes and dtypes, whether a tokenizer
// is there, and, instead of throwing, the problem that makes it unusable.

import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isInputError } from '../../shared/errors';
import type { ModelShape } from '../../shared/ipc/models';
import type { ModelSpec } from '../../shared/model-spec';
import { openCheckpoint } from '../engine/checkpoint';
import { resolveFamily } from '../engine/families/registry';

export interface CheckpointSummary {
  spec: ModelSpec | null;
  shape: ModelShape | null;
  files: { name: string; sizeBytes: number; dtype: string | null }[];
  /** Distinct weight dtypes, e.g. "BF16" or "F32+F16". */
  weightsDtype: string | null;
  sizeBytes: number | null;
  tokenizer: boolean;
  /** Why it cannot be used (missing config, unsupported family, unreadable weights), or null. */
  problem: string | null;
}

export function shapeOf(spec: ModelSpec): ModelShape {
  return {
    family: spec.family,
    modelType: spec.modelType,
    nLayers: spec.nLayers,
    nHeads: spec.nHeads,
    nKvHeads: spec.nKvHeads,
    headDim: spec.headDim,
    hiddenSize: spec.hiddenSize,
    vocabSize: spec.vocabSize,
    maxPositions: spec.maxPositions,
  };
}

export function summarizeCheckpoint(dir: string): CheckpointSummary {
  const tokenizer = existsSync(join(dir, 'tokenizer.json'));
  const empty = { spec: null, shape: null, files: [], weightsDtype: null, sizeBytes: null, tokenizer };
  let checkpoint;
  try {
    checkpoint = openCheckpoint(dir);
  } catch (err) {
    return { ...empty, problem: problemOf(err) };
  }
  try {
    const dtypes = new Map<string, Set<string>>();
    for (const t of checkpoint.tensors.values()) {
      const set = dtypes.get(t.file) ?? new Set<string>();
      set.add(t.dtype);
      dtypes.set(t.file, set);
    }
    const files = checkpoint.weightFiles.map((file) => ({
      name: basename(file),
      sizeBytes: statSync(file).size,
      dtype: [...(dtypes.get(file) ?? [])].sort().join('+') || null,
    }));
    const all = [...new Set(files.flatMap((f) => (f.dtype ? f.dtype.split('+') : [])))].sort();
    const base = { ...empty, files, weightsDtype: all.join('+') || null, sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0) };
    try {
      const spec = resolveFamily(checkpoint.config, checkpoint.configPath).parseConfig(checkpoint.config, checkpoint.configPath);
      return { ...base, spec, shape: shapeOf(spec), problem: null };
    } catch (err) {
      return { ...base, problem: problemOf(err) };
    }
  } finally {
    checkpoint.close();
  }
}

function problemOf(err: unknown): string {
  if (isInputError(err)) return err.message;
  throw err;
}
