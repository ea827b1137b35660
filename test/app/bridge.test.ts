// The browser bridge over real HTTP on 127.0.0.1: every request without this launch's token is
// refused, non-loopback binding needs an explicit flag, the Host and Origin checks, the built
// renderer served behind the token, requests and the event stream through the same bridge client
// a browser uses (reconnecting by itself when the server comes back), and `npm run serve` as a
// user starts it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/main/bridge/bridge-server';
import { createBridgeApi } from '../../src/shared/ipc/bridge-client';
import { connectStudioApi } from '../../src/shared/ipc/connect';
import type { EventName } from '../../src/shared/ipc/events';
import { waitUntil } from '../helpers/wait-for';
import { recordingSpawner, smallSpec, TEST_INDUCTION } from './app-fixtures';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Events over the stream: the old loop's 1200 probes 50 ms apart. */
const EVENT_WAIT = { timeoutMs: 60_000, intervalMs: 50 };
let dir = '';
let bridge: Bridge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'app-bridge-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Ablation Studio</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
  bridge = await startBridge({ dataDir: join(dir, 'data'), rendererDir, spawner: recordingSpawner([]), induction: TEST_INDUCTION, log: () => undefined });
});
afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (headers exactly as given, Host included). */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: bridge.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const auth = () => ({ authorization: `Bearer ${bridge.token}` });

describe('access', () => {
  it('refuses API calls and the event stream without the token or with a wrong one', async () => {
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${bridge.token}x` } })).status).toBe(401);
    expect((await raw('/api/events')).status).toBe(401);
    const ok = await raw('/api/queue.state', { method: 'POST', body: '{}', headers: auth() });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { running: null, waiting: [] } });
    const wrong = await createBridgeApi(bridge.url, 'wrong-token').queue.state();
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'internal', message: expect.stringMatching(/refused this page's token/) } });
  });

  it('serves the renderer only with the token (URL once, then its cookie), never files outside it', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    const first = await raw(`/?token=${bridge.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toContain('<title>Ablation Studio</title>');
    expect(first.headers['content-security-policy']).toMatch(/default-src 'self'/);
    const cookie = String(first.headers['set-cookie']).split(';')[0] ?? '';
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const asset = await raw('/assets/app.js', { headers: { cookie } });
    expect(asset).toMatchObject({ status: 200, body: 'console.log("app");' });
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await raw('/assets/app.js')).status).toBe(401);
    expect((await raw('/../secret.txt', { headers: { cookie } })).status).toBe(404);
    expect((await raw('/%2e%2e/secret.txt', { headers: { cookie } })).status).toBe(404);
    // The cookie alone never authorises API calls (another site could make the browser send it).
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { cookie } })).status).toBe(401);
  });

  it('checks the Host header (DNS rebinding) and refuses cross-site API calls', async () => {
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { ...auth(), host: 'evil.example:80' } })).status).toBe(403);
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { ...auth(), host: `localhost:${bridge.port}` } })).status).toBe(200);
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { ...auth(), origin: 'http://evil.example' } })).status).toBe(403);
    expect((await raw('/api/queue.state', { method: 'POST', body: '{}', headers: { ...auth(), origin: `http://127.0.0.1:${bridge.port}` } })).status).toBe(200);
  });

  it('refuses to listen beyond loopback without the explicit flag, naming it', async () => {
    await expect(startBridge({ dataDir: join(dir, 'other'), host: '0.0.0.0' })).rejects.toThrow(/--host: 0\.0\.0\.0 is not a loopback address.*--allow-remote/);
    const open = await startBridge({ dataDir: join(dir, 'remote'), host: '0.0.0.0', allowRemote: true, rendererDir: null });
    try {
      expect((await createBridgeApi(`http://127.0.0.1:${open.port}`, open.token).app.info()).ok).toBe(true);
    } finally {
      await open.close();
    }
  });

  it('answers bad JSON and bad payloads as input errors, unknown requests as not found', async () => {
    const bad = await raw('/api/studies.summary', { method: 'POST', body: '{nope', headers: auth() });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { kind: 'input' } });
    const api = createBridgeApi(bridge.url, bridge.token);
    expect(await api.studies.summary({ id: -2 })).toMatchObject({ ok: false, error: { kind: 'input', field: 'id' } });
    const unknown = await raw('/api/studies.frobnicate', { method: 'POST', body: '{}', headers: auth() });
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});

