// Execution-provider choice: CUDA where onnxruntime-node's CUDA binaries are installed and a GPU
// answers, CPU otherwise. CUDA runs the float16 graph, CPU the float32 one. The provider actually
// used (not the one asked for) is what EngineInfo and every study's provenance report.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { InputError } from '../../../shared/errors';
import type { ExecutionProvider, GraphDtype } from '../engine-types';

const { onnx } = onnxProto;

export type ProviderRequest = 'auto' | ExecutionProvider;

/** CUDA graphs are fp16 (half the memory, tensor cores); CPU graphs fp32 (fp16 is slow on CPU). */
export function dtypeFor(provider: ExecutionProvider): GraphDtype {
  return provider === 'cuda' ? 'float16' : 'float32';
}

/** Session config entries (onnxruntime's `session.*` keys; the Node binding flattens the nesting). Why: sessionOptions. */
const SESSION_CONFIG = { session: { set_denormal_as_zero: '1', intra_op: { allow_spinning: '0' } } };

export function ortVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

/** The folder holding onnxruntime's native libraries for this platform. */
function ortBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

function cudaLibraryName(): string {
  return process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
}

/**
 * Whether the CUDA provider library is on disk. The npm package does not bundle it
 * (`listSupportedBackends()` says `bundled: false`); tools/install-cuda.sh downloads it.
 * Checking the file first keeps onnxruntime from logging a load failure on every CPU-only start.
 */
export function cudaBinariesInstalled(): boolean {
  const listed = ort.listSupportedBackends().some((b) => b.name === 'cuda');
  return listed && fs.existsSync(path.join(ortBinaryDir(), cudaLibraryName()));
}

/** A one-node graph (y = Identity(x)) used to ask onnxruntime whether CUDA really starts. */
function identityModel(): Uint8Array {
  const tensor = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } },
    });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'cuda-probe', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [tensor('x')], output: [tensor('y')] },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Why CUDA cannot be used, or null when a CUDA session starts (binaries, driver and GPU all present). */
export async function cudaUnavailableReason(): Promise<string | null> {
  if (!cudaBinariesInstalled()) {
    return "onnxruntime-node's CUDA binaries are not installed (run `npm run install-cuda` on a machine with an NVIDIA GPU)";
  }
  try {
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders: ['cuda'], extra: SESSION_CONFIG });
    await session.release();
    return null;
  } catch (err) {
    return `the CUDA provider failed to start: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * The providers to try, in order. `auto` lists CUDA first only when it starts; an explicit `cuda`
 * that cannot start is an error rather than a silent CPU run (a user asking for the GPU wants to know).
 */
export async function providerCandidates(request: ProviderRequest): Promise<ExecutionProvider[]> {
  if (request === 'cpu') return ['cpu'];
  if (request !== 'auto' && request !== 'cuda') {
    throw new InputError('provider', `unknown execution provider "${String(request)}" (use auto, cpu or cuda)`);
  }
  const reason = await cudaUnavailableReason();
  if (request === 'cuda') {
    if (reason) throw new InputError('provider', `CUDA was requested but ${reason}`);
    return ['cuda'];
  }
  return reason ? ['cpu'] : ['cuda', 'cpu'];
}

/**
 * onnxruntime session settings for every graph (and the CUDA probe, so that whichever session
 * starts first in a process sets the same floating-point mode on the calling thread).
 *
 * `set_denormal_as_zero`: attention probabilities far below the largest in a row (score gaps > 87)
 * are float32 subnormals, and x86 arithmetic on subnormals is ~100x slower: on the demo model
 * they made Softmax and the probs x V MatMul 3-4x slower. Flushing them to 0 changes each z by
 * less than S x 1.2e-38 x |v|, far below float32 rounding of any normal value (an output
 * probability below 1.2e-38 reads as 0). onnxruntime sets it on its pool threads per session but
 * on the calling thread only once per process (the first session's value, on that thread), so a
 * later engine worker's thread runs without it: the probe graph's hot path also floors its scores
 * (graph/blocked-attention.ts) and does not depend on this. The JS thread that created the first
 * session also flushes subnormal doubles (< 2.2e-308) from then on.
 *
 * `allow_spinning` off: idle pool threads sleep instead of busy-waiting between ops. The app runs
 * studies beside a UI (and on shared machines), where spinning threads steal the core the work
 * needs: demo model, 2 threads, other core busy: 54 rows/s without spinning, 35 with; both cores
 * idle, spinning gains only ~5%.
 *
 * Weight prepacking stays on although its packed copies cost memory (GPT-2-small shape: peak
 * 1.15 GB with it, 0.81 GB without, for 0.48 GB of weights): without it a row's probabilities depend
 * on how many rows share its batch (up to ~4e-9 apart), and the CLI's probe, the API and a resumed
 * study are meant to agree bit for bit. CPU graphs keep their weights in a memory-mapped external
 * data file instead (local-engine.ts), which saves the parsed model's copy.
 */
export function sessionOptions(provider: ExecutionProvider, threads: number, memoryArena = true): ort.InferenceSession.SessionOptions {
  return {
    // Off for the probe's per-layer segments: each session's arena would keep its own peak of
    // activations (GPT-2-small shape, 12 segments: +0.9 GB over the weights).
    enableCpuMemArena: memoryArena,
    // Off with the arena: the memory pattern is one block per run for all of a run's activations,
    // which without an arena is allocated and freed every run; on a gated MLP (four [rows, S, I]
    // tensors) it passes 32 MiB, where glibc always maps fresh pages (engine-process-env.ts).
    enableMemPattern: memoryArena,
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // 0 lets onnxruntime pick (one thread per physical core).
    intraOpNumThreads: provider === 'cpu' ? Math.max(0, Math.floor(threads)) : undefined,
    logSeverityLevel: 3,
    extra: SESSION_CONFIG,
  };
}

