// Pinia store of what the renderer knows about where it runs (app.info): the transport, whether
// native dialogs exist, the data folder and the bundled demo model's folder. Loaded once.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../shared/ipc/app';
import type { StudioError } from '../../../shared/ipc/errors';
import { request } from '../api';

export const useAppInfoStore = defineStore('app-info', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<StudioError | null>(null);
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= request((api) => api.app.info()).then((result) => {
      if (result.ok) info.value = result.value;
      else {
        error.value = result.error;
        loading = null;
      }
    });
    return loading;
  }

  return { info, error, load };
});
