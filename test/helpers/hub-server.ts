// A local Hugging Face hub for download tests: two real HTTP servers on 127.0.0.1 (port 0), the hub
// and the CDN it redirects large files to, answering as huggingface.co does: the model-info, tree,
// auth-check and whoami APIs; `resolve/{rev}/{path}` with ETag (git blob sha1) and X-Repo-Commit for
// small files, a 302 to the CDN with X-Linked-Etag (sha256) / X-Linked-Size for LFS files; byte
// ranges; 401/403 with X-Error-Code GatedRepo / RepoNotFound / RevisionNotFound / EntryNotFound and
// "Invalid credentials in Authorization header". Faults (a connection dropped mid-file, corrupted
// bytes, a transfer that stalls) are injected per file.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HubRepoFixture {
  id: string;
  files: Record<string, Uint8Array | string>;
  /** Branch or tag -> commit; `main` defaults to a commit derived from the id. */
  refs?: Record<string, string>;
  gated?: false | 'auto' | 'manual';
  private?: boolean;
  /** Sizes the listing announces instead of the real ones (a model too big for the disk). */
  listedSizes?: Record<string, number>;
}

export interface HubUser {
  name: string;
  /** Gated or private repos this account may download. */
  access: string[];
}

export type Fault =
  | { kind: 'drop'; path: string; afterBytes: number; times: number }
  | { kind: 'corrupt'; path: string; times: number }
  | { kind: 'stall'; path: string; afterBytes: number; times: number; onStall?: () => void };

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | null;
  authorized: boolean;
  status: number;
}

export interface HubServer {
  endpoint: string;
  cdn: string;
  log: LoggedRequest[];
  addFault(fault: Fault): void;
  /** The commit `main` of a repo points at. */
  commitOf(repoId: string, ref?: string): string;
  close(): Promise<void>;
}

interface StoredFile {
  path: string;
  bytes: Buffer;
  gitOid: string;
  sha256: string;
  lfs: boolean;
}

