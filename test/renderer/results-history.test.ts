// @vitest-environment happy-dom
// Results, History and Compare logic against a real app (store, engine processes, statistics) in
// process: the summary tables format each condition as the CLI's tables do, the lag plot's legend
// toggles, zoom, log axis and tooltips (lag, P with CI, the prompt's word from the stored trial),
// its CSV, the partial-state wording, History's filters (dates as whole days, bad dates named),
// sorting, rename / notes / delete in place, duplicate into the New study form, and the Compare
// screen's address. (Canvas drawing is checked in Chromium: test/e2e/results-history.test.ts.)
import { join } from 'node:path';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { plus1Table, shapeTable } from '../../src/main/export/summary-table';
import { studySummary } from '../../src/main/studies/study-service';
import type { LineChartSpec } from '../../src/shared/chart';
import type { StudySummaryView } from '../../src/shared/ipc/studies';
import { formatInterval } from '../../src/shared/study/text-format';
import { useStudioApi } from '../../src/renderer/src/api';
import { parseIds } from '../../src/renderer/src/compare/compare-ids';
import { compareConditions } from '../../src/renderer/src/compare/compare-plot';
import StudyChart from '../../src/renderer/src/components/StudyChart.vue';
import { toListFilter, EMPTY_FILTERS, parseDay } from '../../src/renderer/src/history/history-filters';
import { nextSort, sortStudies } from '../../src/renderer/src/history/history-table';
import HistoryView from '../../src/renderer/src/history/HistoryView.vue';
import LagPlotPanel from '../../src/renderer/src/results/LagPlotPanel.vue';
import { lagPlotCsv, lagPlotSpec, lagWords, plotConditions, studyPlotTitles } from '../../src/renderer/src/results/lag-plot';
import { studyState } from '../../src/renderer/src/results/study-state';
import { summaryTables } from '../../src/renderer/src/results/summary-table';
import { useNewStudyStore } from '../../src/renderer/src/stores/new-study';
import { useStudiesStore } from '../../src/renderer/src/stores/studies';
import { setupApp, smallSpec, type AppWorld } from '../app/app-fixtures';
import { inProcessApi } from './in-process-api';

// In the happy-dom environment Vite rewrites `new URL('<literal>', import.meta.url)` for the web,
// so the bundled demo model's folder is named explicitly (the test runs from the repository root).
process.env.ABLATION_STUDIO_DEMO_MODEL ||= join(process.cwd(), 'resources', 'models', 'demo-induction');

let w: AppWorld;
let first = 0;
let second = 0;

beforeAll(async () => {
  w = await setupApp('renderer-results-');
  const a = await w.value('studies.create', { spec: smallSpec({ name: 'zero study' }) });
  await w.next('study.finished', (e) => e.studyId === a.id);
  const b = await w.value('studies.create', { spec: smallSpec({ name: 'second study', seed: 12 }) });
  await w.next('study.finished', (e) => e.studyId === b.id);
  first = a.id;
  second = b.id;
  useStudioApi(inProcessApi(w));
});
afterAll(async () => {
  useStudioApi(null);
  await w.cleanup();
});
beforeEach(() => {
  setActivePinia(createPinia());
});

async function summaryOf(id: number): Promise<StudySummaryView> {
  const s = await useStudiesStore().loadSummary(id);
  if (!s) throw new Error(`no summary for study ${id}`);
  return s;
}

type Tooltip = { callbacks: { title: (items: unknown[]) => string | string[]; label: (item: unknown) => string } };
const tooltipOf = (spec: LineChartSpec) => spec.options?.plugins?.tooltip as unknown as Tooltip;
const legendLabels = (spec: LineChartSpec) => spec.data.datasets.map((d) => d.label ?? '').filter((l) => !/\((CI high|CI low)\)$/.test(l));

