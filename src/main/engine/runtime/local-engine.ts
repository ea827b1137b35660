// The engine itself, as it runs inside the worker thread: opens and hashes the checkpoint, picks
// the provider, fetches or compiles the graph through the cache, and owns the onnxruntime sessions.
// worker-entry.ts exposes it over messages; nothing here knows about threads.

import path from 'node:path';
import { isInputError } from '../../../shared/errors';
import { openCheckpoint, hashCheckpoint, type Checkpoint } from '../checkpoint';
import { resolveFamily } from '../families/registry';
import { compileModel } from '../graph/compile';
import type { ModelSpec } from '../../../shared/model-spec';
import type { EngineInfo, EngineProgress, ExecutionProvider, GraphDtype, GraphVariant } from '../engine-types';
import type { FamilyModule } from '../families/family';
import { ENGINE_VERSION } from './engine-version';
import { ensureGraph, evictGraph, type CachedGraph } from './graph-cache';
import { GraphSession, checkpointEmbeddingRows, type EmbeddingRows, type GraphFeeds } from './graph-session';
import { SegmentedProbe } from './segmented-probe';
import { layerRangeTag, type LayerRange } from '../graph/model-graph';
import { dtypeFor, ortVersion, providerCandidates, type ProviderRequest } from './provider';

/** EngineOptions without the callback (it cannot cross a thread boundary). */
export interface LocalEngineOptions {
  modelDir: string;
  cacheDir: string;
  provider?: ProviderRequest;
  threads?: number;
  /** Run the probe layer by layer, sharing layers between rows (EngineOptions.reuse). */
  reuse?: boolean;
}

/** What answers probe batches: the whole probe graph, or its per-layer segments. */
interface Prober {
  probe(feeds: GraphFeeds): Promise<Float32Array>;
  release(): Promise<void>;
}

export type ProgressSink = (event: EngineProgress) => void;

/** Passes on stage/message changes, completions and every whole percent; drops the rest (hashing
 * a 16 GB checkpoint reports every 4 MB read, which would flood the caller's thread). */
export function throttleProgress(sink: ProgressSink): ProgressSink {
  let last: EngineProgress | null = null;
  return (event) => {
    if (last && last.stage === event.stage && last.message === event.message) {
      const prev = last.fraction;
      const next = event.fraction;
      if (prev === next) return;
      if (prev !== undefined && next !== undefined && next !== 1 && next - prev < 0.01) return;
    }
    last = event;
    sink(event);
  };
}

interface Opened {
  graph: CachedGraph;
  session: GraphSession;
}

/** Layer reuse runs float32 segments on the CPU; CUDA keeps the whole (float16) graph. */
function layerReuseOn(provider: ExecutionProvider, asked: boolean): boolean {
  return asked && provider === 'cpu';
}

/** The whole probe graph, or (layer reuse) one segment graph per layer behind a SegmentedProbe. */
async function openProber(ctx: VariantContext, provider: ExecutionProvider, dtype: GraphDtype, reuse: boolean): Promise<{ graph: CachedGraph; prober: Prober }> {
  if (!reuse) {
    const opened = await openVariant(ctx, 'probe', provider, dtype);
    return { graph: opened.graph, prober: opened.session };
  }
  // fromCache and compileMs sum up the segments.
  const sessions: GraphSession[] = [];
  let compileMs = 0;
  let fromCache = true;
  try {
    for (let l = 0; l < ctx.spec.nLayers; l++) {
      const opened = await openVariant(ctx, 'probe', provider, dtype, { from: l, to: l + 1 });
      sessions.push(opened.session);
      compileMs += opened.graph.compileMs;
      fromCache &&= opened.graph.fromCache;
    }
  } catch (err) {
    for (const s of sessions) await s.release();
    throw err;
  }
  return { graph: { path: '', fromCache, compileMs }, prober: new SegmentedProbe(sessions, ctx.spec.hiddenSize) };
}

export class LocalEngine {
  private patternsSession: GraphSession | null = null;

  private constructor(
    public info: EngineInfo,
    private readonly ctx: VariantContext,
    /** Null while the patterns graph holds the weights (see patterns()). */
    private prober: Prober | null,
  ) {}