const LFS_FILE = /\.(safetensors|bin|pth?|gguf|onnx|model)$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** git's blob id (what `git hash-object` prints): the hub's ETag for files kept in git. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export async function startHubServer(repos: HubRepoFixture[], users: Record<string, HubUser>): Promise<HubServer> {
  const log: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const stalled = new Set<Socket>();
  const stored = new Map<string, { fixture: HubRepoFixture; files: Map<string, StoredFile>; refs: Record<string, string> }>();
  for (const fixture of repos) {
    const files = new Map<string, StoredFile>();
    for (const [path, content] of Object.entries(fixture.files)) {
      const bytes = Buffer.from(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      files.set(path, { path, bytes, gitOid: gitBlobId(bytes), sha256: sha256Hex(bytes), lfs: LFS_FILE.test(path) });
    }
    const main = createHash('sha1').update(`commit of ${fixture.id}`).digest('hex');
    stored.set(fixture.id, { fixture, files, refs: { main, ...fixture.refs } });
  }
  const blobsBySha = new Map([...stored.values()].flatMap((r) => [...r.files.values()].map((f) => [f.sha256, f] as const)));

  const hub = createServer((req, res) => void handleHub(req, res));
  const cdn = createServer((req, res) => serveCdn(req, res));
  for (const server of [hub, cdn]) server.on('connection', (socket) => socket.setNoDelay(true));
  const endpoint = await listen(hub);
  const cdnOrigin = await listen(cdn);

  function record(server: 'hub' | 'cdn', req: IncomingMessage, status: number): void {
    log.push({ server, method: req.method ?? 'GET', path: decodeURIComponent(req.url ?? ''), range: req.headers.range ?? null, authorized: Boolean(req.headers.authorization), status });
  }

  function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string | null, message: string): void {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Error-Message': message };
    if (code) headers['X-Error-Code'] = code;
    res.writeHead(status, headers).end(JSON.stringify({ error: message }));
    record('hub', req, status);
  }

  /** The caller's account: undefined for no token, null for a token the hub does not know. */
  function caller(req: IncomingMessage): HubUser | null | undefined {
    const auth = req.headers.authorization;
    if (!auth) return undefined;
    return users[auth.replace(/^Bearer /, '')] ?? null;
  }

  async function handleHub(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', endpoint);
    const user = caller(req);
    if (user === null) return refuse(req, res, 401, null, 'Invalid credentials in Authorization header');
    if (url.pathname === '/api/whoami-v2') {
      if (!user) return refuse(req, res, 401, null, 'Invalid credentials in Authorization header');
      return json(req, res, { type: 'user', name: user.name, auth: { type: 'access_token', accessToken: { displayName: 'tests', role: 'read', createdAt: '2025-01-01T00:00:00.000Z' } } });
    }
    const api = /^\/api\/models\/(.+?)\/(revision|tree)\/([^/]+)(?:\/.*)?$/.exec(url.pathname) ?? /^\/api\/models\/(.+?)\/(auth-check)$/.exec(url.pathname);
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = decodeURIComponent((api ?? resolve)?.[1] ?? '');
    const repo = stored.get(repoId);
    if (!repo || (repo.fixture.private && !user?.access.includes(repoId))) {
      return refuse(req, res, user ? 404 : 401, 'RepoNotFound', 'Repository not found');
    }
    const gatedRefusal = (): void => {
      if (!user) {
        return refuse(req, res, 401, 'GatedRepo', `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      }
      return refuse(req, res, 403, 'GatedRepo', `Access to model ${repoId} is restricted and you are not in the authorized list. Visit ${endpoint}/${repoId} to ask for access.`);
    };
    const mayDownload = !repo.fixture.gated || Boolean(user?.access.includes(repoId));
    if (api?.[2] === 'auth-check') return mayDownload ? json(req, res, {}) : gatedRefusal();
    const rev = decodeURIComponent((api ? api[3] : resolve?.[2]) ?? '');
    const commit = repo.refs[rev] ?? (Object.values(repo.refs).includes(rev) ? rev : null);
    if (!commit) return refuse(req, res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    if (api?.[2] === 'revision') return json(req, res, modelInfoJson(repo.fixture, repo.files, commit));
    if (api?.[2] === 'tree') return json(req, res, [...repo.files.values()].map((f) => treeEntry(f, repo.fixture.listedSizes?.[f.path])));
    if (!resolve) return refuse(req, res, 404, null, 'Not found');
    if (!mayDownload) return gatedRefusal();
    const file = repo.files.get(decodeURIComponent(resolve[3] ?? ''));
    if (!file) return refuse(req, res, 404, 'EntryNotFound', 'Entry not found');
    if (file.lfs) {
      res.writeHead(302, {
        Location: `${cdnOrigin}/blobs/${file.sha256}?X-Amz-Signature=test`,
        'X-Linked-Etag': `"${file.sha256}"`,
        'X-Linked-Size': String(file.bytes.length),
        'X-Repo-Commit': commit,
        ETag: `"${file.gitOid}"`,
      }).end();
      return record('hub', req, 302);
    }
    sendBytes('hub', req, res, file, { ETag: `"${file.gitOid}"`, 'X-Repo-Commit': commit });
  }

  function serveCdn(req: IncomingMessage, res: ServerResponse): void {
    const sha = /^\/blobs\/([0-9a-f]{64})/.exec(req.url ?? '')?.[1];
    const file = sha ? blobsBySha.get(sha) : undefined;
    if (!file) {
      res.writeHead(404).end('NoSuchKey');
      return record('cdn', req, 404);
    }
    sendBytes('cdn', req, res, file, { ETag: `"${file.sha256}"` });
  }

  /** 200 or 206 (single `bytes=a-` / `bytes=a-b` ranges, as huggingface_hub sends), with any fault for the file. */
  function sendBytes(server: 'hub' | 'cdn', req: IncomingMessage, res: ServerResponse, file: StoredFile, headers: Record<string, string>): void {
    const size = file.bytes.length;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m?.[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (m && start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return record(server, req, 416);
    }
    let body = file.bytes.subarray(start, end + 1);
    const status = m ? 206 : 200;
    const out: Record<string, string> = { ...headers, 'Content-Length': String(body.length), 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    if (m) out['Content-Range'] = `bytes ${start}-${end}/${size}`;
    record(server, req, status);
    if (req.method === 'HEAD') return void res.writeHead(status, out).end();
    const fault = takeFault(file.path);
    if (fault?.kind === 'corrupt') {
      body = Buffer.from(body);
      for (let i = 0; i < body.length; i += 97) body[i] = (body[i] ?? 0) ^ 0xff;
    }
    res.writeHead(status, out);
    if (fault?.kind === 'drop' || fault?.kind === 'stall') {
      res.write(body.subarray(0, fault.afterBytes), () => {
        // FIN, not RST: the client keeps every byte sent before the connection closed.
        if (fault.kind === 'drop') return void res.socket?.end();
        if (res.socket) stalled.add(res.socket);
        fault.onStall?.();
      });
      return;
    }
    res.end(body);
  }

  function takeFault(path: string): Fault | undefined {
    const i = faults.findIndex((f) => f.path === path && f.times > 0);
    const fault = faults[i];
    if (fault) fault.times--;
    return fault;
  }

  function json(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    record('hub', req, 200);
  }

  return {
    endpoint,
    cdn: cdnOrigin,
    log,
    addFault: (fault) => void faults.push(fault),
    commitOf: (repoId, ref = 'main') => {
      const commit = stored.get(repoId)?.refs[ref];
      if (!commit) throw new Error(`no ${ref} in ${repoId}`);
      return commit;
    },
    async close() {
      for (const socket of stalled) socket.destroy();
      await Promise.all([hub, cdn].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function treeEntry(f: StoredFile, listedSize = f.bytes.length): Record<string, unknown> {
  const entry: Record<string, unknown> = { type: 'file', oid: f.gitOid, size: listedSize, path: f.path };
  if (f.lfs) entry.lfs = { oid: f.sha256, size: listedSize, pointerSize: 134 };
  return entry;
}

function modelInfoJson(fixture: HubRepoFixture, files: Map<string, StoredFile>, commit: string): Record<string, unknown> {
  const configFile = files.get('config.json');
  let config: Record<string, unknown> = {};
  if (configFile) {
    const parsed = JSON.parse(configFile.bytes.toString('utf8')) as Record<string, unknown>;
    config = { architectures: parsed.architectures, model_type: parsed.model_type };
  }
  return {
    _id: createHash('sha1').update(fixture.id).digest('hex').slice(0, 24),
    id: fixture.id,
    sha: commit,
    private: Boolean(fixture.private),
    gated: fixture.gated ?? false,
    downloads: 0,
    likes: 0,
    lastModified: '2025-01-01T00:00:00.000Z',
    pipeline_tag: 'text-generation',
    config,
    siblings: [...files.keys()].map((rfilename) => ({ rfilename })),
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}
