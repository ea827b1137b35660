// Pinia store of the token-set builder: the models whose tokenizer it can use (from the models
// store), the form (model, word source, N, seed, forms), the built set with its preview, and
// exports. Errors are kept by the field they name (words.text, words.path, n, path...) so the form
// shows each next to its input.

import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { StudioError } from '../../../shared/ipc/errors';
import type { ModelView } from '../../../shared/ipc/models';
import type { TokenBuildResult, WordSourceInput } from '../../../shared/ipc/tokens';
import { studioApi } from '../api';
import { useModelsStore } from '../stores/models';

export type SourceKind = WordSourceInput['kind'];
export type BundledList = 'english' | 'english-short';
export type ExportFormat = 'pickle' | 'json';

/** A model choice: a stored model by id, else its folder (the demo model, cache entries not added yet). */
export function modelKey(m: Pick<ModelView, 'id' | 'path'>): string {
  return m.id === null ? `path:${m.path}` : `id:${m.id}`;
}

export const useTokenBuilderStore = defineStore('token-builder', () => {
  const modelsStore = useModelsStore();
  const models = computed(() => modelsStore.models);
  /** The model list's error, shown at the model field. */
  const listError = computed(() => modelsStore.listError);
  const form = ref({
    model: '',
    source: 'bundled' as SourceKind,
    list: 'english' as BundledList,
    text: '',
    file: '',
    /** Empty: every single-token word. */
    n: 500 as number | '',
    seed: 42,
    forms: 'both' as 'both' | 'bare' | 'spaced',
  });
  const built = ref<TokenBuildResult | null>(null);
  const exported = ref<{ path: string; format: ExportFormat; n: number } | null>(null);
  const errors = ref<Record<string, StudioError>>({});
  const busy = ref(false);
  /** Models that have a tokenizer.json and can be run. */
  const usable = computed(() => models.value.filter((m) => m.tokenizer && m.problem === null));

  /** Keeps a usable model chosen as the list changes (a download finished, a model added or removed). */
  function chooseUsable(): void {
    const first = usable.value[0];
    if (!usable.value.some((m) => modelKey(m) === form.value.model) && first) form.value.model = modelKey(first);
  }
  watch(usable, chooseUsable);

  /** Loads the model list (the models store follows its changes). */
  async function connect(): Promise<void> {
    await modelsStore.connect();
    chooseUsable();
  }

  function wordSource(): WordSourceInput {
    const f = form.value;
    if (f.source === 'text') return { kind: 'text', text: f.text };
    if (f.source === 'file') return { kind: 'file', path: f.file };
    return { kind: 'bundled', list: f.list };
  }

  /** A StudioError keyed by its field, else by the file it names as the word file, else `form`. */
  function keyOf(error: StudioError): string {
    if (error.field) return error.field;
    if (error.file && error.file === form.value.file.trim()) return 'words.path';
    return 'form';
  }

  async function build(): Promise<void> {
    const f = form.value;
    const colon = f.model.indexOf(':');
    const [kind, target] = [f.model.slice(0, colon), f.model.slice(colon + 1)];
    if (colon < 0 || !target) return void (errors.value = { model: { kind: 'input', message: 'model: choose a model with a tokenizer.json', field: 'model' } });
    busy.value = true;
    errors.value = {};
    exported.value = null;
    try {
      const result = await studioApi().tokens.build({
        model: kind === 'id' ? { id: Number(target) } : { path: target },
        words: wordSource(),
        n: f.n === '' ? undefined : f.n,
        seed: f.seed,
        forms: f.forms,
      });
      if (result.ok) built.value = result.value;
      else errors.value = { [keyOf(result.error)]: result.error };
    } finally {
      busy.value = false;
    }
  }

  async function exportSet(format: ExportFormat, path: string): Promise<void> {
    if (!built.value) return;
    exported.value = null;
    const { path: _old, ...others } = errors.value;
    errors.value = others;
    const result = await studioApi().tokens.export({ id: built.value.set.id, format, path });
    if (result.ok) exported.value = result.value;
    else errors.value = { ...errors.value, [result.error.field ?? 'path']: result.error };
  }

  return { models, usable, listError, form, built, exported, errors, busy, connect, build, exportSet };
});
