// The app's shell in Chromium: every screen opens from the sidebar at 1280×800 without a page
// error, and an unknown address says so instead of showing a blank page.
import { expect, it } from 'vitest';
import { describeE2e, suiteWorld } from './harness';

describeE2e('app shell', () => {
  const world = suiteWorld('shell');

  it('opens every screen from the sidebar', async () => {
    await world().open('/');
    for (const [link, heading] of [['Models', 'Models'], ['New study', 'New study'], ['Queue', 'Queue'], ['History', 'History'], ['Start', 'Ablation Studio']] as const) {
      await world().page.getByRole('navigation').getByRole('link', { name: link }).click();
      await world().page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    expect(world().pageErrors).toEqual([]);
  });

  it('names an unknown address', async () => {
    await world().open('/no/such/screen');
    await world().page.getByRole('heading', { name: 'No such screen' }).waitFor();
    expect(await world().page.getByRole('alert').textContent()).toContain('/no/such/screen');
    await world().screenshot('not-found');
  });
});
