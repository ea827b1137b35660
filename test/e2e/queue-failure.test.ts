// A failed study in the Queue, in Chromium: the engine process is killed while a study runs; the
// Queue shows the study as failed with the reason, the app carries on, and Retry runs the study to
// the end.
import { expect, it } from 'vitest';
import { rowsDone, runDemoStudy } from './flows';
import { TEST_INDUCTION, recordingSpawner } from '../app/app-fixtures';
import { describeE2e, suiteWorld } from './harness';

describeE2e('a failed study in the Queue', () => {
  const enginePids: number[] = [];
  const world = suiteWorld('queue-failure', { bridge: { induction: TEST_INDUCTION, spawner: recordingSpawner(enginePids) } });

  it('shows the failure with its reason, and Retry runs the study to the end', async () => {
    const { page } = world();
    await runDemoStudy(world(), { name: 'engine killed', permutations: 60, counts: '0-1-2-4-8' });
    const running = page.locator('article.running');
    await running.waitFor({ timeout: 240_000 });
    const id = (await running.getAttribute('data-study')) ?? '';
    await expect.poll(() => rowsDone(page, id), { timeout: 240_000 }).toBeGreaterThan(0);
    const engine = enginePids.at(-1);
    expect(engine).toBeDefined();
    process.kill(engine ?? 0, 'SIGKILL');

    const failed = page.locator(`.stopped-entry[data-study="${id}"]`);
    await failed.waitFor({ timeout: 120_000 });
    expect(await failed.locator('.status').textContent()).toBe('failed');
    expect((await failed.getByRole('alert').textContent())?.length).toBeGreaterThan('Why it stopped: '.length);
    await world().screenshot('queue-failed');

    await failed.getByRole('button', { name: 'Retry' }).click();
    const finished = page.locator(`.finished-entry[data-study="${id}"]`).filter({ hasText: 'done' });
    await finished.waitFor({ timeout: 240_000 });
    expect(await finished.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('100');
    expect(world().pageErrors).toEqual([]);
  });
});