describe('summary tables', () => {
  it('format every condition as the CLI tables do', async () => {
    const summary = await summaryOf(first);
    const [plus, shape] = summaryTables(summary);
    if (!plus || !shape) throw new Error('two tables expected');
    expect(plus.rows.map((r) => r.cells[0])).toEqual(['baseline', 'induction k=1', 'induction k=2', 'random k=1']);
    // The CLI's tables, from the main side's own summary of the same study.
    const cli = studySummary(w.app.context.store, first);
    const plusText = plus1Table(cli);
    const shapeText = shapeTable(cli);
    for (const row of plus.rows) {
      const [name, trials, p1, , change] = row.cells;
      const line = plusText.split('\n').find((l) => l.startsWith(`${name} `));
      expect(line, name).toBeDefined();
      for (const cell of [trials, p1, change]) if (cell && cell !== '—') expect(line).toContain(cell.replace(' †', ''));
    }
    for (const row of shape.rows) {
      const line = shapeText.split('\n').find((l) => l.startsWith(`${row.cells[0]} `));
      for (const cell of row.cells.slice(2)) if (cell !== '—') expect(line, row.cells[0]).toContain(cell.replace(' †', ''));
    }
    // induction − random only on the induction rows that have a random counterpart (k = 1)
    expect(plus.rows.map((r) => r.cells[5] !== '')).toEqual([false, true, false, false]);
    expect(plus.rows[1]?.cells[5]).toMatch(/, p [\d.e-]+ \([\d.e-]+\)$/);
    expect(plus.rows[0]?.cells[3]).toBe('—');
  });
});