  static async open(options: LocalEngineOptions, sink: ProgressSink): Promise<LocalEngine> {
    const progress = throttleProgress(sink);
    const started = performance.now();
    const checkpoint = openCheckpoint(options.modelDir);
    try {
      const family = resolveFamily(checkpoint.config, checkpoint.configPath);
      const spec = family.parseConfig(checkpoint.config, checkpoint.configPath);
      progress({ stage: 'hash', fraction: 0, message: `Hashing ${checkpoint.dir}` });
      // Hashes of multi-GB checkpoints are memoised beside the graphs (keyed by size and mtime there).
      const hash = await hashCheckpoint(checkpoint, path.join(options.cacheDir, 'hash-memo'), (fraction) => {
        if (fraction < 1) progress({ stage: 'hash', fraction, message: `Hashing ${checkpoint.dir}` });
      });
      progress({ stage: 'hash', fraction: 1, message: `Checkpoint ${hash.slice(0, 12)}` });

      let lastError: unknown = null;
      let rows: EmbeddingRows | null = null;
      const embeddingRows = () => (rows ??= checkpointEmbeddingRows(checkpoint, family.weights(checkpoint, spec).embed, spec.hiddenSize));
      const ctx: VariantContext = { checkpoint, family, spec, hash, options, progress, embeddingRows };
      const candidates = await providerCandidates(options.provider ?? 'auto');
      for (const provider of candidates) {
        const dtype = dtypeFor(provider);
        try {
          const reuse = layerReuseOn(provider, options.reuse === true);
          const opened = await openProber(ctx, provider, dtype, reuse);
          const info: EngineInfo = {
            spec,
            provider,
            dtype,
            checkpointHash: hash,
            ortVersion: ortVersion(),
            engineVersion: ENGINE_VERSION,
            fromCache: opened.graph.fromCache,
            compileMs: opened.graph.compileMs,
            layerReuse: reuse,
          };
          progress({ stage: 'load', fraction: 1, message: `Ready on ${provider} (${dtype}) in ${Math.round(performance.now() - started)} ms` });
          return new LocalEngine(info, ctx, opened.prober);
        } catch (err) {
          // `auto` falls back from CUDA to CPU when a real graph will not start on the GPU; bad input
          // would fail the same way on the CPU.
          lastError = err;
          if (provider === 'cpu' || candidates.length === 1 || isInputError(err)) throw err;
          progress({ stage: 'load', message: `CUDA failed (${err instanceof Error ? err.message : err}); falling back to CPU` });
        }
      }
      throw lastError;
    } catch (err) {
      checkpoint.close();
      throw err;
    }
  }

  get spec(): ModelSpec {
    return this.info.spec;
  }

  // The probe and the patterns graph each hold a copy of the model's weights (mapped and prepacked),
  // so only one of them is open at a time: a study that computes its induction scores first would
  // otherwise hold both (a Llama-3.2-1B-shaped study: 12.4 GB, 2.5x its fp32 weights, against 6.5 GB).
  // Switching reopens from the graph cache; a study switches once.

  async probe(feeds: GraphFeeds): Promise<Float32Array> {
    return (await this.openedProber()).probe(feeds);
  }

  private async openedProber(): Promise<Prober> {
    await this.releasePatterns();
    this.prober ??= (await openProber(this.ctx, this.info.provider, this.info.dtype, this.info.layerReuse)).prober;
    return this.prober;
  }

  async patterns(feeds: GraphFeeds): Promise<Float32Array[]> {
    await this.releaseProber();
    this.patternsSession ??= (await openVariant(this.ctx, 'patterns', this.info.provider, this.info.dtype)).session;
    return this.patternsSession.patterns(feeds);
  }

  /** The probe's sessions open now, in the given mode (layer reuse on the CPU only). */
  async prepareProbe(layerReuse: boolean): Promise<boolean> {
    const reuse = layerReuseOn(this.info.provider, layerReuse);
    if (reuse !== this.info.layerReuse) {
      await this.releaseProber();
      this.info = { ...this.info, layerReuse: reuse };
    }
    await this.openedProber();
    return reuse;
  }

