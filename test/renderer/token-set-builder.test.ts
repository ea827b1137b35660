// @vitest-environment happy-dom
// The token-set builder in a simulated browser page served by a real bridge (its own process): the
// demo model is offered with its tokenizer (and a downloaded model once its download ends), a build from the bundled list shows id -> word for every
// kept id, an export writes the seed's pickle that reads back as exactly those ids, and bad inputs
// (pasted text without words, a missing word file, a relative export path) are shown next to their
// fields.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import TokenSetBuilder from '../../src/renderer/src/hub/TokenSetBuilder.vue';
import { createBridgeApi } from '../../src/shared/ipc/bridge-client';
import { parsePickleTokens } from '../../src/main/studies/import/token-formats';
import { spawnBridgeWithHub, type SpawnedBridge } from '../helpers/spawn-bridge';
import { DEMO_REPO } from '../hub/hub-names';
import { openBridgePage } from './bridge-page';

let bridge: SpawnedBridge;
let builder: VueWrapper;
const WAIT = { timeout: 60_000, interval: 50 };

beforeAll(async () => {
  bridge = await spawnBridgeWithHub();
  openBridgePage(bridge);
  builder = mount(TokenSetBuilder, { global: { plugins: [createPinia()] }, attachTo: document.body });
  await vi.waitFor(() => expect(builder.findAll('#builder-model option').length).toBeGreaterThan(0), WAIT);
});
afterAll(async () => {
  builder?.unmount();
  await bridge?.stop();
});

function previewRows(): { id: number; word: string; text: string }[] {
  return builder.findAll('[data-test="builder-preview"] tbody tr').map((tr) => {
    const [id, word, text] = tr.findAll('td').map((td) => td.text());
    return { id: Number(id), word: word ?? '', text: JSON.parse(text ?? '""') as string };
  });
}

describe('TokenSetBuilder', () => {
  it('builds 64 tokens from the bundled list with the demo model, previews id -> word, exports a pickle that reads back', async () => {
    const options = builder.findAll('#builder-model option');
    expect(options.map((o) => o.text())).toContain('demo-induction (demo)');
    await builder.find('#builder-model').setValue(`path:${bridge.demoModel}`);
    await builder.find('#builder-n').setValue('64');
    await builder.find('#builder-seed').setValue('42');
    await builder.find('form.builder-form').trigger('submit');
    await vi.waitFor(() => expect(builder.find('[data-test="builder-result"]').exists()).toBe(true), WAIT);
    expect(builder.find('[data-test="builder-summary"]').text()).toMatch(/64 tokens kept of 2,000 single-token words among the 2,000 words of the bundled English word list \(2,000 words\), sampled with seed 42\./);
    const rows = previewRows();
    expect(rows).toHaveLength(64);
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(64);
    // The demo model's vocabulary is the word list itself: every word maps to itself, bare.
    const words = new Set(readFileSync(join(bridge.demoModel, '..', '..', 'word-lists', 'english-words.txt'), 'utf8').split(/\s+/));
    expect(rows.every((r) => words.has(r.word) && (r.text === r.word || r.text === ` ${r.word}`))).toBe(true);
    const built = builder.emitted('built') as [{ id: number; n: number }][];
    expect(built.at(-1)?.[0].n).toBe(64);

    const pkl = join(bridge.dir, 'built.pkl');
    await builder.find('#builder-export-path').setValue(pkl);
    await builder.find('form.export-form').trigger('submit');
    await vi.waitFor(() => expect(builder.find('[data-test="export-done"]').text()).toBe(`Wrote 64 tokens to ${pkl} (pickle).`), WAIT);
    expect(parsePickleTokens(pkl, readFileSync(pkl), 2003)).toEqual(ids);

    await builder.find('#builder-export-format').setValue('json');
    await builder.find('#builder-export-path').setValue(join(bridge.dir, 'built'));
    await builder.find('form.export-form').trigger('submit');
    await vi.waitFor(() => expect(builder.find('[data-test="export-done"]').text()).toContain('(json)'), WAIT);
    expect(JSON.parse(readFileSync(join(bridge.dir, 'built.json'), 'utf8'))).toEqual(ids);
  });

  it('offers a model as soon as its download finishes', async () => {
    const api = createBridgeApi(bridge.url, bridge.token);
    try {
      const started = await api.hub.download({ repoId: DEMO_REPO });
      expect(started.ok).toBe(true);
      await vi.waitFor(() => expect(builder.findAll('#builder-model option').map((o) => o.text())).toContain('demo-induction (Hugging Face cache)'), WAIT);
    } finally {
      api.close();
    }
  });

  it('shows bad inputs next to their fields', async () => {
    await builder.find('#builder-export-path').setValue('relative.pkl');
    await builder.find('form.export-form').trigger('submit');
    await vi.waitFor(() => expect(builder.find('[data-test="export-error"]').text()).toMatch(/^path: must be an absolute file path/), WAIT);

    await builder.find('input[type="radio"][value="text"]').setValue(true);
    await builder.find('#builder-text').setValue('... !!! ---');
    await builder.find('form.builder-form').trigger('submit');
    await vi.waitFor(() => expect(builder.find('[data-test="text-error"]').text()).toBe('words.text: contains no words'), WAIT);

    const missing = join(bridge.dir, 'no-words.txt');
    await builder.find('input[type="radio"][value="file"]').setValue(true);
    await builder.find('#builder-file').setValue(missing);
    await builder.find('form.builder-form').trigger('submit');
    await vi.waitFor(() => expect(builder.find('[data-test="file-error"]').text()).toBe(`${missing}: file not found`), WAIT);
    expect(builder.find('[data-test="text-error"]').exists()).toBe(false);
  });
});
