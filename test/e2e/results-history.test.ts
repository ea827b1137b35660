// Results, History and Compare in Chromium against the real app (bridge, engine processes, SQLite)
// on the demo model: a finished study's lag plot is drawn (canvas pixels read back), changes when
// switched to a log axis, zoomed, a condition hidden and hovered (the tooltip); the plot's CSV holds
// the study's numbers and its PNG is a PNG; the study folder exports; after a server restart
// History finds the study with identical numbers; filters, rename, notes; a study duplicates into
// the New study form; two studies compare on one plot; a paused study shows its partial state; a
// delete is confirmed first. Screenshots of every screen go to test-output/screenshots/.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBridgeApi, type BridgeApi } from '../../src/shared/ipc/bridge-client';
import { smallSpec, TEST_INDUCTION } from '../app/app-fixtures';
import { waitUntil } from '../helpers/wait-for';
import { describeE2e, openWorld, type World } from './harness';

/** The parts of a page's canvas read here (this file is type-checked without the DOM library). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** Pixels of a chart canvas that are not (near) white, and a fingerprint of all of them. */
async function canvasPixels(page: Page, testId: string): Promise<{ inked: number; total: number; fingerprint: string }> {
  return page.getByTestId(testId).locator('canvas').evaluate((element) => {
    const canvas = element as unknown as CanvasLike;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (r < 235 || g < 235 || b < 235) inked++;
      hash = Math.imul(hash ^ (r + 7 * g + 49 * b), 16777619);
    }
    return { inked, total: data.length / 4, fingerprint: (hash >>> 0).toString(16) };
  });
}

/** Waits until the chart has drawn something (chart.js draws in the next animation frame). */
async function drawnPixels(page: Page, testId: string) {
  await page.getByTestId(testId).locator('canvas').waitFor();
  await page.waitForTimeout(200);
  return canvasPixels(page, testId);
}

