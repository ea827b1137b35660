// The Engine the rest of the app holds: a proxy whose methods post messages to the engine worker
// (worker-entry.ts) and resolve with its replies. Compilation and inference never run on the
// caller's thread, so the Electron main process and the UI stay responsive.

import { Worker } from 'node:worker_threads';
import { InputError } from '../../../shared/errors';
import type { Engine, EngineInfo, EngineOptions, ProbeBatch } from '../engine-types';
import { resolveWorkerEntry } from './worker-path';
import { deserializeError, type Reply, type Request } from './worker-protocol';
import { at } from '../../../shared/checked';

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** ids as int64, checked against the batch shape and the vocabulary (out-of-range ids would be UB in Gather). */
function toInt64(ids: ArrayLike<number>, count: number, vocabSize: number): BigInt64Array {
  if (ids.length !== count) throw new RangeError(`inputIds has ${ids.length} ids, expected batch x seqLen = ${count}`);
  const out = new BigInt64Array(count);
  for (let i = 0; i < count; i++) {
    const id = at(ids, i);
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new RangeError(`inputIds[${i}] = ${id} is not a token id (vocabulary size ${vocabSize})`);
    }
    out[i] = BigInt(id);
  }
  return out;
}

class WorkerEngine implements Engine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: Error | null = null;
  info!: EngineInfo;

  constructor(private readonly worker: Worker, private readonly onProgress: EngineOptions['onProgress']) {
    worker.on('message', (reply: Reply) => this.receive(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`engine worker exited (code ${code})`)));
    worker.unref(); // only pending requests keep the process alive (see call())
  }

  private receive(reply: Reply): void {
    if (reply.kind === 'progress') {
      this.onProgress?.(reply.event);
      return;
    }
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.kind === 'error') p.reject(deserializeError(reply.error));
    else p.resolve(reply.value);
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call<T>(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  async probe(batch: ProbeBatch): Promise<Float32Array> {
    const { nLayers: L, nHeads: H, vocabSize } = this.info.spec;
    const { batch: B, seqLen: S } = batch;
    this.checkSeqLen(S);
    const inputIds = toInt64(batch.inputIds, B * S, vocabSize);
    for (const [name, arr] of [['headKeep', batch.headKeep], ['headUniform', batch.headUniform]] as const) {
      if (arr.length !== B * L * H) throw new RangeError(`${name} has ${arr.length} values, expected B x L x H = ${B * L * H}`);
    }
    // Head controls are small ([B, L, H]) and usually reused by the caller: copied, not transferred.
    const body = { op: 'probe' as const, batch: B, seqLen: S, inputIds, headKeep: batch.headKeep.slice(), headUniform: batch.headUniform.slice() };
    return this.call<Float32Array>(body, [inputIds.buffer as ArrayBuffer, body.headKeep.buffer as ArrayBuffer, body.headUniform.buffer as ArrayBuffer]);
  }

  async patterns(ids: ArrayLike<number>, batch: number, seqLen: number): Promise<Float32Array[]> {
    this.checkSeqLen(seqLen);
    const inputIds = toInt64(ids, batch * seqLen, this.info.spec.vocabSize);
    return this.call<Float32Array[]>({ op: 'patterns', batch, seqLen, inputIds }, [inputIds.buffer as ArrayBuffer]);
  }

  /** Past the position table the graph would fail deep inside onnxruntime; say so plainly instead. */
  private checkSeqLen(seqLen: number): void {
    const { maxPositions } = this.info.spec;
    if (seqLen > maxPositions) {
      throw new InputError('prompts', `${seqLen} tokens exceed the model's ${maxPositions} positions (max_position_embeddings)`);
    }
  }

  async close(): Promise<void> {
    if (!this.exited) {
      try {
        await this.call<null>({ op: 'close' });
      } finally {
        await this.worker.terminate();
      }
    }
  }
}

/** Starts a worker, loads the engine in it, and returns the proxy (or rethrows the load error). */
export async function startEngineWorker(options: EngineOptions): Promise<Engine> {
  const entry = resolveWorkerEntry();
  // The tsx bootstrap registers its own loader; inherited loader flags (vitest's, tsx's CLI) are dropped.
  const worker = new Worker(entry.url, entry.viaTsx ? { execArgv: [] } : {});
  const engine = new WorkerEngine(worker, options.onProgress);
  const { onProgress: _ignored, ...plain } = options;
  try {
    engine.info = await engine.call<EngineInfo>({ op: 'load', options: plain });
    return engine;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
}
