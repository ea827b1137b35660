// The client of torch_seed.py: one long-lived Debian python3 process holding the model, asked for
// timed forward passes between the engine's, so both see the same machine load. Absent torch (or
// python3) is a reason to skip, reported as such, not an error.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { HeadControlRow } from '../../src/main/engine/head-controls';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_seed.py', import.meta.url));

const replySchema = z.union([
  z.object({ ok: z.literal(true), loadSeconds: z.number(), threads: z.number(), torch: z.string(), matmul: z.string(), blas: z.string() }),
  z.object({ ok: z.literal(true), seconds: z.array(z.number()), probs: z.array(z.array(z.number())) }),
  z.object({ ok: z.literal(true), peakRssMB: z.number(), rssMB: z.number() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
type Reply = z.infer<typeof replySchema>;

/** Why the PyTorch side cannot run here, or null when it can. */
export function torchUnavailableReason(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} could not start (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} has no torch/numpy (install Debian's python3-torch): ${r.stderr.trim().split('\n').pop() ?? ''}`;
  return null;
}

export interface TorchLoad {
  loadSeconds: number;
  threads: number;
  torch: string;
  matmul: string;
  blas: string;
}

export class TorchWorker {
  private readonly replies: ((r: Reply) => void)[] = [];
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const next = this.replies.shift();
      if (next) next(replySchema.parse(JSON.parse(line)));
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
  }

  static start(): TorchWorker {
    // OpenMP threads sleep instead of spinning when idle, as the engine's onnxruntime threads do
    // (provider.ts): on a busy machine spinning made torch 3-4x slower (gpt2-small, 2 cores, load ~10).
    const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
    return new TorchWorker(spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env }));
  }

  private request(body: object): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`torch_seed.py exited (code ${code}): ${this.stderr.trim()}`));
      this.child.once('exit', onExit);
      this.replies.push((r) => {
        this.child.off('exit', onExit);
        resolve(r);
      });
      this.child.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  private async ok<K extends string>(body: object, key: K): Promise<Extract<Reply, Record<K, unknown>>> {
    const r = await this.request(body);
    if (!r.ok) throw new Error(`torch_seed.py: ${r.error}`);
    if (!(key in r)) throw new Error(`torch_seed.py: reply without ${key}`);
    return r as Extract<Reply, Record<K, unknown>>;
  }

  load(modelDir: string, threads: number): Promise<TorchLoad> {
    return this.ok({ cmd: 'load', model: modelDir, threads, matmul: 'onednn' }, 'loadSeconds');
  }

  /** Seconds per row and the rows' probabilities, one forward pass (batch 1) per row. */
  async run(rows: { tokens: number[]; control: HeadControlRow }[]): Promise<{ seconds: number[]; probs: number[][] }> {
    const body = rows.map((r) => ({ tokens: r.tokens, heads: r.control.heads.map((h) => [h.layer, h.head]), mode: r.control.mode }));
    return this.ok({ cmd: 'run', rows: body }, 'seconds');
  }

  memory(): Promise<{ peakRssMB: number; rssMB: number }> {
    return this.ok({ cmd: 'memory' }, 'peakRssMB');
  }

  close(): void {
    this.child.stdin.end();
  }
}
