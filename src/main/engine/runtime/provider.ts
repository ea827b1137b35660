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
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders: ['cuda'] });
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

export function sessionOptions(provider: ExecutionProvider, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // 0 lets onnxruntime pick (one thread per physical core).
    intraOpNumThreads: provider === 'cpu' ? Math.max(0, Math.floor(threads)) : undefined,
    logSeverityLevel: 3,
  };
}
