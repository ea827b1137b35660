// One onnxruntime session over one compiled graph (probe or patterns variant): feeds the graph's
// inputs (input_ids, head_keep, head_uniform, and inputs_embeds where the graph takes its embedding
// rows from outside; README: Engine) and hands back float32 outputs whatever the graph's dtype.
// On CPU a probe batch runs as a few small sub-batches (each row's output does not depend on the
// rows beside it), because per-row cost grows with the batch once its tensors leave the cache.

import * as ort from 'onnxruntime-node';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { ExecutionProvider } from '../engine-types';
import type { LazyTensor } from '../graph/weights';
import { fromFloat16Array, toFloat16Array } from '../half-precision';
import { DEFAULT_QUERY_BLOCKS } from '../graph/blocked-attention';
import { HIDDEN_IN, INPUTS_EMBEDS, patternOutputName } from '../graph/model-graph';
import { sessionOptions } from './provider';

/** Head controls and ids for one batch, already sized [B, S] and [B, L, H]. */
export interface GraphFeeds {
  inputIds: BigInt64Array;
  headKeep: Float32Array;
  headUniform: Float32Array;
  /** Zeros when absent (value biases removed with the head, or none in the model). */
  headValueBias?: Float32Array;
  batch: number;
  seqLen: number;
  nLayers: number;
  nHeads: number;
}

/** The embedding rows of a batch's token ids, [B*S*D] float32, for graphs that take inputs_embeds. */
export type EmbeddingRows = (inputIds: BigInt64Array) => Float32Array;

/** Rows of a checkpoint's embedding table as stored (the graph applies any embedding scale). */
export function checkpointEmbeddingRows(checkpoint: Checkpoint, embed: LazyTensor, width: number): EmbeddingRows {
  // A family that transforms its table at compile time would need the same transform here.
  if (embed.note) throw new Error(`the embedding table ${embed.name} is transformed (${embed.note}); the engine reads it only as stored`);
  return (ids) => {
    const out = new Float32Array(ids.length * width);
    checkpoint.readRowsFloat32(embed.name, ids, out);
    return out;
  };
}

/**
 * Bytes of one attention block's float32 scores a CPU sub-batch may hold. Demo model (S = 501,
 * 8 heads: 1 MB of block scores per row) on the shared 2-core dev machine, rows/s by rows per run,
 * other core busy: 1: 76, 2: 78, 4: 75, 8: 73, 16: 65 (32: ~45); both cores idle: 1: 91, 2: 112,
 * 4: 126, 8: 130, 16: 125. Four MiB (4 rows here) is near the best of both.
 */
const CPU_SUB_BATCH_BYTES = 4 << 20;

/** Rows per onnxruntime run on CPU: as many as keep one query block's float32 scores within the budget. */
export function cpuSubBatchRows(seqLen: number, nHeads: number): number {
  const blockScoreBytes = nHeads * Math.ceil(seqLen / DEFAULT_QUERY_BLOCKS) * seqLen * 4;
  return Math.max(1, Math.floor(CPU_SUB_BATCH_BYTES / blockScoreBytes));
}

/** Rows [b0, b0 + n) of a batch's feeds, as views (no copy). */
export function feedRows(f: GraphFeeds, b0: number, n: number): GraphFeeds {
  const gates = f.nLayers * f.nHeads; // per row
  return {
    ...f,
    batch: n,
    inputIds: f.inputIds.subarray(b0 * f.seqLen, (b0 + n) * f.seqLen),
    headKeep: f.headKeep.subarray(b0 * gates, (b0 + n) * gates),
    headUniform: f.headUniform.subarray(b0 * gates, (b0 + n) * gates),
    headValueBias: f.headValueBias?.subarray(b0 * gates, (b0 + n) * gates),
  };
}

/** A named output of a run as float32 (onnxruntime returns every output it was asked for). */
function outputFloat32(outputs: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`graph run returned no output ${name}`);
  return toFloat32(tensor);
}

function toFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return fromFloat16Array(tensor.data as Uint16Array);
  throw new Error(`graph output has type ${tensor.type}, expected float32 or float16`);
}

