// Small inline chart.js plugins carried inside a chart spec (no plugin packages): a dashed vertical
// marker line at x = 0 and an opaque background, so the PNG export and the screen draw the same.

import type { Chart, Plugin } from 'chart.js';

/** Dashed vertical line at x = `value` on the x scale (the repeated token's position, lag 0). */
export function verticalLinePlugin(value = 0, color = '#000000'): Plugin<'line'> {
  return {
    id: 'lagZeroLine',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const x = chart.scales.x;
      if (!x || value < x.min || value > x.max) return;
      const px = x.getPixelForValue(value);
      const { top, bottom } = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = 0.8;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      ctx.restore();
    },
  };
}

/** Fills the whole canvas before drawing (a transparent PNG looks broken in most viewers). */
export function backgroundPlugin(color: string): Plugin<'line'> {
  return {
    id: 'canvasBackground',
    beforeDraw(chart: Chart<'line'>) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}
