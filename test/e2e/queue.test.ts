// A researcher's way through the app in Chromium, on the demo model: the start screen leads to the
// demo preset; a short study (8 trials, counts 0-1-2) runs to 100% in the Queue; a long one is
// paused, resumed, survives a server restart with the queue as it was (the waiting study still
// behind it), and is cancelled after a confirmation.
import { expect, it } from 'vitest';
import { rowsDone, runDemoStudy } from './flows';
import { TEST_INDUCTION } from '../app/app-fixtures';
import { describeE2e, suiteWorld } from './harness';

describeE2e('Queue screen', () => {
  const world = suiteWorld('queue', { bridge: { induction: TEST_INDUCTION } });

  it('leads a new user from the start screen to the demo preset', async () => {
    const { page } = world();
    await world().open('/');
    await page.getByRole('heading', { name: 'Ablation Studio' }).waitFor();
    expect(await page.locator('.step').first().textContent()).toContain('demo model');
    await world().screenshot('home');
    await page.getByRole('link', { name: 'Quick demo' }).click();
    await page.getByRole('heading', { level: 1, name: 'New study' }).waitFor();
    await expect.poll(() => page.getByLabel('Name').inputValue()).toBe('Demo: induction vs random heads');
    expect(await page.getByLabel('Model').inputValue()).toMatch(/demo-induction$/);
  });

  it('runs a short study to 100% and links its results', async () => {
    const { page } = world();
    await runDemoStudy(world(), { name: 'short demo', permutations: 8, counts: '0-1-2' });
    const finished = page.locator('.finished-entry').filter({ hasText: 'short demo' });
    await finished.waitFor({ timeout: 240_000 });
    expect(await finished.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('100');
    expect(await finished.textContent()).toContain('done');
    await world().screenshot('queue-finished');
    await finished.getByRole('link', { name: 'Open results' }).click();
    await page.getByRole('heading', { level: 1, name: 'short demo' }).waitFor();
    expect(page.url()).toMatch(/#\/results\/\d+$/);
  });

  it('pauses, resumes, keeps the queue over a server restart, and cancels after asking', async () => {
    const { page } = world();
    await runDemoStudy(world(), { name: 'long demo', permutations: 300, counts: '0-1-2-4-8' });
    await runDemoStudy(world(), { name: 'waiting demo', permutations: 8, counts: '0-1' });
    const running = page.locator('article.running');
    await running.waitFor({ timeout: 240_000 });
    const longId = (await running.getAttribute('data-study')) ?? '';
    await expect.poll(() => rowsDone(page, longId), { timeout: 240_000 }).toBeGreaterThan(0);
    expect(await page.locator('.waiting-entry').first().textContent()).toContain('waiting demo');
    expect(await running.locator('.phase').textContent()).toBe('Running trials');
    expect(await running.locator('.rate').textContent()).toMatch(/rows\/s/);
    // The sidebar's bar follows the rows done too, not only the queue state of when the study started.
    await expect.poll(() => page.locator('.sidebar-progress progress').evaluate((el) => (el as unknown as { value: number }).value)).toBeGreaterThan(0);
    await world().screenshot('queue-running');

    await running.getByRole('button', { name: 'Pause' }).click();
    const paused = page.locator(`.stopped-entry[data-study="${longId}"]`);
    await paused.waitFor({ timeout: 120_000 });
    expect(await paused.locator('.status').textContent()).toBe('paused');
    await world().screenshot('queue-paused');
    // The waiting study runs while the long one is paused; then the long one goes back in line.
    await paused.getByRole('button', { name: 'Resume' }).click();
    await page.locator(`article.running[data-study="${longId}"]`).waitFor({ timeout: 240_000 });

    await world().restart();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    await page.locator(`article.running[data-study="${longId}"]`).waitFor({ timeout: 120_000 });
    await expect.poll(() => rowsDone(page, longId), { timeout: 240_000 }).toBeGreaterThan(0);

    await page.locator('article.running').getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this study?' });
    await dialog.waitFor();
    await world().screenshot('queue-cancel-confirm');
    await dialog.getByRole('button', { name: 'Keep running' }).click();
    expect(await page.locator(`article.running[data-study="${longId}"]`).count()).toBe(1);
    await page.locator('article.running').getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByRole('button', { name: 'Cancel the study' }).click();
    // Cancelled studies leave the queue; the screen keeps showing how they ended.
    const cancelled = page.locator(`.finished-entry[data-study="${longId}"]`);
    await cancelled.waitFor({ timeout: 120_000 });
    expect(await cancelled.locator('.status').textContent()).toBe('cancelled');
    await expect.poll(() => page.locator('article.running').count(), { timeout: 60_000 }).toBe(0);
    await world().screenshot('queue');
    expect(world().pageErrors).toEqual([]);
  });
});
