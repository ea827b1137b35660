// The probe and the patterns graph each hold the model's weights, so the engine keeps only one of
// them open: asking for patterns releases the probe's sessions (the whole graph or its per-layer
// segments) and the next probe reopens them from the graph cache, with the same results bit for bit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { LocalEngine } from '../../src/main/engine/runtime/local-engine';
import type { GraphFeeds } from '../../src/main/engine/runtime/graph-session';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { maxAbsDiff } from '../reference/compare';

const S = 16;
let dir = '';
let modelDir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'one-graph-open-'));
  modelDir = join(dir, 'model');
  writeTinyModel(modelDir, tinyLlama3({ layers: 3, maxPositions: 64 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function feeds(engine: LocalEngine): GraphFeeds {
  const { nLayers, nHeads } = engine.spec;
  const rows = [
    { heads: [], mode: 'none' as const },
    { heads: [{ layer: nLayers - 1, head: 1 }], mode: 'zero' as const },
  ];
  const prompt = Array.from({ length: S }, (_, i) => (i * 13 + 5) % 90);
  const controls = buildHeadControls(engine.spec, rows);
  return { inputIds: BigInt64Array.from([...prompt, ...prompt], BigInt), ...controls, batch: 2, seqLen: S, nLayers, nHeads };
}

function patternFeeds(engine: LocalEngine): GraphFeeds {
  const { nLayers, nHeads } = engine.spec;
  const gates = nLayers * nHeads;
  const inputIds = BigInt64Array.from({ length: S }, (_, i) => BigInt((i * 7 + 1) % 90));
  return { inputIds, headKeep: new Float32Array(gates).fill(1), headUniform: new Float32Array(gates), batch: 1, seqLen: S, nLayers, nHeads };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('one graph open at a time', () => {
  for (const reuse of [false, true]) {
    it(`${reuse ? 'per-layer segments' : 'whole probe graph'}: patterns release the probe, the next probe reopens it, same bits`, async () => {
      const engine = await LocalEngine.open({ modelDir, cacheDir: join(dir, 'graphs'), provider: 'cpu', reuse }, () => {});
      try {
        expect(engine.info.layerReuse).toBe(reuse);
        expect(engine.openGraphs).toEqual({ probe: true, patterns: false });
        const before = await engine.probe(feeds(engine));

        const patterns = await engine.patterns(patternFeeds(engine));
        expect(patterns).toHaveLength(engine.spec.nLayers);
        expect(engine.openGraphs).toEqual({ probe: false, patterns: true });

        // A study opens the probe again before its first batch.
        expect(await engine.prepareProbe(reuse)).toBe(reuse);
        expect(engine.openGraphs).toEqual({ probe: true, patterns: false });
        const after = await engine.probe(feeds(engine));
        const maxDiff = maxAbsDiff(before, after);
        console.log(`probe before vs after the patterns graph (reuse ${reuse}): max |diff| = ${maxDiff}`);
        expect(sameBits(before, after)).toBe(true);
      } finally {
        await engine.close();
      }
      expect(engine.openGraphs).toEqual({ probe: false, patterns: false });
    });
  }
});
