// Headless PNG export: decode what renderChartPng wrote and check its size, that the lines are drawn
// in their palette colours, and that the title text rendered (a font was found).

import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { BASELINE_COLOR, lagChartSpec, PALETTE } from '../../src/shared/chart';
import { hasTextFont, renderChartPng } from '../../src/main/export/png';
import { syntheticCurve } from './fixtures';
import { at } from '../../src/shared/checked';

async function decode(png: Buffer) {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Pixels within `tol` of a colour, in rows [y0, y1). */
function countColor(img: { width: number; data: Uint8ClampedArray }, color: [number, number, number], tol = 12, y0 = 0, y1 = Infinity) {
  let n = 0;
  const rows = Math.min(y1, img.data.length / 4 / img.width);
  for (let p = y0 * img.width; p < rows * img.width; p++) {
    const i = p * 4;
    if (Math.abs(at(img.data, i) - color[0]) <= tol && Math.abs(at(img.data, i + 1) - color[1]) <= tol && Math.abs(at(img.data, i + 2) - color[2]) <= tol) n++;
  }
  return n;
}

describe('renderChartPng', () => {
  it('renders a 1920 x 1440 opaque figure with both lines and the title', async () => {
    const spec = lagChartSpec({
      curves: [
        { label: 'baseline', curve: syntheticCurve(41, 0.4), color: BASELINE_COLOR },
        { label: '5 induction heads', curve: syntheticCurve(41, 0.1, 0.05), color: PALETTE[1] },
      ],
      title: 'A TITLE WITH TEXT',
      subtitle: 'parameters',
    });
    const png = await renderChartPng(spec);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const img = await decode(png);
    expect([img.width, img.height]).toEqual([1920, 1440]);

    const total = img.width * img.height;
    const white = countColor(img, [255, 255, 255], 2);
    const vermillion = countColor(img, rgb(at(PALETTE, 1)));
    const nearBlack = countColor(img, rgb(BASELINE_COLOR), 20);
    console.log(`non-white ${total - white} of ${total}; vermillion ${vermillion}; near-black ${nearBlack}`);
    // Opaque white background (no transparent pixels), mostly white, with both lines present.
    let transparent = 0;
    for (let i = 3; i < img.data.length; i += 4) if (at(img.data, i) < 255) transparent++;
    expect(transparent).toBe(0);
    expect(white / total).toBeGreaterThan(0.5);
    expect(vermillion).toBeGreaterThan(2000);
    expect(nearBlack).toBeGreaterThan(2000);
    // The title sits in the top 5% of the image: dark text pixels there mean a font rendered.
    expect(hasTextFont()).toBe(true);
    const titleInk = countColor(img, [0x33, 0x33, 0x33], 40, 0, Math.floor(img.height * 0.05));
    expect(titleInk).toBeGreaterThan(500);
  });

  it('honours size and pixel ratio', async () => {
    const spec = lagChartSpec({ curves: [{ label: 'a', curve: syntheticCurve(11, 0.3) }], title: 'T' });
    const img = await decode(await renderChartPng(spec, { width: 300, height: 200, pixelRatio: 2 }));
    expect([img.width, img.height]).toEqual([600, 400]);
    expect(countColor(img, rgb(at(PALETTE, 0)))).toBeGreaterThan(100);
  });
});
