// One parity suite per checkpoint, shared by test/engine/parity-*.test.ts: write the checkpoint, open
// the app's engine (through a factory the test file passes in, so nothing here imports
// src/main/engine) and the reference, then check token_probs on the standard cases and the
// unablated patterns. Tolerances (README: How correctness is checked): max |Δ| <= 1e-5 AND
// relative error <= 1e-4 on every probability above 1e-9; patterns <= 1e-5.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceModel, type RefModel } from './forward';
import { runCase, runPatterns, standardCases, type ParityEngine } from './parity-cases';
import { at } from '../../src/shared/checked';

export const ABS_TOL = 1e-5;
export const REL_TOL = 1e-4;
export const PATTERN_TOL = 1e-5;

export interface ParityCheckpoint {
  label: string;
  /** config.json model_type, for skipping families the engine does not support yet. */
  modelType: string;
  shape: { nLayers: number; nHeads: number; nKvHeads: number; vocab: number };
  seqLen: number;
  /** Writes the checkpoint folder. */
  write(dir: string): void;
}

export interface OpenedEngine extends ParityEngine {
  shape: { nLayers: number; nHeads: number; vocabSize: number };
  provider: string;
  close(): Promise<void>;
}

export type OpenEngine = (modelDir: string, cacheDir: string) => Promise<OpenedEngine>;

export function defineParitySuites(checkpoints: ParityCheckpoint[], open: OpenEngine): void {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'parity-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const ck of checkpoints) {
    describe(`parity ${ck.label}`, () => {
      const cases = standardCases(ck.shape, ck.seqLen);
      let engine: OpenedEngine;
      let ref: RefModel;

      beforeAll(async () => {
        const dir = join(root, ck.label.replace(/\W+/g, '-'));
        ck.write(dir);
        engine = await open(dir, join(root, 'cache'));
        ref = loadReferenceModel(dir);
      });
      afterAll(async () => {
        await engine?.close();
      });

      it('reads the same shape as the reference, on the CPU provider', () => {
        const { nLayers, nHeads, vocabSize } = engine.shape;
        expect([nLayers, nHeads, vocabSize]).toEqual([ref.nLayers, ref.nHeads, ref.vocabSize]);
        expect(engine.provider).toBe('cpu');
      });

      for (const c of cases) {
        it(`token_probs: ${c.name}`, async () => {
          const r = await runCase(ck.label, engine, ref, c);
          expect(r.maxAbs).toBeLessThanOrEqual(ABS_TOL);
          expect(r.maxRel).toBeLessThanOrEqual(REL_TOL);
          expect(r.relCount).toBe(c.ids.length * ck.seqLen);
          // An ablation that moved nothing would make the comparison vacuous.
          if (c.rows.some((row) => row.mode !== 'none')) expect(r.effect).toBeGreaterThan(100 * REL_TOL);
        });
      }

      it('patterns graph matches the reference unablated patterns', async () => {
        expect(await runPatterns(ck.label, engine, ref, at(cases, 0).ids)).toBeLessThanOrEqual(PATTERN_TOL);
      });
    });
  }
}
