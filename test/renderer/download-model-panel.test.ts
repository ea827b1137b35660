// @vitest-environment happy-dom
// The download panel in a simulated browser page served by a real bridge (its own process, with the
// local test hub behind HF_ENDPOINT): the page's api comes from its URL's token as in `npm run
// serve`. A download shows its progress and ends ready; a running one shows each file's bar and
// cancels, and resumes when started again; a gated model shows the hub service's exact
// message, the model page to open and a way to the token field; a token typed in is saved, shown
// masked and never left in the page; a wrong repo id is shown next to its field.

import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import DownloadModelPanel from '../../src/renderer/src/hub/DownloadModelPanel.vue';
import { spawnBridgeWithHub, type SpawnedBridge } from '../helpers/spawn-bridge';
import { DEMO_REPO, GATED_REPO, MAMBA_REPO, SHARDED_REPO, TOKEN_WITH_ACCESS, UNKNOWN_TOKEN } from '../hub/hub-names';
import { gatedWithoutTokenMessage } from '../hub/hub-messages';
import { openBridgePage } from './bridge-page';

let bridge: SpawnedBridge;
let panel: VueWrapper;

beforeAll(async () => {
  bridge = await spawnBridgeWithHub();
  openBridgePage(bridge);
  panel = mount(DownloadModelPanel, { global: { plugins: [createPinia()] }, attachTo: document.body });
  await vi.waitFor(() => expect(panel.find('[data-test="token-none"]').exists()).toBe(true), { timeout: 20_000 });
});
afterAll(async () => {
  panel?.unmount();
  await bridge?.stop();
});

const WAIT = { timeout: 60_000, interval: 50 };

/** Types the repo id, presses Download and returns the new job's card (newest first). */
async function startDownload(repoId: string): Promise<ReturnType<VueWrapper['find']>> {
  const before = panel.findAll('.download-job').length;
  await panel.find('#download-repo').setValue(repoId);
  await panel.find('form.download-form').trigger('submit');
  await vi.waitFor(() => expect(panel.findAll('.download-job').length).toBe(before + 1), WAIT);
  const card = panel.findAll('.download-job')[0];
  if (!card) throw new Error('no job card');
  return card;
}

/** startDownload, then waits for the job to reach an end state. */
async function download(repoId: string): Promise<ReturnType<VueWrapper['find']>> {
  const card = await startDownload(repoId);
  await vi.waitFor(() => expect(card.find('[data-test="job-state"]').text()).toMatch(/^(done|failed|cancelled)$/), WAIT);
  return card;
}