describe('lag plot', () => {
  it('draws the shown conditions in the window, with tooltips naming lag, P with its CI and the word', async () => {
    const summary = await summaryOf(first);
    const conditions = plotConditions(summary);
    const trial = await w.value('studies.trial', { id: first, trial: 0 });
    const words = lagWords(trial);
    const { title, subtitle } = studyPlotTitles(summary);
    const view = { lagWindow: 3, logScale: false, bands: true, hidden: new Set<string>(['random-zero-full-k1-d0']) };
    const spec = lagPlotSpec({ conditions, title, subtitle, words }, view);
    expect(legendLabels(spec)).toEqual(conditions.filter((c) => c.key !== 'random-zero-full-k1-d0').map((c) => c.label));
    // a band (two edges) and a line per shown condition, each with the 7 lags -3..3
    expect(spec.data.datasets).toHaveLength(3 * 3);
    expect(spec.data.datasets.every((d) => d.data.length === 7)).toBe(true);

    const tooltip = tooltipOf(spec);
    const plusOne = trial.tokens[trial.lags.indexOf(1)];
    expect(tooltip.callbacks.title([{ parsed: { x: 1 } }])).toEqual(['lag +1', `word in trial 1: ${JSON.stringify(plusOne?.text)}`]);
    const baseline = summary.conditions[0];
    const curve = baseline?.curve;
    if (!curve || !baseline) throw new Error('no baseline curve');
    const j = curve.lags.indexOf(1);
    const label = tooltip.callbacks.label({ dataset: { label: baseline.condition.label }, parsed: { x: 1 } });
    expect(label).toBe(`${baseline.condition.label}: P = ${formatInterval({ value: curve.mean[j] ?? NaN, ciLow: curve.ciLow[j] ?? NaN, ciHigh: curve.ciHigh[j] ?? NaN })} (95% CI)`);

    expect(lagPlotSpec({ conditions, title, subtitle, words }, { ...view, bands: false }).data.datasets).toHaveLength(3);
    const log = lagPlotSpec({ conditions, title, subtitle, words }, { ...view, logScale: true });
    expect(log.options?.scales?.y?.type).toBe('logarithmic');
    expect(log.options?.plugins?.subtitle?.text).toContain('log scale: CI edges at or below 0 are drawn at a tenth of the smallest mean');

    const csv = lagPlotCsv(conditions, view).trim().split('\n');
    expect(csv).toHaveLength(8);
    expect(csv[1]?.split(',')[0]).toBe('-3');
    expect(Number(csv[4]?.split(',')[1])).toBe(curve.mean[curve.lags.indexOf(0)]);
  });

  it('says why there is no word: an unprepared study, a trial out of range', async () => {
    const summary = await summaryOf(first);
    const wrapper = mount(LagPlotPanel, {
      props: { conditions: plotConditions(summary), title: 't', subtitle: [], fileBase: 'f', wordSource: { studyId: first, prepared: false, permutations: 6 } },
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="word-note"]').text()).toContain('has not been prepared');
    await wrapper.setProps({ wordSource: { studyId: first, prepared: true, permutations: 6 } });
    await wrapper.get('[data-testid="word-trial"]').setValue('9');
    await flushPromises();
    expect(wrapper.get('[data-testid="word-note"]').text()).toContain('pick a trial from 1 to 6');
    await wrapper.get('[data-testid="word-trial"]').setValue('2');
    await flushPromises();
    expect(wrapper.get('[data-testid="word-note"]').text()).toContain('the prompt of trial 2');
  });

  it('toggles conditions from the legend, zooms and switches the axis', async () => {
    const summary = await summaryOf(first);
    const wrapper = mount(LagPlotPanel, {
      props: { conditions: plotConditions(summary), title: 't', subtitle: [], fileBase: 'f', wordSource: null, noWordsReason: 'none here' },
    });
    const chartSpec = () => wrapper.getComponent(StudyChart).props('spec');
    expect(legendLabels(chartSpec())).toHaveLength(4);
    const boxes = wrapper.get('[data-testid="lag-legend"]').findAll('input[type="checkbox"]');
    await boxes[0]?.setValue(false);
    expect(legendLabels(chartSpec())).toEqual(summary.conditions.slice(1).map((c) => c.condition.label));
    await boxes[0]?.setValue(true);
    expect(legendLabels(chartSpec())[0]).toBe('baseline (no heads ablated)');
    await wrapper.findAll('legend button').find((b) => b.text() === 'none')?.trigger('click');
    expect(legendLabels(chartSpec())).toEqual([]);
    expect(wrapper.text()).toContain('No condition is shown');

    await wrapper.get('[data-testid="lag-window"]').setValue('4');
    expect(chartSpec().options?.scales?.x).toMatchObject({ min: -4, max: 4 });
    await boxes[1]?.setValue(true);
    expect(chartSpec().data.datasets).toHaveLength(3);
    await wrapper.get('[data-testid="lag-bands"]').setValue(false);
    expect(chartSpec().data.datasets.map((d) => d.label)).toEqual([summary.conditions[1]?.condition.label]);
    await wrapper.get('[data-testid="axis-log"]').setValue(true);
    expect(chartSpec().options?.scales?.y?.type).toBe('logarithmic');
    expect(wrapper.get('[data-testid="word-note"]').text()).toContain('none here');
  });
});

describe('partial studies', () => {
  it('say what they are and how many trials the numbers use', async () => {
    const summary = await summaryOf(first);
    expect(studyState(summary)).toMatchObject({ tone: 'ok', headline: 'Finished.' });
    const paused: StudySummaryView = {
      ...summary,
      study: { ...summary.study, status: 'paused' },
      conditions: summary.conditions.map((c, i) => ({ ...c, trials: i === 0 ? 4 : 3 })),
    };
    expect(studyState(paused)).toEqual({
      tone: 'partial',
      headline: 'Paused — PARTIAL results. Resume it from the Queue.',
      detail: "Conditions have 3 to 4 of 6 trials; each row says how many it uses, comparisons use the trials both sides have.",
    });
    expect(studyPlotTitles(paused).subtitle).toContain('PAUSED: PARTIAL, 4 of 6 trials so far');
    const failed = { ...paused, study: { ...paused.study, status: 'failed' as const, error: { kind: 'internal' as const, message: 'the engine process stopped' } } };
    expect(studyState(failed).headline).toBe('Failed: the engine process stopped');
  });
});

describe('history', () => {
  it('turns the filters into the list request: whole days, bad dates named', () => {
    const day = parseDay('2026-03-09');
    expect(day).toBe(new Date(2026, 2, 9).getTime());
    expect(parseDay('2026-02-30')).toBeNull();
    expect(toListFilter({ ...EMPTY_FILTERS, text: '  demo ', statuses: ['done'], from: '2026-03-09', to: '2026-03-09' })).toEqual({
      ok: true,
      value: { text: 'demo', status: ['done'], createdFrom: day, createdTo: new Date(2026, 2, 10).getTime() },
    });
    expect(toListFilter({ ...EMPTY_FILTERS, from: '9 March' })).toEqual({ ok: false, message: '"From" date: "9 March" is not a date (yyyy-mm-dd).' });
    expect(toListFilter({ ...EMPTY_FILTERS, from: '2026-03-10', to: '2026-03-09' })).toMatchObject({ ok: false, message: expect.stringContaining('is after') });
  });

  it('filters the real list by text, model, status and date', async () => {
    const store = useStudiesStore();
    await store.refresh();
    expect(store.list.map((s) => s.id)).toEqual([second, first]);
    store.filters.text = 'ZERO';
    await store.refresh();
    expect(store.list.map((s) => s.id)).toEqual([first]);
    store.filters = { ...EMPTY_FILTERS, statuses: ['failed', 'paused'] };
    await store.refresh();
    expect(store.list).toEqual([]);
    const today = new Date();
    const ymd = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    store.filters = { ...EMPTY_FILTERS, from: ymd(today), to: ymd(today) };
    await store.refresh();
    expect(store.list).toHaveLength(2);
    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    store.filters = { ...EMPTY_FILTERS, from: ymd(tomorrow) };
    await store.refresh();
    expect(store.list).toEqual([]);
    store.filters = { ...EMPTY_FILTERS, to: 'yesterday' };
    await store.refresh();
    expect(store.listError).toContain('"To" date');
  });

  it('sorts by a column; clicking it again flips the order', async () => {
    const store = useStudiesStore();
    await store.refresh();
    const byName = nextSort({ key: 'createdAt', descending: true }, 'name');
    expect(byName).toEqual({ key: 'name', descending: false });
    expect(sortStudies(store.list, byName).map((s) => s.name)).toEqual(['second study', 'zero study']);
    expect(sortStudies(store.list, nextSort(byName, 'name')).map((s) => s.name)).toEqual(['zero study', 'second study']);
  });

  it('renames (an empty name is refused in place), annotates, duplicates into the form, deletes after confirming', async () => {
    const extra = await w.value('studies.create', { spec: smallSpec({ name: 'to delete', permutations: 2 }) });
    await w.next('study.finished', (e) => e.studyId === extra.id);
    const Blank = defineComponent({ template: '<div />' });
    const router = createRouter({ history: createMemoryHistory(), routes: ['/', '/new', '/compare', '/results/:id', '/history'].map((path) => ({ path, component: Blank })) });
    await router.push('/history');
    const wrapper = mount(HistoryView, { global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    const row = () => wrapper.get(`tr[data-study-id="${first}"]`);
    const button = (name: string, id = first) => {
      const found = wrapper.get(`tr[data-study-id="${id}"]`).findAll('button').find((b) => b.text() === name);
      if (!found) throw new Error(`no ${name} button`);
      return found;
    };

    await button('Rename').trigger('click');
    await wrapper.get('[data-testid="rename-input"]').setValue('   ');
    await wrapper.get('form.row-editor').trigger('submit');
    await flushPromises();
    expect(wrapper.get('form.row-editor [role="alert"]').text()).toBe('Name: enter at least one character.');
    await wrapper.get('[data-testid="rename-input"]').setValue('zero study, renamed');
    await wrapper.get('form.row-editor').trigger('submit');
    await flushPromises();
    expect(row().text()).toContain('zero study, renamed');
    expect((await w.value('studies.summary', { id: first })).study.name).toBe('zero study, renamed');

    await button('Notes').trigger('click');
    await wrapper.get('[data-testid="notes-input"]').setValue('checked against the paper');
    await wrapper.get('form.row-editor').trigger('submit');
    await flushPromises();
    expect(row().text()).toContain('checked against the paper');

    await button('Delete', extra.id).trigger('click');
    expect(wrapper.get('[role="alertdialog"]').text()).toContain('Delete to delete');
    await wrapper.get('[data-testid="confirm-delete"]').trigger('submit');
    await flushPromises();
    expect(wrapper.find(`tr[data-study-id="${extra.id}"]`).exists()).toBe(false);
    expect(await w.error('studies.summary', { id: extra.id })).toMatchObject({ kind: 'not-found' });

    await button('Duplicate').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/new');
    expect(useNewStudyStore().draft).toMatchObject({ name: 'zero study, renamed (copy)' });
    wrapper.unmount();
  });
});

describe('compare', () => {
  it('reads the address, names what is wrong with it', () => {
    expect(parseIds('3, 5,3')).toEqual({ ok: true, ids: [3, 5] });
    expect(parseIds('')).toEqual({ ok: true, ids: [] });
    expect(parseIds('3,x,0')).toEqual({ ok: false, message: 'The address names "x", "0", which are not study numbers.' });
  });

  it('puts every condition of every study on one legend, numbered by study', async () => {
    const conditions = compareConditions([await summaryOf(first), await summaryOf(second)]);
    expect(conditions.map((c) => c.label)).toEqual([
      ...['baseline', 'induction k=1', 'induction k=2', 'random k=1'].map((n) => `#${first} ${n}`),
      ...['baseline', 'induction k=1', 'induction k=2', 'random k=1'].map((n) => `#${second} ${n}`),
    ]);
    expect(new Set(conditions.map((c) => c.color)).size).toBeGreaterThan(4);
  });
});
