// Steps the end-to-end tests share: a study from the demo preset, sized down, run from the form.

import type { Page } from 'playwright-core';
import type { World } from './harness';

export interface DemoStudyOptions {
  name: string;
  permutations: number;
  /** Both groups' counts, e.g. "0-1-2". */
  counts: string;
  /** Induction scores from this CSV instead of computing them. */
  scoresCsv?: string;
}

/** Fills the demo preset with fewer trials and counts, and runs it; resolves on the Queue screen. */
export async function runDemoStudy(world: World, options: DemoStudyOptions): Promise<void> {
  const { page } = world;
  await world.open('/new?preset=demo');
  await page.getByLabel('Name').fill(options.name);
  await page.getByLabel('Trials (permutations)').fill(String(options.permutations));
  await page.locator('#f-groups-0-counts').fill(options.counts);
  await page.locator('#f-groups-1-counts').fill(options.counts);
  if (options.scoresCsv) {
    await page.getByLabel('Induction scores').selectOption('csv');
    await page.getByLabel('Scores CSV').fill(options.scoresCsv);
  }
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
}

/** Rows done of the running study on the Queue screen, as its progress bar says. */
export async function rowsDone(page: Page, studyId: string): Promise<number> {
  const value = await page.locator(`article.running[data-study="${studyId}"] [role="progressbar"]`).first().getAttribute('aria-valuenow');
  return Number(value ?? 0);
}
