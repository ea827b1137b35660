// The browser bridge: the same services and contract as the desktop window, over HTTP on 127.0.0.1
// (requests: POST /api/<name> with a JSON body; events: GET /api/events, Server-Sent Events),
// serving the built renderer at `/`. A random token is made per launch and every request must
// carry it: the page's URL `/?token=<t>` (which sets an HttpOnly, SameSite=Strict cookie for the
// page's assets), then `Authorization: Bearer <t>` on every API call (shared/ipc/bridge-client.ts).
// Binding anything but a loopback address needs allowRemote; the Host header is checked on
// loopback binds (DNS rebinding), and cross-origin API calls are refused.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../../shared/errors';
import { API_PREFIX, EVENTS_PATH } from '../../shared/ipc/contract';
import { fail } from '../../shared/ipc/errors';
import { formatSseFrame, SSE_HEARTBEAT } from '../../shared/ipc/sse';
import { TOKEN_PARAM } from '../../shared/ipc/connect';
import { decodeWireJson, encodeWireJson } from '../../shared/ipc/wire-json';
import { dispatchRequest } from '../api/dispatch';
import { createStudioApp, type StudioApp, type StudioAppOptions } from '../app/studio-app';
import { queueStateView } from '../studies/queue-view';
import { hasRenderer, readStaticFile } from './static-files';

export interface BridgeOptions extends Omit<StudioAppOptions, 'transport'> {
  /** Default 127.0.0.1. Anything not loopback is refused unless allowRemote. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  allowRemote?: boolean;
  /** Default: 32 random bytes (base64url). */
  token?: string;
  /** The built renderer (out/renderer); null serves the API only. */
  rendererDir?: string | null;
  heartbeatMs?: number;
}

export interface Bridge {
  readonly app: StudioApp;
  readonly host: string;
  readonly port: number;
  /** http://host:port (no token). */
  readonly url: string;
  /** The URL to open in a browser: url + `/?token=...`. */
  readonly openUrl: string;
  readonly token: string;
  /** Stops accepting requests, ends event streams, then closes the app (queue, engines, store). */
  close(): Promise<void>;
}

const COOKIE = 'studio_token';
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote) {
    throw new InputError('--host', `${host} is not a loopback address: other machines could reach the app. Use an SSH tunnel to 127.0.0.1, or pass --allow-remote to listen on ${host} anyway (the token is still required)`);
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  const app = createStudioApp({ ...options, transport: 'bridge' });
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('bridge: request failed', err);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!allowedHost(req.headers.host, host, port, options.allowRemote ?? false)) {
      return send(res, 403, 'text/plain; charset=utf-8', 'Refused: unexpected Host header.');
    }
    const url = new URL(req.url ?? '/', 'http://bridge');
    if (url.pathname === EVENTS_PATH || url.pathname.startsWith(API_PREFIX)) {
      if (!bearerMatches(req.headers.authorization, token)) return sendJson(res, 401, fail({ kind: 'input', message: 'Refused: this request lacks the access token.' }));
      if (req.headers.origin !== undefined && req.headers.origin !== `http://${req.headers.host}`) {
        return sendJson(res, 403, fail({ kind: 'input', message: 'Refused: requests from another site are not accepted.' }));
      }
      if (url.pathname === EVENTS_PATH && req.method === 'GET') return openEventStream(res);
      if (req.method !== 'POST') return sendJson(res, 405, fail({ kind: 'input', message: 'Use POST with a JSON body.' }));
      return answerRequest(req, res, url.pathname.slice(API_PREFIX.length));
    }
    return servePage(req, res, url);
  };

  const answerRequest = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    let payload: unknown;
    try {
      const text = await readBody(req);
      payload = text.trim() === '' ? {} : decodeWireJson(text);
    } catch (err) {
      return sendJson(res, 400, fail({ kind: 'input', message: `${name}: the request body is not valid JSON (${err instanceof Error ? err.message : String(err)})` }));
    }
    sendJson(res, 200, await dispatchRequest(app.handlers, name, payload, options.log));
  };

  const openEventStream = (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    // A new (or re-opened) stream starts from the current queue, so a client never misses its state.
    res.write(formatSseFrame('queue.changed', encodeWireJson(queueStateView(app.context.store, app.queue))));
    const unsubscribe = app.events.subscribe((name, payload) => res.write(formatSseFrame(name, encodeWireJson(payload))));
    const heartbeat = setInterval(() => res.write(SSE_HEARTBEAT), options.heartbeatMs ?? 15_000);
    streams.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  };

  const servePage = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    const fromUrl = url.searchParams.get(TOKEN_PARAM);
    const fromCookie = cookieValue(req.headers.cookie, COOKIE);
    if (!(fromUrl !== null && tokensEqual(fromUrl, token)) && !(fromCookie !== null && tokensEqual(fromCookie, token))) {
      return send(res, 401, 'text/html; charset=utf-8', page('Access token needed', 'Open the full URL that <code>npm run serve</code> printed (it ends in <code>?token=...</code>).'));
    }
    if (fromUrl !== null) res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    const dir = options.rendererDir ?? null;
    if (!dir || !hasRenderer(dir)) {
      return send(res, 503, 'text/html; charset=utf-8', page('The app\u2019s screens are not built', 'Run <code>npm run build</code>, then start <code>npm run serve</code> again.'));
    }
    const file = readStaticFile(dir, url.pathname);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-cache');
    send(res, 200, file.contentType, req.method === 'HEAD' ? '' : file.body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      void app.close();
      reject(err.code === 'EADDRINUSE' ? new InputError('--port', `${options.port} is in use by another program; choose another port, or 0 for any free one`) : err);
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    app,
    host,
    port,
    url: base,
    openUrl: `${base}/?${TOKEN_PARAM}=${token}`,
    token,
    close: () =>
      (closing ??= (async () => {
        for (const res of streams) res.end();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await app.close();
      })()),
  };
}

function allowedHost(header: string | undefined, host: string, port: number, remote: boolean): boolean {
  if (remote || !isLoopback(host)) return true;
  if (header === undefined) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`].includes(header.toLowerCase());
}

function tokensEqual(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  return match?.[1] !== undefined && tokensEqual(match[1], token);
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  send(res, status, 'application/json; charset=utf-8', encodeWireJson(value));
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ablation Studio</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto"><h1>${title}</h1><p>${body}</p></body></html>`;
}

