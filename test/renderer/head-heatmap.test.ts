// @vitest-environment happy-dom
// The induction-score heatmap: one cell per layer × head, shaded by score relative to the best,
// grey where a head has no score; hovering tells layer, head, score and rank; highlighted heads
// (a condition's) are outlined and named.
import { mount } from '@vue/test-utils';
import { expect, it } from 'vitest';
import HeadHeatmap from '../../src/renderer/src/components/HeadHeatmap.vue';

const scores = [
  { layer: 1, head: 2, score: 0.9 },
  { layer: 0, head: 0, score: 0.45 },
  { layer: 1, head: 0, score: 0 },
];

it('draws every head, shades by score, tells a hovered cell and outlines the highlighted heads', async () => {
  const wrapper = mount(HeadHeatmap, { props: { layers: 2, heads: 3, scores, highlight: [{ layer: 0, head: 0 }], highlightLabel: 'silenced in k=1' } });
  const cells = wrapper.findAll('.cell');
  expect(cells).toHaveLength(6);
  const cell = (l: number, h: number) => wrapper.get(`.cell[data-layer="${l}"][data-head="${h}"]`);
  expect(cell(1, 2).attributes('style')).toContain('background: rgb(31, 74, 180)');
  expect(cell(0, 0).attributes('style')).toContain('background: rgb(143, 165, 218)');
  expect(cell(1, 0).attributes('style')).toContain('background: rgb(255, 255, 255)');
  expect(cell(0, 1).attributes('style')).toContain('background: #d0d3d9');
  expect(cell(0, 1).attributes('aria-label')).toBe('Layer 0, head 1: no score');
  await cell(1, 2).trigger('mouseenter');
  expect(wrapper.get('.heatmap-readout').text()).toBe('Layer 1, head 2: score 0.9000 (rank 1 of 3)');
  expect(cell(0, 0).classes()).toContain('lit');
  expect(cell(1, 2).classes()).not.toContain('lit');
  expect(cell(0, 0).attributes('title')).toBe('Layer 0, head 0: score 0.4500 (rank 2 of 3) — silenced in k=1');
});
