// float32 graphs compiled with embeddingsInput take their embedding rows as the input inputs_embeds,
// which the runtime reads from the checkpoint (Checkpoint.readRowsFloat32), instead of gathering
// them from a table inside the graph. Checked per family (untied Llama, tied GPT-2 with learned
// positions, tied Gemma-2 with an embedding scale): the same probabilities bit for bit as the
// in-graph Gather, with and without ablated heads; the table is no graph weight except where it is
// the tied LM head; a session refuses such a graph when it has nothing to read rows from; and the
// engine compiles its CPU graphs (probe, per-layer segments, patterns) this way.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import type { FamilyModule } from '../../src/main/engine/families/family';
import { gemma2Family } from '../../src/main/engine/families/gemma2';
import { gpt2Family } from '../../src/main/engine/families/gpt2';
import { llamaFamily } from '../../src/main/engine/families/llama';
import { compileModel } from '../../src/main/engine/graph/compile';
import { INPUTS_EMBEDS } from '../../src/main/engine/graph/model-graph';
import { GraphSession, checkpointEmbeddingRows, type GraphFeeds } from '../../src/main/engine/runtime/graph-session';
import { LocalEngine } from '../../src/main/engine/runtime/local-engine';
import { tinyGemma2, tinyGpt2, tinyLlama3, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { maxAbsDiff } from '../reference/compare';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

const { onnx } = onnxProto;
afterAll(removeTempDirs);

const cases: { name: string; model: TinyModel; family: FamilyModule; tied: boolean }[] = [
  { name: 'llama (untied)', model: tinyLlama3({ layers: 2 }), family: llamaFamily, tied: false },
  { name: 'gpt2 (tied, learned positions)', model: tinyGpt2({ layers: 2 }), family: gpt2Family, tied: true },
  { name: 'gemma2 (tied, embedding scale)', model: tinyGemma2({ layers: 2 }), family: gemma2Family, tied: true },
];

for (const c of cases) {
  describe(`embedding rows as an input: ${c.name}`, () => {
    it('gives the in-graph Gather\'s probabilities bit for bit; the table is a weight only as the tied LM head', async () => {
      const dir = tempDir('graph-embeds-');
      const ckptDir = join(dir, 'ckpt');
      writeTinyModel(ckptDir, c.model);
      const cp = openCheckpoint(ckptDir);
      try {
        const spec = c.family.parseConfig(cp.config, cp.configPath);
        const weights = c.family.weights(cp, spec);
        const compile = (name: string, embeddingsInput: boolean) =>
          compileModel({ checkpoint: cp, spec, weights, variant: 'probe', dtype: 'float32', outPath: join(dir, `${name}.onnx`), externalThresholdBytes: 0, embeddingsInput });
        const gathered = await compile('gathered', false);
        const fed = await compile('fed', true);

        const graph = onnx.ModelProto.decode(readFileSync(fed.path)).graph as onnxProto.onnx.GraphProto;
        expect(graph.input.map((i) => i.name)).toContain(INPUTS_EMBEDS);
        expect(graph.node.filter((n) => n.name === '/model/embed_tokens/Gather')).toHaveLength(0);
        const tableCopies = graph.initializer.filter((t) => t.name === weights.embed.name).length;
        expect(tableCopies).toBe(c.tied ? 1 : 0);

        const rows = checkpointEmbeddingRows(cp, weights.embed, spec.hiddenSize);
        const S = 12;
        const B = 3;
        const LH = spec.nLayers * spec.nHeads;
        const headKeep = new Float32Array(B * LH).fill(1);
        const headUniform = new Float32Array(B * LH);
        headKeep[LH + 1] = 0; // row 1: one head zeroed
        headUniform[2 * LH + LH - 1] = 1; // row 2: one head mean-ablated
        const inputIds = BigInt64Array.from({ length: B * S }, (_, i) => BigInt((i * 7 + (i % S) * 3) % spec.vocabSize));
        const feeds: GraphFeeds = { inputIds, headKeep, headUniform, batch: B, seqLen: S, nLayers: spec.nLayers, nHeads: spec.nHeads };

        const a = await GraphSession.open(gathered.path, 'cpu', 1);
        const b = await GraphSession.open(fed.path, 'cpu', 1, true, rows);
        try {
          const want = await a.probe(feeds);
          const got = await b.probe(feeds);
          const d = maxAbsDiff(got, want);
          console.log(`${c.name}: inputs_embeds vs in-graph Gather, max |Δ| ${d} over ${B} rows`);
          expect(d).toBe(0);
        } finally {
          await a.release();
          await b.release();
        }

        await expect(GraphSession.open(fed.path, 'cpu', 1)).rejects.toThrow(`graph ${fed.path} takes inputs_embeds, but no embedding table was given to read them from`);
      } finally {
        cp.close();
      }
    });
  });
}

describe('the engine on CPU', () => {
  it('compiles every float32 graph it opens (probe, first segment, patterns) with inputs_embeds and no table of its own', async () => {
    const dir = tempDir('graph-embeds-engine-');
    const modelDir = join(dir, 'model');
    writeTinyModel(modelDir, tinyLlama3({ layers: 2 }));
    const cacheDir = join(dir, 'graphs');
    for (const reuse of [false, true]) {
      const engine = await LocalEngine.open({ modelDir, cacheDir, provider: 'cpu', reuse }, () => {});
      try {
        const { nLayers, nHeads } = engine.spec;
        const gates = nLayers * nHeads;
        await engine.patterns({ inputIds: BigInt64Array.from({ length: 8 }, (_, i) => BigInt(i + 3)), headKeep: new Float32Array(gates).fill(1), headUniform: new Float32Array(gates), batch: 1, seqLen: 8, nLayers, nHeads });
      } finally {
        await engine.close();
      }
    }
    const graphs = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.onnx'));
    const graphOf = (f: string) => onnx.ModelProto.decode(readFileSync(join(cacheDir, f))).graph as onnxProto.onnx.GraphProto;
    const inputsOf = (f: string) => graphOf(f).input.map((i) => i.name);
    const summary = graphs.map((f) => `${f.split('/').pop()}: ${inputsOf(f).includes(INPUTS_EMBEDS)}`);
    console.log(`engine graphs taking ${INPUTS_EMBEDS}: ${summary.join(', ')}`);
    // The whole probe, the patterns graph and layer 0's segment start from the embeddings; layer 1's segment from hidden_in.
    const starting = graphs.filter((f) => !/layers-[1-9]/.test(f));
    expect(starting).toHaveLength(3);
    for (const f of starting) expect(inputsOf(f), f).toContain(INPUTS_EMBEDS);
    for (const f of graphs) {
      expect(graphOf(f).initializer.map((t) => t.name), f).not.toContain('model.embed_tokens.weight');
    }
  });
});
