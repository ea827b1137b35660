// Colour-blind-friendly palette (Okabe & Ito, 2008) shared by the screen and exported figures, so a
// condition keeps its colour everywhere. Yellow comes last: it is hard to see on white.

import { at } from '../checked';

/** Baseline (k = 0) is always drawn in near-black. */
export const BASELINE_COLOR = '#222222';

/** Line colours in the order they are handed out. */
export const PALETTE: readonly string[] = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#F0E442', // yellow
];

/** Group colours for the dose-response plot. */
export const GROUP_COLORS: Readonly<Record<'induction' | 'random', string>> = {
  induction: '#D55E00',
  random: '#0072B2',
};

export function paletteColor(index: number): string {
  return at(PALETTE, ((index % PALETTE.length) + PALETTE.length) % PALETTE.length);
}

/** `#rrggbb` + alpha -> `rgba(r, g, b, a)` (chart.js accepts any CSS colour). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = m.slice(1, 4).map((h) => parseInt(h, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
