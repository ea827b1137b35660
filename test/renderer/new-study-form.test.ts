// @vitest-environment happy-dom
// The New study form against the real main process (bridge + store): a bad value gets the
// contract's message next to its field (aria-invalid, described by it) and in the summary after
// the typing pause; a duplicated study's spec loaded with loadDraft fills every field; the demo
// preset previews its conditions and queues a study on Run.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import NewStudyView from '../../src/renderer/src/new-study/NewStudyView.vue';
import { useNewStudyStore } from '../../src/renderer/src/stores/new-study';
import { DEMO_MODEL, openBridgeWorld, type BridgeWorld } from './bridge-world';

let world: BridgeWorld;
beforeAll(async () => {
  world = await openBridgeWorld('new-study');
});
afterAll(async () => {
  await world?.close();
});

async function mountForm(): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/new', component: NewStudyView }, { path: '/queue', component: { template: '<h1>Queue</h1>' } }, { path: '/:p(.*)*', component: { template: '<p></p>' } }] });
  await router.push('/new');
  const wrapper = mount(NewStudyView, { global: { plugins: [pinia, router] }, attachTo: document.body });
  await vi.waitFor(async () => {
    await flushPromises();
    expect((wrapper.get('#f-model').element as HTMLSelectElement).value).toBe(DEMO_MODEL);
  }, { timeout: 20_000 });
  return wrapper;
}

/** Waits until the form's validation (debounced, then a real request) has settled. */
async function settled(wrapper: VueWrapper, check: () => void): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    check();
  }, { timeout: 20_000, interval: 50 });
  void wrapper;
}

describe('New study form', () => {
  let wrapper: VueWrapper;
  beforeEach(async () => {
    wrapper?.unmount();
    wrapper = await mountForm();
  });

  it('shows the contract message next to a bad field, and in the summary', async () => {
    await wrapper.get('#f-permutations').setValue('0');
    await wrapper.get('#f-groups-0-counts').setValue('0-1-1');
    await settled(wrapper, () => expect(wrapper.find('#f-permutations-error').exists()).toBe(true));
    expect(wrapper.get('#f-permutations-error').text()).toBe('must be a positive integer, got 0');
    expect(wrapper.get('#f-permutations').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#f-permutations').attributes('aria-describedby')).toContain('f-permutations-error');
    expect(wrapper.get('#f-groups-0-counts-error').text()).toBe('lists 1 twice');
    const summary = wrapper.get('.error-summary');
    expect(summary.text()).toContain('There are 2 problems');
    expect(summary.findAll('a').map((a) => a.text())).toEqual(['Trials (permutations): must be a positive integer, got 0', 'Head group 1, head counts: lists 1 twice']);
    expect(summary.findAll('a').map((a) => a.attributes('href'))).toEqual(['#f-permutations', '#f-groups-0-counts']);
    // Fixing the values clears the messages.
    await wrapper.get('#f-permutations').setValue('3');
    await wrapper.get('#f-groups-0-counts').setValue('0-1');
    await settled(wrapper, () => expect(wrapper.find('.error-summary').exists()).toBe(false));
    expect(wrapper.find('#f-permutations-error').exists()).toBe(false);
  });

  it('names a problem that needs the model: more heads than it has', async () => {
    await wrapper.get('#f-groups-0-counts').setValue('0-1');
    await wrapper.get('#f-maxHeadsAbl').setValue('40');
    await settled(wrapper, () => expect(wrapper.find('#f-maxHeadsAbl-error').exists()).toBe(true));
    expect(wrapper.get('#f-maxHeadsAbl-error').text()).toBe('is 40 but all layers has only 32 heads (4 layers x 8)');
  });

  it('fills every field from a duplicated spec (loadDraft)', async () => {
    useNewStudyStore().loadDraft({
      name: 'copy of a study',
      model: DEMO_MODEL,
      permutations: 12,
      maxHeadsAbl: 6,
      groups: [{ headType: 'random', counts: [0, 2, 3], mode: 'mean', layerRange: 'bottom', draws: 3 }],
      tokenCount: 64,
      seed: 7,
      batchSize: 2,
      provider: 'cpu',
      dtype: 'float32',
    });
    await flushPromises();
    const value = (id: string) => (wrapper.get(id).element as HTMLInputElement).value;
    expect(value('#f-name')).toBe('copy of a study');
    expect(value('#f-permutations')).toBe('12');
    expect(value('#f-maxHeadsAbl')).toBe('6');
    expect(value('#f-groups-0-headType')).toBe('random');
    expect(value('#f-groups-0-counts')).toBe('0-2-3');
    expect(value('#f-groups-0-mode')).toBe('mean');
    expect(value('#f-groups-0-layerRange')).toBe('bottom');
    expect(value('#f-groups-0-draws')).toBe('3');
    expect(value('#f-tokenCount')).toBe('64');
    expect(value('#f-seed')).toBe('7');
    expect(value('#f-batchSize')).toBe('2');
    expect(value('#f-provider')).toBe('cpu');
    expect(value('#f-dtype')).toBe('float32');
    await settled(wrapper, () => expect(wrapper.find('.preview').exists()).toBe(true));
    // baseline + 2 counts × 3 draws.
    expect(wrapper.findAll('.preview tbody tr')).toHaveLength(7);
  });

  it('previews the demo preset and queues it on Run', async () => {
    const presets = wrapper.findAll('.presets button');
    await presets.find((b) => b.text() === 'Quick demo')?.trigger('click');
    await wrapper.get('#f-permutations').setValue('2');
    await wrapper.get('#f-tokenCount').setValue('20');
    await settled(wrapper, () => expect(wrapper.find('.preview .estimate').text()).toContain('25 conditions × 2 trials = 50 rows'));
    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => {
      const state = await world.api.queue.state();
      if (!state.ok) throw new Error(state.error.message);
      const names = [state.value.running, ...state.value.waiting, ...state.value.stopped].map((e) => e?.name);
      expect(names).toContain('Demo: induction vs random heads');
    }, { timeout: 20_000 });
  });
});
