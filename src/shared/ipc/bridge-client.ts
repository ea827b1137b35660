// window.api for a browser (or a Node test) talking to the browser bridge (`npm run serve`,
// src/main/bridge): requests are POSTs of JSON to /api/<name>, events one Server-Sent Events stream
// read with fetch, reopened automatically while anyone listens. Every request carries the
// per-launch token as `Authorization: Bearer <token>`.
//
// Bootstrapping in a page served by the bridge: the printed URL is `http://host:port/?token=<t>`;
//   const token = new URL(location.href).searchParams.get('token');
//   const api = window.api ?? createBridgeApi(location.origin, token);
// (in Electron the preload has already defined window.api).

import { API_PREFIX, EVENTS_PATH, buildStudioApi, type RequestName, type StudioApi } from './contract';
import { fail, type ApiResult } from './errors';
import type { EventName } from './events';
import { createSseParser } from './sse';
import { decodeWireJson, encodeWireJson } from './wire-json';

export interface BridgeApiOptions {
  /** Injected fetch (tests); default the global one. */
  fetch?: typeof fetch;
  /** First reconnection delay; doubles up to maxRetryMs while the server stays away. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface BridgeApi extends StudioApi {
  /** Called with true when the event stream (re)connects, false when it drops. */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Stops the event stream for good (listeners are dropped). */
  close(): void;
}

type AnyListener = (payload: unknown) => void;

export function createBridgeApi(baseUrl: string, token: string, options: BridgeApiOptions = {}): BridgeApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = baseUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${token}` };
  const listeners = new Map<string, Set<AnyListener>>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let stream: AbortController | null = null;
  let closed = false;

  async function invoke(name: RequestName, payload: unknown): Promise<ApiResult<unknown>> {
    let response: Response;
    try {
      response = await doFetch(`${base}${API_PREFIX}${name}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: encodeWireJson(payload),
      });
    } catch (err) {
      return fail({ kind: 'internal', message: `The app at ${base} cannot be reached (${describe(err)}). Is \`npm run serve\` still running?` });
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      return fail({ kind: 'internal', message: `The app refused this page's token (HTTP ${response.status}): open the URL that \`npm run serve\` printed.` });
    }
    try {
      return decodeWireJson(text) as ApiResult<unknown>;
    } catch {
      return fail({ kind: 'internal', message: `The app answered ${name} with HTTP ${response.status} and no readable result.` });
    }
  }

  function setConnected(connected: boolean): void {
    for (const listener of connectionListeners) listener(connected);
  }

  function dispatch(event: string, data: string): void {
    const set = listeners.get(event);
    if (!set || set.size === 0) return;
    const payload = decodeWireJson(data);
    for (const listener of [...set]) listener(payload);
  }

  /** Keeps one event stream open while there are listeners, reconnecting with backoff. */
  async function runStream(): Promise<void> {
    let delay = options.retryMs ?? 500;
    while (!closed && hasListeners()) {
      const controller = new AbortController();
      stream = controller;
      try {
        const response = await doFetch(`${base}${EVENTS_PATH}`, { headers: { ...auth, accept: 'text/event-stream' }, signal: controller.signal });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        setConnected(true);
        delay = options.retryMs ?? 500;
        const parse = createSseParser((m) => dispatch(m.event, m.data));
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parse(decoder.decode(value, { stream: true }));
        }
      } catch {
        // Dropped, refused or aborted: retried below unless closed or nobody listens any more.
      }
      if (stream === controller) stream = null;
      setConnected(false);
      if (closed || !hasListeners()) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxRetryMs ?? 5000);
    }
  }

  function hasListeners(): boolean {
    for (const set of listeners.values()) if (set.size > 0) return true;
    return false;
  }

  let running: Promise<void> | null = null;
  function ensureStream(): void {
    if (closed || running) return;
    running = runStream().finally(() => {
      running = null;
      // A listener may have subscribed while the loop was finishing.
      if (!closed && hasListeners()) ensureStream();
    });
  }

  const on: StudioApi['on'] = (event: EventName, listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const entry = listener as AnyListener;
    set.add(entry);
    ensureStream();
    return () => {
      set.delete(entry);
      if (!hasListeners()) stream?.abort();
    };
  };

  const api = buildStudioApi(invoke, on);
  return Object.assign(api, {
    onConnection(listener: (connected: boolean) => void) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      stream?.abort();
    },
  });
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
  return String(err);
}
