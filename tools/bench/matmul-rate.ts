// The machine's fp32 matmul rate at a model's own MLP shapes: one onnxruntime graph holding a chain
// of MatMuls [S, D] x [D, I] -> [S, I] x [I, D] -> [S, D] -> ..., with distinct weights per link (as
// a model's layers have), run with the engine's session options. One run per timing, so no
// per-call overhead is counted against the rate: it is what the engine's matmuls could reach.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, encodeFloats } from '../../src/main/engine/graph/onnx-builder';
import { writeModel } from '../../src/main/engine/graph/model-writer';
import { disableOrtTelemetry } from '../../src/main/engine/runtime/ort-telemetry';
import { sessionOptions } from '../../src/main/engine/runtime/provider';
import { mulberry32 } from '../fixtures/hf-checkpoint';

export interface MatmulShape {
  seqLen: number;
  hidden: number;
  intermediate: number;
  /** Up/down pairs in the chain. */
  pairs: number;
}

/** FLOPs of one run of the chain. */
export function chainFlops(s: MatmulShape): number {
  return 2 * 2 * s.pairs * s.seqLen * s.hidden * s.intermediate;
}

function chainGraph(s: MatmulShape): GraphBuilder {
  const g = new GraphBuilder('matmul-rate');
  let x = g.input({ name: 'x', elemType: 'float32', dims: [s.seqLen, s.hidden] });
  const rand = mulberry32(7);
  const weight = (name: string, rows: number, cols: number): string =>
    g.initializer({
      name,
      dims: [rows, cols],
      elemType: 'float32',
      // Scaled so the chain's values stay near 1 (no overflow, no subnormals).
      bytes: () => encodeFloats(Float32Array.from({ length: rows * cols }, () => ((2 * rand() - 1) * Math.sqrt(3)) / Math.sqrt(rows)), 'float32'),
    });
  for (let p = 0; p < s.pairs; p++) {
    const h = g.op1('MatMul', [x, weight(`up.${p}`, s.hidden, s.intermediate)], `/chain/${p}/up`);
    x = g.op1('MatMul', [h, weight(`down.${p}`, s.intermediate, s.hidden)], `/chain/${p}/down`);
  }
  g.op('Identity', [x], '/chain/out', { outputs: ['y'] });
  g.output({ name: 'y', elemType: 'float32', dims: [s.seqLen, s.hidden] });
  return g;
}

/** An open matmul chain: `run()` times one pass in milliseconds. */
export class MatmulChain {
  private constructor(
    readonly shape: MatmulShape,
    private readonly session: ort.InferenceSession,
    private readonly x: ort.Tensor,
  ) {}

  static async open(shape: MatmulShape, threads: number): Promise<MatmulChain> {
    const dir = mkdtempSync(join(os.tmpdir(), 'matmul-rate-'));
    try {
      const path = join(dir, 'chain.onnx');
      await writeModel({ graph: chainGraph(shape), outPath: path, producerVersion: 'bench', metadata: {} });
      disableOrtTelemetry();
      const session = await ort.InferenceSession.create(path, sessionOptions('cpu', threads));
      const rand = mulberry32(3);
      const x = new ort.Tensor('float32', Float32Array.from({ length: shape.seqLen * shape.hidden }, () => 2 * rand() - 1), [shape.seqLen, shape.hidden]);
      return new MatmulChain(shape, session, x);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async run(): Promise<number> {
    const t0 = performance.now();
    const out = await this.session.run({ x: this.x });
    const ms = performance.now() - t0;
    const y = out.y;
    if (!y || !(y.data as Float32Array).every(Number.isFinite)) throw new Error('matmul chain produced a non-finite value');
    return ms;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
