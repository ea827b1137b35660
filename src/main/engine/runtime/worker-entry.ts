// Entry of the engine's side: one LocalEngine, driven by messages from worker-host.ts. The same file
// runs in a worker thread, in a child_process.fork (plain Node) and in an Electron utilityProcess;
// parentChannel() finds which. Requests run one after another (onnxruntime already uses every core
// for one batch). Started directly when built (engine-worker.js) and via worker-bootstrap.mjs (tsx)
// in development and tests.

import { parentPort } from 'node:worker_threads';
import { LocalEngine } from './local-engine';
import { ownBuffers, serializeError, type Reply, type Request } from './worker-protocol';
import { first } from '../../../shared/checked';

interface ParentChannel {
  post(reply: Reply, transfer: ArrayBuffer[]): void;
  onMessage(handler: (req: Request) => void): void;
}

/** Electron's utility process exposes process.parentPort (typed here so no Electron types are needed). */
interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

function parentChannel(): ParentChannel {
  const thread = parentPort;
  if (thread) {
    return { post: (reply, transfer) => thread.postMessage(reply, transfer), onMessage: (h) => thread.on('message', h) };
  }
  const utility = (process as unknown as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    return { post: (reply) => utility.postMessage(reply), onMessage: (h) => utility.on('message', (e) => h(e.data as Request)) };
  }
  const send = process.send?.bind(process);
  if (send) {
    // The parent went away (crashed or killed): nobody will ever ask anything again.
    process.on('disconnect', () => process.exit(0));
    return { post: (reply) => void send(reply), onMessage: (h) => process.on('message', (m) => h(m as Request)) };
  }
  throw new Error('worker-entry must run in a worker thread, a forked child process or an Electron utility process');
}

const port = parentChannel();
let engine: LocalEngine | null = null;
let queue: Promise<void> = Promise.resolve();

function post(reply: Reply, transfer: ArrayBuffer[] = []): void {
  port.post(reply, transfer);
}

function requireEngine(): LocalEngine {
  if (!engine) throw new Error('engine not loaded');
  return engine;
}

async function handle(req: Request): Promise<void> {
  switch (req.op) {
    case 'load': {
      engine = await LocalEngine.open(req.options, (event) => post({ kind: 'progress', event }));
      post({ kind: 'result', id: req.id, value: engine.info });
      return;
    }
    case 'probe': {
      const e = requireEngine();
      const probs = await e.probe({ ...req, nLayers: e.spec.nLayers, nHeads: e.spec.nHeads });
      const { arrays, buffers } = ownBuffers([probs]);
      post({ kind: 'result', id: req.id, value: first(arrays) }, buffers);
      return;
    }
    case 'patterns': {
      const e = requireEngine();
      const { nLayers, nHeads } = e.spec;
      const size = req.batch * nLayers * nHeads;
      // The patterns graph runs unablated: keep every head, no uniform mix.
      const feeds = { ...req, nLayers, nHeads, headKeep: new Float32Array(size).fill(1), headUniform: new Float32Array(size) };
      const { arrays, buffers } = ownBuffers(await e.patterns(feeds));
      post({ kind: 'result', id: req.id, value: arrays }, buffers);
      return;
    }
    case 'prepare-probe': {
      post({ kind: 'result', id: req.id, value: await requireEngine().prepareProbe(req.layerReuse) });
      return;
    }
    case 'close': {
      await engine?.close();
      engine = null;
      post({ kind: 'result', id: req.id, value: null });
      return;
    }
  }
}

port.onMessage((req) => {
  queue = queue.then(() =>
    handle(req).catch((err: unknown) => post({ kind: 'error', id: req.id, error: serializeError(err) })),
  );
});
