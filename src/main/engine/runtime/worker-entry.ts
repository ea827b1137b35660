// Entry of the engine worker thread: one LocalEngine, driven by messages from worker-host.ts.
// Requests run one after another (onnxruntime already uses every core for one batch), and
// results go back as transferred buffers. Started directly when built (engine-worker.js) and via
// worker-bootstrap.mjs (tsx) in development and tests.

import { parentPort } from 'node:worker_threads';
import { LocalEngine } from './local-engine';
import { ownBuffers, serializeError, type Reply, type Request } from './worker-protocol';
import { first } from '../../../shared/checked';

if (!parentPort) throw new Error('worker-entry must run in a worker thread');
const port = parentPort;

let engine: LocalEngine | null = null;
let queue: Promise<void> = Promise.resolve();

function post(reply: Reply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
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
    case 'close': {
      await engine?.close();
      engine = null;
      post({ kind: 'result', id: req.id, value: null });
      return;
    }
  }
}

port.on('message', (req: Request) => {
  queue = queue.then(() =>
    handle(req).catch((err: unknown) => post({ kind: 'error', id: req.id, error: serializeError(err) })),
  );
});
