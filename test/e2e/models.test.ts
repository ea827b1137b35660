// The Models screen in Chromium on the bundled demo model: it is listed before it is added, Add
// hashes it (checksum shown), induction scores are computed with a progress bar and drawn as a
// layer × head heatmap whose cells tell their score, the table sorts, and a bad folder or CSV gets
// its message in place.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TEST_INDUCTION } from '../app/app-fixtures';
import { describeE2e, suiteWorld } from './harness';

describeE2e('Models screen', () => {
  const world = suiteWorld('models', { bridge: { induction: TEST_INDUCTION } });

  it('adds the demo model and shows its shape and checksum', async () => {
    const { page } = world();
    await world().open('/models');
    const row = page.locator('tr[data-model="demo-induction"]');
    await expect.poll(() => row.textContent()).toContain('not added');
    expect(await row.textContent()).toContain('4 × 8');
    await row.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('heading', { level: 2, name: 'demo-induction' }).waitFor();
    expect(page.url()).toMatch(/#\/models\/\d+$/);
    const checksum = await page.locator('dt:has-text("Checksum") + dd').textContent();
    expect(checksum?.trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('computes induction scores and draws them as a heatmap and a sortable table', async () => {
    const { page } = world();
    await page.getByRole('button', { name: 'Compute scores' }).click();
    await page.locator('.heatmap .cell').first().waitFor();
    expect(await page.locator('.heatmap .cell').count()).toBe(32);
    const cell = page.locator('.heatmap .cell[data-layer="1"][data-head="2"]');
    await cell.hover();
    expect(await page.locator('.heatmap-readout').textContent()).toMatch(/^Layer 1, head 2: score -?\d\.\d{4} \(rank \d+ of 32\)/);
    const scores = async () => (await page.locator('.score-table tbody td:nth-child(4)').allTextContents()).map(Number);
    const byRank = await scores();
    expect(byRank).toEqual([...byRank].sort((a, b) => b - a));
    await page.getByRole('button', { name: /^Score/ }).click();
    await page.getByRole('button', { name: /^Score/ }).click();
    const ascending = await scores();
    expect(ascending).toEqual([...byRank].sort((a, b) => a - b));
    // Computing scores compiled the patterns graph: the shown details say so without a reload.
    await expect.poll(() => page.locator('.graph').filter({ hasText: /^patterns float32/ }).textContent()).not.toContain('not cached');
    await world().screenshot('models');
  });

  it('shows, in New study, the heads each condition silences on the heatmap of these scores', async () => {
    const { page } = world();
    const modelRoute = new URL(page.url()).hash.slice(1);
    await world().open('/new?preset=demo');
    const preview = page.locator('.preview');
    await preview.locator('.heatmap').waitFor();
    // The first ablated condition (1 induction head) is outlined; choosing 4 heads outlines 4.
    await expect.poll(() => preview.locator('.cell.lit').count()).toBe(1);
    const fourHeads = preview.locator('tr').filter({ hasText: '4 induction heads' });
    expect(await fourHeads.locator('.heads').textContent()).toMatch(/^L\d+H\d+(, L\d+H\d+){3}$/);
    await fourHeads.getByRole('radio').check();
    await expect.poll(() => preview.locator('.cell.lit').count()).toBe(4);
    const listed = ((await fourHeads.locator('.heads').textContent()) ?? '').split(', ').sort();
    const lit = await preview.locator('.cell.lit').evaluateAll((cells) => cells.map((c) => `L${c.getAttribute('data-layer')}H${c.getAttribute('data-head')}`));
    expect(lit.sort()).toEqual(listed);
    await world().screenshot('new-study-heads');
    await world().open(modelRoute);
  });

  it('says what is wrong with a bad folder and a bad CSV, in place', async () => {
    const { page } = world();
    await page.getByLabel('Add a checkpoint folder').fill(join(world().dir, 'no-such-model'));
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const addError = page.locator('.add-model .error-message');
    await addError.waitFor();
    expect(await addError.textContent()).toContain('no-such-model');
    const csv = join(world().dir, 'bad-scores.csv');
    writeFileSync(csv, 'layer,head\n0,1\n');
    await page.getByLabel('or import a CSV').fill(csv);
    await page.getByRole('button', { name: 'Import scores' }).click();
    const csvError = page.locator('section[aria-labelledby="scores-heading"] .error-message');
    await csvError.waitFor();
    expect(await csvError.textContent()).toContain('bad-scores.csv');
    await world().screenshot('models-errors');
    expect(world().pageErrors).toEqual([]);
  });
});
