// How a renderer page obtains its StudioApi, in either transport: the Electron preload's
// `window.api` when present, else a bridge client for the server that served the page, with the
// per-launch token from the page URL's `?token=` (kept in sessionStorage and removed from the
// address bar, so a reload or a screenshot does not need or show it).

import { createBridgeApi, type BridgeApiOptions } from './bridge-client';
import type { StudioApi } from './contract';

/** The parts of a browser window used here (structural, so Node tests can pass a stand-in). */
export interface PageLike {
  api?: StudioApi;
  location: { href: string; origin: string };
  sessionStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  history?: { replaceState(data: unknown, unused: string, url?: string): void };
}

export const TOKEN_PARAM = 'token';
const TOKEN_KEY = 'ablation-studio-token';

export function connectStudioApi(page: PageLike = globalThis as unknown as PageLike, options?: BridgeApiOptions): StudioApi {
  if (page.api) return page.api;
  const url = new URL(page.location.href);
  const fromUrl = url.searchParams.get(TOKEN_PARAM);
  const token = fromUrl ?? page.sessionStorage?.getItem(TOKEN_KEY) ?? null;
  if (!token) {
    throw new Error('This page was opened without its access token: open the full URL that `npm run serve` printed (it ends in ?token=...).');
  }
  if (fromUrl) {
    page.sessionStorage?.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete(TOKEN_PARAM);
    page.history?.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return createBridgeApi(page.location.origin, token, options);
}
