// The Engine the rest of the app holds: a proxy whose methods post messages to the engine's side
// (worker-entry.ts, in a thread or a separate process: engine-channel.ts) and resolve with its
// replies. Compilation and inference never run on the caller's thread, so the Electron main
// process and the UI stay responsive; if the engine's side dies, every pending call rejects with
// the reason (a crashed engine process fails the study, not the app).

import { InputError } from '../../../shared/errors';
import type { Engine, EngineInfo, EngineOptions, ProbeBatch } from '../engine-types';
import { spawnEngine, type EngineChannel, type EngineSpawner } from './engine-channel';
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

/** Raised for every call pending or made after the engine's thread or process is gone. */
export class EngineExitedError extends Error {
  override name = 'EngineExitedError';
}

class ChannelEngine implements Engine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: Error | null = null;
  private closing = false;
  info!: EngineInfo;

  constructor(private readonly channel: EngineChannel, private readonly onProgress: EngineOptions['onProgress']) {
    channel.onMessage((reply) => this.receive(reply));
    channel.onExit((reason) => this.fail(new EngineExitedError(this.closing ? `${reason}: the engine was closed` : `${reason} unexpectedly`)));
  }

  /** The engine's OS process id (null when it runs in a thread). */
  get processId(): number | null {
    return this.channel.pid;
  }

  private receive(reply: Reply): void {
    if (reply.kind === 'progress') {
      this.onProgress?.(reply.event);
      return;
    }
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.channel.setBusy(false);
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
      this.channel.setBusy(true);
      this.channel.send({ ...body, id } as Request, transfer);
    });
  }

  async probe(batch: ProbeBatch): Promise<Float32Array> {
    const { nLayers: L, nHeads: H, vocabSize } = this.info.spec;
    const { batch: B, seqLen: S } = batch;
    this.checkSeqLen(S);
    const inputIds = toInt64(batch.inputIds, B * S, vocabSize);
    const valueBias = batch.headValueBias ?? new Float32Array(B * L * H);
    for (const [name, arr] of [['headKeep', batch.headKeep], ['headUniform', batch.headUniform], ['headValueBias', valueBias]] as const) {
      if (arr.length !== B * L * H) throw new RangeError(`${name} has ${arr.length} values, expected B x L x H = ${B * L * H}`);
    }
    // Head controls are small ([B, L, H]) and usually reused by the caller: copied, not transferred.
    const controls = { headKeep: batch.headKeep.slice(), headUniform: batch.headUniform.slice(), headValueBias: valueBias.slice() };
    const body = { op: 'probe' as const, batch: B, seqLen: S, inputIds, ...controls };
    const buffers = [inputIds, controls.headKeep, controls.headUniform, controls.headValueBias].map((a) => a.buffer as ArrayBuffer);
    return this.call<Float32Array>(body, buffers);
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

  async prepareProbe(layerReuse: boolean): Promise<boolean> {
    const now = await this.call<boolean>({ op: 'prepare-probe', layerReuse });
    this.info = { ...this.info, layerReuse: now };
    return now;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    try {
      await this.call<null>({ op: 'close' });
    } finally {
      await this.channel.terminate();
    }
  }
}

/**
 * Starts the engine's side (a worker thread by default; `spawner` picks a process instead), loads
 * the engine in it, and returns the proxy (or rethrows the load error).
 */
export async function startEngineWorker(options: EngineOptions, spawner?: EngineSpawner): Promise<Engine> {
  const { onProgress, spawner: _spawner, signal, ...plain } = options;
  signal?.throwIfAborted();
  const channel = spawnEngine(spawner);
  const engine = new ChannelEngine(channel, onProgress);
  // Compiling a large model takes minutes: a stop request ends the engine's side at once.
  const stop = () => void channel.terminate();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    engine.info = await engine.call<EngineInfo>({ op: 'load', options: plain });
    return engine;
  } catch (err) {
    await channel.terminate();
    throw err;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
