// Headless figure export: draws a chart spec from src/shared/chart with chart.js on @napi-rs/canvas
// and encodes a PNG. 6.4 x 4.8 in at 300 dpi-equivalent: 640 x 480 CSS px x devicePixelRatio 3.

import { Chart, registerables, type ChartConfiguration, type ChartItem, type ChartType } from 'chart.js';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { writeFileAtomic } from './output-files';

export interface PngOptions {
  /** CSS pixels (default 640 x 480). */
  width?: number;
  height?: number;
  /** Output pixels per CSS pixel (default 3 -> 1920 x 1440). */
  pixelRatio?: number;
}

/** Families tried in order; Debian's fonts-dejavu-core provides DejaVu Sans. */
const FONT_CANDIDATES = ['DejaVu Sans', 'Liberation Sans', 'Arial', 'Helvetica', 'Noto Sans', 'FreeSans'];

let prepared = false;

function prepareChartJs(): void {
  if (prepared) return;
  Chart.register(...registerables);
  const available = new Set(GlobalFonts.families.map((f) => f.family));
  const family = FONT_CANDIDATES.find((f) => available.has(f));
  // Chart.js's default stack names fonts Skia may not find; name one that exists, then fall back.
  Chart.defaults.font.family = family ? `'${family}', sans-serif` : 'sans-serif';
  Chart.defaults.color = '#333333';
  prepared = true;
}

/** Whether any usable text font is registered (labels are invisible without one). */
export function hasTextFont(): boolean {
  return GlobalFonts.families.length > 0;
}

/** Draws `spec` and returns PNG bytes. The spec is not modified. */
export async function renderChartPng<T extends ChartType, D>(
  spec: ChartConfiguration<T, D>,
  options: PngOptions = {},
): Promise<Buffer> {
  prepareChartJs();
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const ratio = options.pixelRatio ?? 3;
  const canvas = createCanvas(width, height);
  const config = {
    ...spec,
    options: { ...spec.options, responsive: false, animation: false, devicePixelRatio: ratio, events: [] },
  } as ChartConfiguration<T, D>;
  // chart.js only needs a 2D context and the canvas size; napi-rs's canvas provides both.
  const chart = new Chart(canvas as unknown as ChartItem, config);
  try {
    chart.draw();
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

export async function writeChartPng<T extends ChartType, D>(
  path: string,
  spec: ChartConfiguration<T, D>,
  options?: PngOptions,
): Promise<void> {
  // The folder exists (the export creates it); the file appears only once complete.
  await writeFileAtomic(path, await renderChartPng(spec, options));
}