async function download(page: Page, click: () => Promise<void>, dir: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(dir, dl.suggestedFilename());
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

async function waitForStatus(api: BridgeApi, id: number, statuses: string[]): Promise<void> {
  await waitUntil(
    async () => {
      const list = await api.studies.list({});
      if (!list.ok) throw new Error(list.error.message);
      const study = list.value.find((s) => s.id === id);
      if (study?.status === 'failed') throw new Error(`study ${id} failed: ${study.error?.message ?? ''}`);
      return study !== undefined && statuses.includes(study.status);
    },
    `study ${id} to be ${statuses.join(' or ')}`,
    { timeoutMs: 240_000, intervalMs: 250 },
  );
}

describeE2e('results, history and compare', () => {
  let world: World;
  let api: BridgeApi;
  let first = 0;
  let second = 0;
  let summaryTableText = '';

  beforeAll(async () => {
    world = await openWorld('results', { bridge: { induction: TEST_INDUCTION } });
    api = createBridgeApi(world.bridge.url, world.bridge.token);
    const a = await api.studies.create({ spec: smallSpec({ name: 'zero ablation on the demo' }) });
    const b = await api.studies.create({ spec: smallSpec({ name: 'mean ablation on the demo', groups: [{ headType: 'induction', counts: [0, 1, 2], mode: 'mean' }, { headType: 'random', counts: [1], mode: 'mean' }] }) });
    if (!a.ok || !b.ok) throw new Error('could not create the studies');
    first = a.value.id;
    second = b.value.id;
    await waitForStatus(api, first, ['done']);
    await waitForStatus(api, second, ['done']);
  });
  afterAll(async () => {
    api?.close();
    await world?.close();
  });

  it('draws the lag plot, which changes on a log axis and when zoomed; saves its CSV and PNG', async () => {
    const { page } = world;
    await world.open(`/results/${first}`);
    await page.getByTestId('results-title').waitFor();
    expect(await page.getByTestId('study-state').textContent()).toContain('Finished');
    const linear = await drawnPixels(page, 'lag-chart');
    console.log(`lag plot: ${linear.inked} of ${linear.total} pixels inked`);
    expect(linear.inked).toBeGreaterThan(linear.total * 0.01);

    await page.getByTestId('axis-log').check();
    const log = await drawnPixels(page, 'lag-chart');
    expect(log.inked).toBeGreaterThan(log.total * 0.01);
    expect(log.fingerprint).not.toBe(linear.fingerprint);

    await page.getByTestId('lag-window').fill('5');
    expect(await page.getByTestId('lag-window-value').textContent()).toBe('5');
    const zoomed = await drawnPixels(page, 'lag-chart');
    expect(zoomed.fingerprint).not.toBe(log.fingerprint);
    expect(await page.getByTestId('word-note').textContent()).toContain('the prompt of trial 1');
    await world.screenshot('results-log-zoomed');

    // The CSV holds the plotted points: lags -5..5, every condition's mean and CI, as stored.
    const csv = await download(page, () => page.getByTestId('save-lag-csv').click(), world.dir);
    const lines = csv.bytes.toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 11);
    const summary = await api.studies.summary({ id: first });
    if (!summary.ok) throw new Error(summary.error.message);
    const baseline = summary.value.conditions[0];
    const curve = baseline?.curve;
    if (!curve || !baseline) throw new Error('no baseline curve');
    expect(lines[0]?.split(',').slice(0, 4)).toEqual(['lag', baseline.condition.label, `${baseline.condition.label} ci_low`, `${baseline.condition.label} ci_high`]);
    let maxDiff = 0;
    for (const line of lines.slice(1)) {
      const [lag, mean, low, high] = line.split(',').map(Number);
      const j = curve.lags.indexOf(lag ?? NaN);
      for (const [got, want] of [[mean, curve.mean[j]], [low, curve.ciLow[j]], [high, curve.ciHigh[j]]]) maxDiff = Math.max(maxDiff, Math.abs((got ?? NaN) - (want ?? NaN)));
    }
    console.log(`lag plot CSV vs studies.summary: max |difference| ${maxDiff}`);
    expect(maxDiff).toBe(0);

    const png = await download(page, () => page.getByTestId('save-lag-png').click(), world.dir);
    expect(png.name).toMatch(/_lag_log_pm5\.png$/);
    expect(png.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    const [width, height] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    console.log(`lag plot PNG: ${png.bytes.length} bytes, ${width}×${height}`);
    expect(width).toBeGreaterThan(400);
    expect(height).toBeGreaterThan(200);

    // The legend hides a condition: fewer pixels in its colour, a different picture.
    await page.getByTestId('lag-legend').getByRole('checkbox').first().uncheck();
    const fewer = await drawnPixels(page, 'lag-chart');
    console.log(`lag plot, one condition hidden: ${fewer.inked} inked pixels (all shown: ${zoomed.inked})`);
    expect(fewer.fingerprint).not.toBe(zoomed.fingerprint);
    expect(fewer.inked).toBeLessThan(zoomed.inked);

    // Hovering draws the tooltip (chart.js draws it on the canvas) near lag 0.
    const box = await page.getByTestId('lag-chart').locator('canvas').boundingBox();
    if (!box) throw new Error('the lag plot has no box');
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.6);
    const hovered = await drawnPixels(page, 'lag-chart');
    expect(hovered.fingerprint).not.toBe(fewer.fingerprint);

    const dose = await drawnPixels(page, 'dose-chart');
    expect(dose.inked).toBeGreaterThan(dose.total * 0.01);
    summaryTableText = `${await page.getByTestId('summary-p-plus-1').innerText()}\n${await page.getByTestId('summary-shape').innerText()}`;
    expect(summaryTableText).toContain('baseline');
    expect(await page.getByTestId('provenance').innerText()).toContain('cpu');
    await world.screenshot('results');
  });

  it('exports the study folder where the user says', async () => {
    const { page } = world;
    const outDir = join(world.dir, 'exported');
    await page.getByTestId('export-dir').fill(outDir);
    await page.getByTestId('export-run').click();
    await page.getByTestId('export-done').waitFor();
    expect(existsSync(join(outDir, 'summary.csv'))).toBe(true);
    expect(existsSync(join(outDir, 'provenance.json'))).toBe(true);
    await page.getByTestId('export-dir').fill('relative/folder');
    await page.getByTestId('export-run').click();
    expect(await page.getByTestId('export-error').textContent()).toContain('outDir');
  });

  it('finds the study in History after a restart, with identical numbers', async () => {
    const { page } = world;
    await world.restart();
    await world.open('/history');
    await page.getByTestId('history-table').waitFor();
    const row = page.locator(`tr[data-study-id="${first}"]`);
    await row.getByRole('link', { name: 'zero ablation on the demo' }).click();
    await page.getByTestId('summary-shape').waitFor();
    expect(`${await page.getByTestId('summary-p-plus-1').innerText()}\n${await page.getByTestId('summary-shape').innerText()}`).toBe(summaryTableText);
  });

  it('searches and filters, renames, annotates', async () => {
    const { page } = world;
    await world.open('/history');
    await page.getByTestId('history-search').fill('mean abl');
    await page.getByTestId('history-count').filter({ hasText: /^1 study$/ }).waitFor();
    await page.getByTestId('history-search').fill('');
    await page.getByTestId('history-count').filter({ hasText: /^2 studies$/ }).waitFor();
    await page.getByRole('group', { name: 'Status' }).getByLabel('failed').check();
    await page.getByTestId('history-empty').waitFor();
    expect(await page.getByTestId('history-empty').textContent()).toContain('No study matches');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('history-table').waitFor();

    const row = page.locator(`tr[data-study-id="${first}"]`);
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByTestId('rename-input').fill('');
    await page.getByRole('button', { name: 'Save name' }).click();
    expect(await page.getByRole('alert').first().textContent()).toContain('Name');
    await page.getByTestId('rename-input').fill('zero ablation, renamed');
    await page.getByRole('button', { name: 'Save name' }).click();
    await row.getByRole('link', { name: 'zero ablation, renamed' }).waitFor();

    await row.getByRole('button', { name: 'Notes' }).click();
    await page.getByTestId('notes-input').fill('baseline looks right');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await row.getByText('baseline looks right').waitFor();
    const listed = await api.studies.list({ text: 'looks right' });
    expect(listed.ok && listed.value.map((s) => [s.id, s.name])).toEqual([[first, 'zero ablation, renamed']]);
    await world.screenshot('history');
  });

  it('duplicates a study into the New study form', async () => {
    const { page } = world;
    await world.open('/history');
    await page.locator(`tr[data-study-id="${second}"]`).getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { level: 1, name: 'New study' }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('mean ablation on the demo (copy)');
  });

  it('compares two studies on one plot with the comparison table', async () => {
    const { page } = world;
    await world.open('/history');
    await page.getByTestId('history-table').waitFor();
    for (const id of [first, second]) await page.locator(`tr[data-study-id="${id}"]`).getByRole('checkbox').check();
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-table').waitFor();
    const rows = await page.getByTestId('compare-table').locator('tbody tr').count();
    expect(rows).toBe(4); // two studies × head counts 1 and 2
    const legend = await page.getByTestId('lag-legend').getByRole('checkbox').count();
    expect(legend).toBe(8); // 4 conditions per study
    const plot = await drawnPixels(page, 'lag-chart');
    expect(plot.inked).toBeGreaterThan(plot.total * 0.01);
    const csv = await download(page, () => page.getByTestId('save-compare-csv').click(), world.dir);
    expect(csv.bytes.toString('utf8').split('\n')[0]).toMatch(/^study_id,study,model,mode,layer_abl,n_heads/);
    await world.screenshot('compare');
  });

  it('shows a paused study as partial; deletes a study after confirmation', async () => {
    const { page } = world;
    const created = await api.studies.create({ spec: smallSpec({ name: 'long study', permutations: 400 }) });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    await new Promise<void>((resolve) => {
      const stop = api.on('study.progress', (p) => {
        if (p.studyId === id && p.phase === 'running' && p.done > 0) {
          stop();
          resolve();
        }
      });
    });
    const paused = await api.queue.pause({ id });
    expect(paused.ok).toBe(true);
    await waitForStatus(api, id, ['paused']);
    await world.open(`/results/${id}`);
    await page.getByTestId('study-state').waitFor();
    expect(await page.getByTestId('study-state').textContent()).toContain('Paused — PARTIAL');
    const partial = await drawnPixels(page, 'lag-chart');
    expect(partial.inked).toBeGreaterThan(partial.total * 0.01);
    await page.getByTestId('export-partial').waitFor();
    await world.screenshot('results-partial');

    await world.open('/history');
    const row = page.locator(`tr[data-study-id="${id}"]`);
    await row.getByRole('button', { name: 'Delete' }).click();
    await world.screenshot('history-delete-confirm');
    await page.getByTestId('confirm-delete').click();
    await row.waitFor({ state: 'detached' });
    const summary = await api.studies.summary({ id });
    expect(summary.ok ? null : summary.error.kind).toBe('not-found');
    expect(world.pageErrors).toEqual([]);
  });
});