describe('DownloadModelPanel', () => {
  it('downloads a model with overall progress, ends ready and announces it', async () => {
    const card = await download(DEMO_REPO);
    expect(card.find('[data-test="job-state"]').text()).toBe('done');
    const overall = card.find('progress[data-test="job-overall"]').element as HTMLProgressElement;
    expect(overall.value).toBeGreaterThan(0);
    expect(overall.value).toBe(overall.max);
    expect(card.find('[data-test="job-bytes"]').text()).toMatch(/ · 4\/4 files$/);
    expect(card.find('[data-test="job-done"]').text()).toContain('models--studio-tests--demo-induction/snapshots/');
    const emitted = panel.emitted('downloaded') as [{ repoId: string; dir: string }][];
    expect(emitted.map(([job]) => job.repoId)).toEqual([DEMO_REPO]);
  });

  it('shows each file of a running download, cancels it, and resumes it when started again', async () => {
    const shard = 'model-00001-of-00002.safetensors';
    const { stalled } = bridge.stall(shard, 64);
    const card = await startDownload(SHARDED_REPO);
    await stalled;
    await vi.waitFor(() => expect(card.find(`[data-test="file-${shard}"] progress`).attributes('value')).toBe('64'), WAIT);
    expect(card.find('[data-test="job-state"]').text()).toBe('Downloading');
    expect(card.findAll('.files li').map((li) => li.find('.name').text())).toContain('config.json');
    await card.find('[data-test="job-cancel"]').trigger('click');
    await vi.waitFor(() => expect(card.find('[data-test="job-state"]').text()).toBe('cancelled'), WAIT);
    expect(card.find('[data-test="job-cancelled"]').text()).toMatch(/download it again to resume/);
    expect(card.find('[data-test="job-cancel"]').exists()).toBe(false);
    const resumed = await download(SHARDED_REPO);
    expect(resumed.find('[data-test="job-state"]').text()).toBe('done');
  });

  it('shows a gated model\'s exact message, the licence page, and a way to the token field', async () => {
    const card = await download(GATED_REPO);
    expect(card.find('[data-test="job-error-message"]').text()).toBe(gatedWithoutTokenMessage(bridge.endpoint));
    expect(card.find('[data-test="job-error"] strong').text()).toBe('Gated model: licence and token needed');
    expect(card.find('[data-test="job-error-link"]').attributes('href')).toBe(`${bridge.endpoint}/${GATED_REPO}`);
    await card.find('[data-test="job-error-fix"]').trigger('click');
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('hub-token-input'), WAIT);
  });

  it('saves a typed token (masked, field emptied, never in the page), reports a wrong one, downloads with a right one, forgets it', async () => {
    const save = async (token: string) => {
      await panel.find('#hub-token-input').setValue(token);
      await panel.find('form.token-form').trigger('submit');
      await vi.waitFor(() => expect(panel.find('[data-test="token-active"]').text()).toContain(`hf_…${token.slice(-4)}`), WAIT);
      expect((panel.find('#hub-token-input').element as HTMLInputElement).value).toBe('');
      expect(document.body.innerHTML).not.toContain(token);
    };
    await save(UNKNOWN_TOKEN);
    expect(panel.find('[data-test="token-active"]').text()).toContain('the token saved in Ablation Studio');
    const refused = await download(GATED_REPO);
    expect(refused.find('[data-test="job-error"] strong').text()).toBe('Token refused');
    expect(refused.find('[data-test="job-error-message"]').text()).toMatch(/\(wrong, expired or revoked token\)/);
    expect(refused.find('[data-test="job-error-link"]').attributes('href')).toBe(`${bridge.endpoint}/settings/tokens`);

    await save(TOKEN_WITH_ACCESS);
    const granted = await download(GATED_REPO);
    expect(granted.find('[data-test="job-state"]').text()).toBe('done');
    await panel.find('[data-test="token-clear"]').trigger('click');
    await vi.waitFor(() => expect(panel.find('[data-test="token-none"]').exists()).toBe(true), WAIT);
    expect(document.body.innerHTML).not.toContain(TOKEN_WITH_ACCESS);
  });

  it('refuses text that is not a token next to the field, without quoting it', async () => {
    await panel.find('#hub-token-input').setValue('my password');
    await panel.find('form.token-form').trigger('submit');
    await vi.waitFor(() => expect(panel.find('[data-test="token-error"]').text()).toMatch(/^token: is not a Hugging Face access token/), WAIT);
    expect(panel.find('[data-test="token-error"]').text()).not.toContain('my password');
  });

  it('shows a bad repo id next to its field; an unknown repo and an unsupported model with what to do', async () => {
    await panel.find('#download-repo').setValue('not a repo');
    await panel.find('form.download-form').trigger('submit');
    await vi.waitFor(() => expect(panel.find('[data-test="repo-error"]').text()).toMatch(/^repoId: "not a repo" must look like org\/name/), WAIT);
    const unknown = await download('studio-tests/nothing-here');
    expect(panel.find('[data-test="repo-error"]').exists()).toBe(false);
    expect(unknown.find('[data-test="job-error"] strong').text()).toBe('Unknown repository');
    expect(unknown.find('[data-test="job-error-message"]').text()).toMatch(/no such model repository .*Check the spelling/);
    const mamba = await download(MAMBA_REPO);
    expect(mamba.find('[data-test="job-error"] strong').text()).toBe('Model type not supported');
    expect(mamba.find('[data-test="job-error-message"]').text()).toMatch(/Choose a model of one of these types/);
  });
});
