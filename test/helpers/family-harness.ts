// What the family module tests (family-*.test.ts, llama-config.test.ts) share: a temp root per
// describe block with a family's canonical weights read from tiny checkpoints written there, a
// checkpoint carrying hub-style extra buffers, and the compile + probe smoke run through loadEngine.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import type { AblationRow } from '../../src/main/engine/engine-types';
import type { FamilyModule, ModelWeights } from '../../src/main/engine/families/family';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { safetensorsBytes } from '../../tools/fixtures/hf-checkpoint';
import { writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { at } from '../../src/shared/checked';

export interface FamilyCheckpoints {
  /** The temp root (set in beforeAll, removed in afterAll). */
  root(): string;
  /** The weights of `m` written as checkpoint `<root>/<name>`; `use` runs while it is open (reads work). */
  weightsOf(name: string, m: TinyModel, use?: (w: ModelWeights) => void): ModelWeights;
}

/** Call inside a describe block: registers the beforeAll/afterAll that make and remove the root. */
export function familyCheckpoints(family: FamilyModule, prefix: string): FamilyCheckpoints {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    root: () => root,
    weightsOf(name, m, use = () => {}) {
      writeTinyModel(join(root, name), m);
      const cp = openCheckpoint(join(root, name));
      try {
        const w = family.weights(cp, family.parseConfig(cp.config, cp.configPath));
        use(w);
        return w;
      } finally {
        cp.close();
      }
    },
  };
}

export interface RawBuffer {
  name: string;
  dtype: string;
  shape: number[];
  bytesPer: number;
}

/** model.safetensors with the model's F32 tensors plus raw buffers in any dtype (zero bytes). */
export function writeWithBuffers(dir: string, m: TinyModel, buffers: RawBuffer[]): void {
  writeTinyModel(dir, m);
  const header: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  let offset = 0;
  const add = (name: string, dtype: string, shape: number[], bytes: Buffer) => {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  };
  for (const [name, t] of Object.entries(m.tensors)) add(name, 'F32', t.shape, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  for (const b of buffers) add(b.name, b.dtype, b.shape, Buffer.alloc(b.shape.reduce((x, y) => x * y, 1) * b.bytesPer));
  writeFileSync(join(dir, 'model.safetensors'), safetensorsBytes(header, Buffer.concat(chunks)));
}

/**
 * Compiles the checkpoint in `modelDir` (CPU, one thread) and probes `ids` unablated and once per
 * ablation in one batch: every probability finite in (0, 1), and each ablation moves some
 * probability by more than 0.1% relative to the unablated row (printed as `<label> engine: ...`).
 */
export async function expectAblationsMove(label: string, modelDir: string, cacheDir: string, ids: number[], ablations: AblationRow[]): Promise<void> {
  const engine = await loadEngine({ modelDir, cacheDir, provider: 'cpu', threads: 1 });
  try {
    const S = ids.length;
    const rows: AblationRow[] = [{ mode: 'none', heads: [] }, ...ablations];
    const probs = await engine.probe({ batch: rows.length, seqLen: S, inputIds: rows.flatMap(() => ids), ...buildHeadControls(engine.info.spec, rows) });
    expect(probs).toHaveLength(rows.length * S);
    for (const p of probs) expect(Number.isFinite(p) && p > 0 && p < 1).toBe(true);
    ablations.forEach(({ mode, heads }, k) => {
      const r = k + 1; // row 0 is the unablated one
      let moved = 0;
      for (let i = 0; i < S; i++) moved = Math.max(moved, Math.abs(at(probs, i) - at(probs, r * S + i)) / at(probs, i));
      console.log(`${label} engine: ${mode} ablation of ${heads.length} heads moves probabilities by up to ${(100 * moved).toFixed(1)}%`);
      expect(moved).toBeGreaterThan(1e-3);
    });
  } finally {
    await engine.close();
  }
}