describe('requests and events through the bridge client', () => {
  it('runs a study and streams its events; reconnects by itself when the server comes back', async () => {
    // A page served by the bridge builds its api from its URL (connect.ts); the token then leaves the address bar.
    const replaced: string[] = [];
    const stored = new Map<string, string>();
    const api = connectStudioApi(
      {
        location: { href: bridge.openUrl, origin: bridge.url },
        sessionStorage: { getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => void stored.set(k, v) },
        history: { replaceState: (_d, _u, url) => void replaced.push(url ?? '') },
      },
      { retryMs: 50 },
    );
    expect(replaced).toEqual(['/']);
    const seen: { name: EventName; payload: unknown }[] = [];
    const names: EventName[] = ['queue.changed', 'study.progress', 'study.finished', 'studies.changed'];
    const offs = names.map((name) => api.on(name, (payload) => seen.push({ name, payload })));
    // Every new stream starts with the queue's state.
    await waitUntil(() => seen.some((e) => e.name === 'queue.changed'), 'the first queue state', EVENT_WAIT);

    const created = await api.studies.create({ spec: smallSpec() });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    await waitUntil(() => seen.some((e) => e.name === 'study.finished' && (e.payload as { studyId: number }).studyId === id), 'study.finished', EVENT_WAIT);
    const progress = seen.filter((e) => e.name === 'study.progress').map((e) => e.payload as { phase: string; done: number });
    expect(progress.map((p) => p.phase)).toContain('running');
    expect(progress.filter((p) => p.phase === 'running').at(-1)?.done).toBe(24);
    const summary = await api.studies.summary({ id });
    expect(summary.ok && summary.value.study.status).toBe('done');

    // The server goes away and comes back on the same port with the same token: the client reconnects.
    const { port, token } = bridge;
    await bridge.close();
    const before = seen.length;
    bridge = await startBridge({ dataDir: join(dir, 'data'), port, token, rendererDir: null, spawner: recordingSpawner([]), induction: TEST_INDUCTION, log: () => undefined });
    await waitUntil(() => seen.slice(before).some((e) => e.name === 'queue.changed'), 'the queue state after reconnecting', EVENT_WAIT);
    expect((await api.queue.state()).ok).toBe(true);
    for (const off of offs) off();
    (api as ReturnType<typeof createBridgeApi>).close();
  });
});

describe('npm run serve', () => {
  it('prints the URL with the token, serves it, refuses a remote host without the flag, stops on SIGTERM', async () => {
    const data = join(dir, 'serve-data');
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const refused = spawn(process.execPath, [tsx, 'src/main/bridge/serve.ts', '--host', '0.0.0.0', '--no-build', '--data-dir', data], { cwd: ROOT });
    let refusedErr = '';
    refused.stderr.on('data', (c: Buffer) => (refusedErr += c.toString()));
    const refusedCode = await new Promise<number | null>((resolve) => refused.on('exit', resolve));
    expect(refusedCode).toBe(1);
    expect(refusedErr).toMatch(/error: --host: 0\.0\.0\.0 is not a loopback address/);

    const child = spawn(process.execPath, [tsx, 'src/main/bridge/serve.ts', '--port', '0', '--no-build', '--data-dir', data], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 600 && !/token=\S+/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(out);
    expect(url, out).not.toBeNull();
    const [, base = '', token = ''] = url ?? [];
    const info = await createBridgeApi(base, token).app.info();
    expect(info).toMatchObject({ ok: true, value: { transport: 'bridge', dataDir: data } });
    expect((await fetch(`${base}/api/app.info`, { method: 'POST', body: '{}' })).status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