export class GraphSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** Element type the graph declares for each float input (float32 or float16). */
    private readonly inputTypes: Map<string, string>,
    private readonly provider: ExecutionProvider,
    private readonly embeddingRows: EmbeddingRows | null,
  ) {}

  /**
   * Throws when onnxruntime cannot load the file (corrupt graph) or start the provider, or when the
   * graph takes inputs_embeds and no `embeddingRows` is given.
   */
  static async open(graphPath: string, provider: ExecutionProvider, threads: number, memoryArena = true, embeddingRows: EmbeddingRows | null = null): Promise<GraphSession> {
    const session = await ort.InferenceSession.create(graphPath, sessionOptions(provider, threads, memoryArena));
    const types = new Map<string, string>();
    for (const meta of session.inputMetadata) if (meta.isTensor) types.set(meta.name, meta.type);
    if (types.has(INPUTS_EMBEDS) && !embeddingRows) {
      await session.release();
      throw new Error(`graph ${graphPath} takes ${INPUTS_EMBEDS}, but no embedding table was given to read them from`);
    }
    return new GraphSession(session, types, provider, embeddingRows);
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  private floatTensor(name: string, values: Float32Array, dims: number[]): ort.Tensor {
    return this.inputTypes.get(name) === 'float16'
      ? new ort.Tensor('float16', toFloat16Array(values), dims)
      : new ort.Tensor('float32', values, dims);
  }

  private feeds(f: GraphFeeds): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', f.inputIds, [f.batch, f.seqLen]),
    };
    if (this.embeddingRows && this.inputTypes.has(INPUTS_EMBEDS)) {
      const rows = this.embeddingRows(f.inputIds);
      feeds[INPUTS_EMBEDS] = this.floatTensor(INPUTS_EMBEDS, rows, [f.batch, f.seqLen, rows.length / (f.batch * f.seqLen)]);
    }
    // A graph compiled without head controls simply lacks these inputs.
    const headDims = [f.batch, f.nLayers, f.nHeads];
    if (this.inputTypes.has('head_keep')) feeds.head_keep = this.floatTensor('head_keep', f.headKeep, headDims);
    if (this.inputTypes.has('head_uniform')) feeds.head_uniform = this.floatTensor('head_uniform', f.headUniform, headDims);
    // Only graphs of models with value biases have this input.
    if (this.inputTypes.has('head_value_bias')) {
      const weights = f.headValueBias ?? new Float32Array(f.headUniform.length);
      feeds.head_value_bias = this.floatTensor('head_value_bias', weights, headDims);
    }
    return feeds;
  }

  /** token_probs [B*S]; on CPU in sub-batches of cpuSubBatchRows rows (GPUs want the whole batch). */
  async probe(f: GraphFeeds): Promise<Float32Array> {
    const rows = this.provider === 'cpu' ? cpuSubBatchRows(f.seqLen, f.nHeads) : f.batch;
    if (rows >= f.batch) return this.probeRun(f);
    const out = new Float32Array(f.batch * f.seqLen);
    for (let b0 = 0; b0 < f.batch; b0 += rows) {
      out.set(await this.probeRun(feedRows(f, b0, Math.min(rows, f.batch - b0))), b0 * f.seqLen);
    }
    return out;
  }

  private async probeRun(f: GraphFeeds): Promise<Float32Array> {
    const out = await this.session.run(this.feeds(f), ['token_probs']);
    return outputFloat32(out, 'token_probs');
  }

  /**
   * One run of a float32 segment graph (segmented-probe.ts): `hidden` is its hidden_in [B, S, size]
   * (none for the first segment); onnxruntime writes `output` (hidden_out [B, S, D] or token_probs
   * [B, S]) into `into`, exactly its size, instead of allocating it: a study's per-layer runs then
   * make no garbage for the collector to catch up with.
   */
  async runSegment(f: GraphFeeds, hidden: { data: Float32Array; size: number } | null, output: string, into: { data: Float32Array; dims: number[] }): Promise<void> {
    const feeds = this.feeds(f);
    if (hidden) feeds[HIDDEN_IN] = this.floatTensor(HIDDEN_IN, hidden.data, [f.batch, f.seqLen, hidden.size]);
    await this.session.run(feeds, { [output]: new ort.Tensor('float32', into.data, into.dims) });
  }

  /** Attention probabilities per layer, each [B*H*S*S]. */
  async patterns(f: GraphFeeds): Promise<Float32Array[]> {
    const names = Array.from({ length: f.nLayers }, (_, l) => patternOutputName(l));
    const out = await this.session.run(this.feeds(f), names);
    return names.map((name) => outputFloat32(out, name));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
