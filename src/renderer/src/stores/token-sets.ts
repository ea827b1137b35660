// Pinia store of the token sets (the pools prompts are drawn from): the list, imports from the
// seed's pickle / JSON / CSV / TXT files, and previews of their words. The list follows
// tokens.changed, which every import, build and deletion announces.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { StudioError } from '../../../shared/ipc/errors';
import type { TokenImportResult, TokenPreview, TokenSetView } from '../../../shared/ipc/tokens';
import { onEvent, request } from '../api';

export const useTokenSetsStore = defineStore('token-sets', () => {
  const sets = ref<TokenSetView[]>([]);
  const listError = ref<StudioError | null>(null);
  const importError = ref<StudioError | null>(null);
  const importing = ref(false);
  /** Previews by `${setId}:${modelId ?? ''}` (the words depend on the model's tokenizer). */
  const previews = ref<Record<string, TokenPreview>>({});
  const previewErrors = ref<Record<string, StudioError>>({});
  let subscribed = false;

  async function refresh(): Promise<void> {
    const result = await request((api) => api.tokens.list());
    if (result.ok) {
      sets.value = result.value;
      listError.value = null;
    } else listError.value = result.error;
  }

  function connect(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      onEvent('tokens.changed', () => void refresh());
    }
    return refresh();
  }

  async function importFile(path: string, modelId?: number, name?: string): Promise<TokenImportResult | null> {
    importing.value = true;
    try {
      const result = await request((api) => api.tokens.import({ path, modelId, name: name || undefined }));
      if (!result.ok) {
        importError.value = result.error;
        return null;
      }
      importError.value = null;
      return result.value;
    } finally {
      importing.value = false;
    }
  }

  async function preview(id: number, modelId?: number, count = 60): Promise<TokenPreview | null> {
    const key = `${id}:${modelId ?? ''}`;
    const cached = previews.value[key];
    if (cached) return cached;
    const result = await request((api) => api.tokens.preview({ id, modelId, count }));
    if (!result.ok) {
      previewErrors.value = { ...previewErrors.value, [key]: result.error };
      return null;
    }
    previews.value = { ...previews.value, [key]: result.value };
    return result.value;
  }

  return { sets, listError, importError, importing, previews, previewErrors, refresh, connect, importFile, preview };
});
