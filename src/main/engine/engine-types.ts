// The engine's public surface: what studies, the CLI and the UI may ask of a compiled model.
// Implemented by runtime/worker-host.ts (a proxy to the worker thread or engine process that owns
// the onnxruntime sessions), created by load-engine.ts.

import type { ModelSpec, HeadRef } from '../../shared/model-spec';
import type { EngineSpawner } from './runtime/engine-channel';

export type ExecutionProvider = 'cuda' | 'cpu';
export type GraphDtype = 'float32' | 'float16';
export type GraphVariant = 'probe' | 'patterns';

export interface EngineOptions {
  /** Hugging Face checkpoint folder: config.json + *.safetensors [+ index] [+ tokenizer.json]. */
  modelDir: string;
  /** Where compiled graphs are cached (keyed by checkpoint hash + engine version + variant + dtype). */
  cacheDir: string;
  provider?: 'auto' | ExecutionProvider;
  /** Intra-op threads for the CPU provider (0 = onnxruntime's default). */
  threads?: number;
  /**
   * CPU: run the probe as one graph per layer and compute, within each batch, the layers that rows
   * share (same prompt, same head controls up to that layer) once (runtime/reuse-plan.ts). Results
   * equal the whole graph's up to float rounding. Default false.
   */
  reuse?: boolean;
  onProgress?: (event: EngineProgress) => void;
  /** Where the engine runs: a worker thread by default; engine-channel.ts's processSpawner (or
   * Electron's utilityProcess) for a separate process that can crash without taking the caller down. */
  spawner?: EngineSpawner;
  /** Aborting ends the engine's thread or process; a load in progress then rejects. */
  signal?: AbortSignal;
}

export interface EngineProgress {
  stage: 'hash' | 'compile' | 'load';
  /** 0..1 where known. */
  fraction?: number;
  message: string;
}

/** One batch for the probe graph. All arrays are row-major. */
export interface ProbeBatch {
  batch: number;
  seqLen: number;
  /** [B*S] token ids. */
  inputIds: ArrayLike<number>;
  /** [B*L*H] 1 = keep the head's attention output, 0 = drop it. */
  headKeep: Float32Array;
  /** [B*L*H] weight of the uniform (mean-ablated) pattern's output. */
  headUniform: Float32Array;
  /**
   * [B*L*H] weight of the head's value bias b_V added to its output z (TransformerLens's folded
   * value bias: 1 - keep - uniform for a gated head whose bias is kept); zeros when absent.
   */
  headValueBias?: Float32Array;
}

export interface EngineInfo {
  spec: ModelSpec;
  provider: ExecutionProvider;
  dtype: GraphDtype;
  checkpointHash: string;
  ortVersion: string;
  engineVersion: string;
  /** Whether the graph came from the cache (no compilation this time). */
  fromCache: boolean;
  compileMs: number;
  /** The probe runs by layer segments with shared layers computed once (EngineOptions.reuse, CPU only). */
  layerReuse: boolean;
}

export interface Engine {
  readonly info: EngineInfo;
  /** token_probs [B*S]: softmax(last-position logits)[input_ids[b, s]]. */
  probe(batch: ProbeBatch): Promise<Float32Array>;
  /** Attention probabilities per layer, each [B*H*S*S]; the patterns graph is compiled on first use and
   * replaces the probe's sessions until the next probe (one graph's weights in memory at a time). */
  patterns(inputIds: ArrayLike<number>, batch: number, seqLen: number): Promise<Float32Array[]>;
  /**
   * Opens the probe's sessions now, with layer reuse on or off (a study decides once its conditions
   * are known, and its scoring may have replaced them with the patterns graph's), so that the
   * probes that follow start at once. Resolves with the mode in effect: reuse stays off on CUDA.
   */
  prepareProbe(layerReuse: boolean): Promise<boolean>;
  close(): Promise<void>;
  /** The OS process running the engine, when it runs in its own process. */
  readonly processId?: number | null;
}

export type AblationRow = { heads: HeadRef[]; mode: 'none' | 'zero' | 'mean' };
