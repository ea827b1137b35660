// Pinia store of the global notices (the toast at the bottom right): errors no screen shows in
// place, and short confirmations ("Study 4 queued"). Each goes away after a while or when closed.

import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

const SHOW_MS = { error: 12_000, info: 5_000 } as const;

export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  function push(kind: Notice['kind'], text: string): void {
    const id = nextId++;
    notices.value = [...notices.value.slice(-3), { id, kind, text }];
    setTimeout(() => dismiss(id), SHOW_MS[kind]);
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  return { notices, error: (text: string) => push('error', text), info: (text: string) => push('info', text), dismiss };
});
