// The New study form in Chromium on the demo model: invalid values get their messages next to the
// fields and in the summary (from the main process's validation, as the user types); the paper's
// preset is scaled to the demo model and says how; the demo preset shows the heads each condition
// silences on the heatmap and an estimated time, and Run puts the study in the queue.
import { expect, it } from 'vitest';
import { TEST_INDUCTION } from '../app/app-fixtures';
import { describeE2e, suiteWorld } from './harness';

describeE2e('New study screen', () => {
  const world = suiteWorld('new-study', { bridge: { induction: TEST_INDUCTION } });

  it('shows field messages for invalid input, and refuses to run it', async () => {
    const { page } = world();
    await world().open('/new');
    await page.getByLabel('Model').selectOption({ label: 'demo-induction (4 × 8 heads)' });
    await page.getByLabel('Trials (permutations)').fill('-3');
    await page.getByLabel('Head counts').fill('0-1-x');
    const trialsError = page.locator('#f-permutations-error');
    await trialsError.waitFor();
    expect(await trialsError.textContent()).toBe('must be a positive integer, got -3');
    expect(await page.locator('#f-groups-0-counts-error').textContent()).toMatch(/bad part .x./);
    expect(await page.getByLabel('Trials (permutations)').getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Run' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Trials (permutations): must be a positive integer, got -3');
    await world().screenshot('new-study-invalid');
    expect(page.url()).toContain('#/new');
  });

  it('scales the paper preset to the demo model and says so', async () => {
    const { page } = world();
    await page.getByRole('button', { name: 'Reproduce the paper' }).click();
    const note = page.locator('.note[role="status"]');
    await note.waitFor();
    expect(await note.textContent()).toContain("Scaled to this model's 32 heads: heads considered 50 → 16");
    expect(await page.getByLabel('Trials (permutations)').inputValue()).toBe('300');
    await page.getByRole('heading', { name: 'What will run' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
  });

  it('previews the demo preset: conditions, heads on the heatmap, run time; Run queues it', async () => {
    const { page } = world();
    await page.getByRole('button', { name: 'Quick demo' }).click();
    await page.getByLabel('Trials (permutations)').fill('4');
    await expect.poll(() => page.locator('.preview .estimate').textContent()).toMatch(/25 conditions × 4 trials = 100 rows/);
    await world().screenshot('new-study');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    expect(world().pageErrors).toEqual([]);
  });
});
