// Figure titles built from the study vocabulary's plain-language words (../study/labels.ts), so
// every figure names the parameters a reader needs: model, head type, mode, layers, trials.

import type { AblationMode, HeadType, LayerRange } from '../study/types';
import { countOf, HEAD_TYPE_LABELS, LAYER_RANGE_LABELS, MODE_LABELS } from '../study/labels';

export function headTypeLabel(type: HeadType | 'none'): string {
  return type === 'none' ? 'baseline' : HEAD_TYPE_LABELS[type];
}

export function modeLabel(mode: AblationMode): string {
  return MODE_LABELS[mode];
}

export interface StudyTitleParams {
  model: string;
  mode: AblationMode;
  layerRange: LayerRange;
  trials: number;
  headType?: HeadType;
  seed?: number;
}

/** Title and subtitle naming every parameter a reader needs to interpret a figure. */
export function studyTitle(p: StudyTitleParams): { title: string; subtitle: string } {
  const what = p.headType ? `${headTypeLabel(p.headType)}, ` : '';
  const seed = p.seed === undefined ? '' : ` · seed ${p.seed}`;
  const layers = p.layerRange === 'full' ? 'all layers' : `layers: ${LAYER_RANGE_LABELS[p.layerRange]}`;
  return {
    title: `${p.model} — ${what}${modeLabel(p.mode)}`,
    subtitle: `${layers} · ${countOf(p.trials, 'trial')}${seed} · bands: 95% CI over trials`,
  };
}
