// Turns ablation rows (which heads, how) into the graph's head-control inputs:
// z_h = keep_h * attention_h + uniform_h * windowed_mean(v_h), so (keep, uniform) is
// (1, 0) normal, (0, 0) zero ablation, (0, 1) mean ablation; fractional doses come for free.
// With the value bias kept (TransformerLens's folding), a gated head also adds (1 - keep - uniform)
// times its b_V: the part of the bias its gated attention no longer carries.

import { InputError } from '../../shared/errors';
import type { HeadRef, ModelSpec } from '../../shared/model-spec';
import type { AblationRow } from './engine-types';

/** Explicit weights for a dose-response row; they override the row's mode for its heads. */
export interface HeadDose {
  keep: number;
  uniform: number;
}

export type HeadControlRow = AblationRow & { dose?: HeadDose };

export interface HeadControls {
  /** [B, L, H] */
  headKeep: Float32Array;
  /** [B, L, H] */
  headUniform: Float32Array;
  /** [B, L, H]: weight of each head's value bias added to its output (all 0 when removed). */
  headValueBias: Float32Array;
}

/** What zero ablation does to a head's value bias: removed with its output, or kept (TransformerLens). */
export type ValueBiasChoice = 'keep' | 'remove';

const MODE_WEIGHTS: Record<AblationRow['mode'], HeadDose> = {
  none: { keep: 1, uniform: 0 },
  zero: { keep: 0, uniform: 0 },
  mean: { keep: 0, uniform: 1 },
};

/** Throws InputError(source, ...) naming the first head that is not in the model. */
export function validateHeads(
  spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>,
  heads: readonly HeadRef[],
  source = 'spec.heads',
): void {
  for (const { layer, head } of heads) {
    const shape = `the model has ${spec.nLayers} layers (0-${spec.nLayers - 1}) x ${spec.nHeads} heads (0-${spec.nHeads - 1})`;
    if (!Number.isInteger(layer) || layer < 0 || layer >= spec.nLayers) {
      throw new InputError(source, `head (layer ${layer}, head ${head}): layer out of range; ${shape}`);
    }
    if (!Number.isInteger(head) || head < 0 || head >= spec.nHeads) {
      throw new InputError(source, `head (layer ${layer}, head ${head}): head out of range; ${shape}`);
    }
  }
}

function validateDose(dose: HeadDose, source: string, row: number): void {
  for (const [name, value] of Object.entries(dose)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InputError(source, `row ${row}: dose.${name} must be a finite number >= 0, got ${value}`);
    }
  }
}

/** One row per batch element; heads not listed in a row keep (1, 0). */
export function buildHeadControls(
  spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>,
  rows: readonly HeadControlRow[],
  source = 'spec.heads',
  valueBias: ValueBiasChoice = 'remove',
): HeadControls {
  const { nLayers: L, nHeads: H } = spec;
  const headKeep = new Float32Array(rows.length * L * H).fill(1); // [B, L, H]
  const headUniform = new Float32Array(rows.length * L * H); // [B, L, H]
  const headValueBias = new Float32Array(rows.length * L * H); // [B, L, H]
  rows.forEach((row, b) => {
    const weights = row.dose ?? MODE_WEIGHTS[row.mode];
    if (!weights) throw new InputError(source, `row ${b}: unknown ablation mode "${row.mode}"`);
    if (row.dose) validateDose(row.dose, source, b);
    validateHeads(spec, row.heads, source);
    for (const { layer, head } of row.heads) {
      const i = (b * L + layer) * H + head;
      headKeep[i] = weights.keep;
      headUniform[i] = weights.uniform;
      if (valueBias === 'keep') headValueBias[i] = 1 - weights.keep - weights.uniform;
    }
  });
  return { headKeep, headUniform, headValueBias };
}
