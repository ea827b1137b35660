// Pinia store of the Models screen's Hugging Face part: the download jobs of this session (listed
// once, then kept current from hub.progress events) and the access token's masked status. The
// token typed by the user goes to hub.setToken and nowhere else; the store never keeps it.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { StudioError } from '../../../shared/ipc/errors';
import type { DownloadJobView, HubTokenStatus } from '../../../shared/ipc/hub';
import { studioApi } from '../api';

export const useHubStore = defineStore('hub', () => {
  const jobs = ref<DownloadJobView[]>([]);
  const token = ref<HubTokenStatus | null>(null);
  /** Errors of the last request per field (repoId, revision, token), or `form` for the rest. */
  const errors = ref<Record<string, StudioError>>({});
  let unsubscribe: (() => void) | null = null;

  function upsert(job: DownloadJobView): void {
    const i = jobs.value.findIndex((j) => j.id === job.id);
    if (i >= 0) jobs.value.splice(i, 1, job);
    else jobs.value.unshift(job);
  }

  function setError(key: string, error: StudioError | null): void {
    const next = { ...errors.value };
    if (error) next[key] = error;
    else delete next[key];
    errors.value = next;
  }

  /** Subscribes to progress first, then lists, so no event between the two is lost. */
  async function connect(): Promise<void> {
    const api = studioApi();
    unsubscribe ??= api.on('hub.progress', upsert);
    const [listed, status] = await Promise.all([api.hub.downloads(), api.hub.tokenStatus()]);
    if (listed.ok) for (const job of [...listed.value].reverse()) upsert(job);
    if (status.ok) token.value = status.value;
    else setError('form', status.error);
  }

  function disconnect(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  async function start(repoId: string, revision: string): Promise<number | null> {
    errors.value = {};
    const result = await studioApi().hub.download({ repoId, revision: revision.trim() || undefined });
    if (!result.ok) {
      setError(result.error.field ?? 'form', result.error);
      return null;
    }
    return result.value.id;
  }

  async function cancel(id: number): Promise<void> {
    const result = await studioApi().hub.cancelDownload({ id });
    if (!result.ok) setError('form', result.error);
  }

  /** Saves a token; true when it was accepted. */
  async function saveToken(text: string): Promise<boolean> {
    const result = await studioApi().hub.setToken({ token: text });
    if (!result.ok) {
      setError('token', result.error);
      return false;
    }
    setError('token', null);
    token.value = result.value;
    return true;
  }

  async function clearToken(): Promise<void> {
    const result = await studioApi().hub.clearToken();
    if (result.ok) token.value = result.value;
    else setError('token', result.error);
  }

  return { jobs, token, errors, connect, disconnect, start, cancel, saveToken, clearToken };
});