  /** Which graphs hold sessions now (tests of the one-at-a-time rule). */
  get openGraphs(): { probe: boolean; patterns: boolean } {
    return { probe: this.prober !== null, patterns: this.patternsSession !== null };
  }

  private async releaseProber(): Promise<void> {
    const prober = this.prober;
    this.prober = null;
    await prober?.release();
  }

  private async releasePatterns(): Promise<void> {
    const session = this.patternsSession;
    this.patternsSession = null;
    await session?.release();
  }

  async close(): Promise<void> {
    await this.releaseProber();
    await this.releasePatterns();
    this.ctx.checkpoint.close();
  }
}

const OUT_OF_MEMORY = /bad_alloc|out of memory|failed to allocate/i;

interface VariantContext {
  checkpoint: Checkpoint;
  family: FamilyModule;
  spec: ModelSpec;
  hash: string;
  options: LocalEngineOptions;
  progress: ProgressSink;
  /** The embedding table's reader for float32 graphs, made on first use and shared by every graph. */
  embeddingRows: () => EmbeddingRows;
}

/**
 * float32 graphs take their embedding rows as an input, read from the checkpoint per batch, so the
 * table never sits in memory (model-graph.ts: embeddingsInput). The float16 (CUDA) graph keeps its
 * table on the device.
 */
function takesEmbeddings(dtype: GraphDtype): boolean {
  return dtype === 'float32';
}

/**
 * Cached graph + session for one variant. A cached graph that onnxruntime refuses (truncated,
 * overwritten, from a crashed writer of an older app) is evicted and rebuilt once; a freshly built
 * graph that fails is a real error and propagates.
 */
async function openVariant(ctx: VariantContext, variant: GraphVariant, provider: ExecutionProvider, dtype: GraphDtype, layers?: LayerRange): Promise<Opened> {
  const part = layers ? layerRangeTag(layers) : undefined;
  const key = { cacheDir: ctx.options.cacheDir, checkpointHash: ctx.hash, variant, dtype, part };
  const what = layers ? `${variant} graph's layer ${layers.from + 1} of ${ctx.spec.nLayers}` : `${variant} graph`;
  const build = async (outPath: string) => {
    ctx.progress({ stage: 'compile', fraction: 0, message: `Compiling the ${what} (${dtype})` });
    const weights = ctx.family.weights(ctx.checkpoint, ctx.spec);
    await compileModel({
      checkpoint: ctx.checkpoint,
      spec: ctx.spec,
      weights,
      variant,
      dtype,
      outPath,
      layers,
      embeddingsInput: takesEmbeddings(dtype),
      // CPU: every weight in the external data file, which onnxruntime maps into memory instead of
      // copying out of the parsed model (GPT-2-small shape: peak 1.15 -> 0.95 GB for 0.48 GB of weights).
      externalThresholdBytes: provider === 'cpu' ? 0 : undefined,
      onProgress: (fraction) => ctx.progress({ stage: 'compile', fraction, message: `Compiling the ${what} (${dtype})` }),
    });
  };
  const threads = ctx.options.threads ?? 0;
  const rows = takesEmbeddings(dtype) ? ctx.embeddingRows() : null;
  const rebuilding = (why: string) => ctx.progress({ stage: 'compile', message: `Rebuilding the ${variant} graph: ${why}` });
  let graph = await ensureGraph(key, build, rebuilding);
  ctx.progress({ stage: 'load', message: `Loading the ${variant} graph on ${provider}` });
  try {
    return { graph, session: await GraphSession.open(graph.path, provider, threads, !layers, rows) };
  } catch (err) {
    // Running out of memory says nothing about the file: keep a good (maybe 30 GB) cached graph.
    if (!graph.fromCache || OUT_OF_MEMORY.test(err instanceof Error ? err.message : String(err))) throw err;
    ctx.progress({ stage: 'compile', message: `Cached ${variant} graph is unreadable; rebuilding it` });
    evictGraph(graph.path);
    graph = await ensureGraph(key, build);
    return { graph, session: await GraphSession.open(graph.path, provider, threads, !layers, rows) };
  }
}
