// Plain-language wording of the study vocabulary, shared by the UI, the CLI and exported tables.
// The seed's layer-range names (`top` = lower half) are confusing, so people only ever see these.

import type { AblationMode, HeadType, LayerRange } from './types';

export const LAYER_RANGE_LABELS: Record<LayerRange, string> = {
  full: 'all layers',
  top: 'lower half (near input)',
  bottom: 'upper half (near output)',
};

export const HEAD_TYPE_LABELS: Record<HeadType, string> = {
  induction: 'induction heads',
  random: 'random heads',
};

export const MODE_LABELS: Record<AblationMode, string> = {
  zero: 'zero ablation',
  mean: 'mean ablation',
};

export function layerRangeLabel(range: LayerRange): string {
  return LAYER_RANGE_LABELS[range];
}

/** "1 head", "5 heads": a count with its noun in the right number (nouns that take an "s"). */
export function countOf(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** "5 induction heads" / "1 random head (draw 2 of 5)". */
export function headCountLabel(headType: HeadType, count: number, draw = 0, draws = 1): string {
  const noun = HEAD_TYPE_LABELS[headType];
  const text = `${count} ${count === 1 ? noun.slice(0, -1) : noun}`;
  return draws > 1 ? `${text} (draw ${draw + 1} of ${draws})` : text;
}
