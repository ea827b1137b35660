// Entry point of the graph side: a checkpoint's canonical weights + ModelSpec -> an .onnx file
// (probe or patterns variant, float32 for CPU or float16 for CUDA). The runtime calls this and
// caches the result; everything model-specific arrived through the family module already.

import type { ModelSpec } from '../../../shared/model-spec';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { GraphDtype, GraphVariant } from '../engine-types';
import { buildModelGraph, layerRangeTag, type LayerRange } from './model-graph';
import { writeModel, type WrittenModel } from './model-writer';
import type { ModelWeights } from './weights';

/** Bumped whenever the emitted graph changes meaning or layout (part of the runtime's cache key). */
export const GRAPH_VERSION = '4';

export interface CompileOptions {
  checkpoint: Checkpoint;
  spec: ModelSpec;
  weights: ModelWeights;
  variant: GraphVariant;
  dtype: GraphDtype;
  /** Target `.onnx` path; external data, if any, goes to `<outPath>.data`. */
  outPath: string;
  onProgress?: (fraction: number) => void;
  /** Initializer bytes above which weights go to the external data file (default 1 GiB). */
  externalThresholdBytes?: number;
  /** Query blocks of the probe graph's attention (default DEFAULT_QUERY_BLOCKS; 1 = one [S, S] block). Tests and benchmarks only. */
  queryBlocks?: number;
  /** Probe only: compile layers [from, to) as a segment graph (runtime/segmented-probe.ts). */
  layers?: LayerRange;
  /** The embedding rows are an input, not a Gather in the graph (model-graph.ts: ModelGraphOptions). */
  embeddingsInput?: boolean;
}

export async function compileModel(opts: CompileOptions): Promise<WrittenModel> {
  const { variant, dtype, queryBlocks, layers, embeddingsInput } = opts;
  const graph = buildModelGraph(opts.spec, opts.weights, { variant, dtype, queryBlocks, layers, embeddingsInput });
  return writeModel({
    graph,
    outPath: opts.outPath,
    externalThresholdBytes: opts.externalThresholdBytes,
    producerVersion: GRAPH_VERSION,
    metadata: {
      'ablation_studio.graph_version': GRAPH_VERSION,
      'ablation_studio.variant': opts.variant,
      'ablation_studio.dtype': opts.dtype,
      ...(opts.layers ? { 'ablation_studio.layers': layerRangeTag(opts.layers) } : {}),
      ...(opts.embeddingsInput ? { 'ablation_studio.embeddings': opts.weights.embed.name } : {}),
      'ablation_studio.checkpoint': opts.checkpoint.dir,
      'ablation_studio.spec': JSON.stringify(opts.spec),
    },
    onProgress: opts.onProgress,
  });
}
