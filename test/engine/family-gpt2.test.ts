// The gpt2 family module: config.json -> ModelSpec (the tiny model's config and openai's gpt2 config as
// the hub has it), canonical weights (Conv1D used untransposed, c_attn split along its output axis,
// `transformer.` or hub names), the InputErrors, and a compile + run through loadEngine on a
// checkpoint carrying hub-style U8 attn.bias buffers. Numeric parity: parity-families.test.ts.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { gpt2Family } from '../../src/main/engine/families/gpt2';
import { resolveFamily } from '../../src/main/engine/families/registry';
import { expectAblationsMove, familyCheckpoints, writeWithBuffers } from '../helpers/family-harness';
import { inputError } from '../helpers/input-error';
import { tinyGpt2 } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const PATH = '/models/gpt2/config.json';
const parse = (config: Record<string, unknown>) => gpt2Family.parseConfig(config, PATH);

/** openai-community/gpt2's config.json, as on the hub. */
const HUB_GPT2 = {
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], attn_pdrop: 0.1, bos_token_id: 50256,
  embd_pdrop: 0.1, eos_token_id: 50256, initializer_range: 0.02, layer_norm_epsilon: 1e-5, model_type: 'gpt2',
  n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, resid_pdrop: 0.1,
  summary_activation: null, summary_first_dropout: 0.1, summary_proj_to_labels: true, summary_type: 'cls_index',
  summary_use_proj: true, task_specific_params: { 'text-generation': { do_sample: true, max_length: 50 } }, vocab_size: 50257,
};

describe('gpt2 parseConfig', () => {
  it('the tiny model: learned positions, LayerNorm, biases, plain gelu_new MLP, tied head', () => {
    const spec = parse(tinyGpt2().config);
    expect(spec).toMatchObject({
      family: 'gpt2', modelType: 'gpt2', nLayers: 2, nHeads: 4, nKvHeads: 4, headDim: 8, hiddenSize: 32,
      intermediateSize: 128, vocabSize: 96, maxPositions: 128, tieWordEmbeddings: true,
      norm: { kind: 'layer', eps: 1e-5, weightOffset: 0 },
      positional: { kind: 'learned' },
      attention: { qkvBias: true, outBias: true, logitSoftcap: null, slidingWindow: null, localLayers: [false, false] },
      mlp: { kind: 'plain', act: 'gelu_tanh', bias: true },
      block: { parallelResidual: false, postNorms: false },
      embedScale: 1, finalLogitSoftcap: null,
    });
    expect(spec.attention.scale).toBeCloseTo(1 / Math.sqrt(8), 12);
  });

  it("openai's gpt2 config: n_inner absent -> 4 x n_embd, defaults for the flags it omits", () => {
    const spec = parse(HUB_GPT2);
    expect(spec).toMatchObject({ nLayers: 12, nHeads: 12, headDim: 64, hiddenSize: 768, intermediateSize: 3072, vocabSize: 50257, maxPositions: 1024 });
    expect(parse({ ...HUB_GPT2, n_inner: null }).intermediateSize).toBe(3072);
    expect(parse({ ...HUB_GPT2, n_inner: 1000 }).intermediateSize).toBe(1000);
    expect(parse({ ...HUB_GPT2, scale_attn_weights: false }).attention.scale).toBe(1);
    expect(parse({ ...HUB_GPT2, activation_function: 'gelu' }).mlp.act).toBe('gelu');
    // Only a numerics choice in torch (q scaled first, scores in float32), which the graph does anyway.
    expect(parse({ ...HUB_GPT2, reorder_and_upcast_attn: true }).attention.scale).toBeCloseTo(1 / 8, 12);
  });

  it('dispatch: model_type gpt2, or GPT2LMHeadModel alone', () => {
    expect(resolveFamily(HUB_GPT2, PATH)).toBe(gpt2Family);
    expect(resolveFamily({ architectures: ['GPT2LMHeadModel'] }, PATH)).toBe(gpt2Family);
  });

  it('InputErrors name config.json and the key', () => {
    const missing = inputError(() => parse({ ...HUB_GPT2, n_embd: undefined }));
    expect(missing.file).toBe(PATH);
    expect(missing.message).toMatch(/missing n_embd/);
    expect(inputError(() => parse({ ...HUB_GPT2, n_head: 5 })).message).toMatch(/n_embd \(768\) is not divisible by n_head \(5\)/);
    expect(inputError(() => parse({ ...HUB_GPT2, scale_attn_by_inverse_layer_idx: true })).message).toMatch(/scale_attn_by_inverse_layer_idx true is not supported/);
    expect(inputError(() => parse({ ...HUB_GPT2, reorder_and_upcast_attn: 'yes' })).message).toMatch(/reorder_and_upcast_attn must be true or false/);
    expect(inputError(() => parse({ ...HUB_GPT2, activation_function: 'relu' })).message).toMatch(/activation_function "relu" is not supported/);
  });
});

describe('gpt2 weights', () => {
  const { root, weightsOf } = familyCheckpoints(gpt2Family, 'family-gpt2-');

  it('Conv1D weights are used as stored [in, out]; c_attn splits into q | k | v columns and bias slices', () => {
    const m = tinyGpt2();
    const cAttn = entry(m.tensors, 'transformer.h.1.attn.c_attn.weight'); // [32, 96]
    const cAttnBias = entry(m.tensors, 'transformer.h.1.attn.c_attn.bias').data; // [96]
    const fc = entry(m.tensors, 'transformer.h.1.mlp.c_fc.weight'); // [32, 128]
    const w = weightsOf('prefixed', m, (w) => {
      const { q, k, v, o } = at(w.layers, 1).attn;
      for (const [part, col0] of [[q, 0], [k, 32], [v, 64]] as const) {
        const data = part.weight.read(); // [32, 32]
        for (const [i, j] of [[0, 0], [5, 31], [31, 7]] as const) expect(data[i * 32 + j]).toBe(cAttn.data[i * 96 + col0 + j]);
        expect(Array.from(part.bias?.read() ?? [])).toEqual(Array.from(cAttnBias.subarray(col0, col0 + 32)));
      }
      expect(o.weight.name).toBe('transformer.h.1.attn.c_proj.weight');
      const mlp = at(w.layers, 1).mlp;
      expect(Array.from(mlp.kind === 'plain' ? mlp.fcIn.weight.read() : [])).toEqual(Array.from(fc.data)); // untransposed
    });
    expect(at(w.layers, 1).attn.q.weight).toMatchObject({ name: 'transformer.h.1.attn.c_attn.weight/q', dims: [32, 32] });
    expect(at(w.layers, 0).mlp).toMatchObject({ kind: 'plain', fcIn: { weight: { dims: [32, 128] } }, fcOut: { weight: { dims: [128, 32] } } });
    expect(w.positions).toMatchObject({ name: 'transformer.wpe.weight', dims: [128, 32] });
    expect(w.lmHead.weight).toBe(w.embed);
    expect(w.finalNorm.bias?.name).toBe('transformer.ln_f.bias');
  });

  it('hub names without the transformer. prefix', () => {
    const w = weightsOf('hub', tinyGpt2({ hubNames: true }));
    expect(w.embed.name).toBe('wte.weight');
    expect(at(w.layers, 0).attn.v.bias?.name).toBe('h.0.attn.c_attn.bias/v');
  });

  it('InputErrors name the tensor: a transposed Conv1D, a missing fused c_attn, no wte at all', () => {
    const transposed = tinyGpt2();
    entry(transposed.tensors, 'transformer.h.0.mlp.c_fc.weight').shape = [128, 32]; // stored like nn.Linear
    expect(inputError(() => weightsOf('transposed', transposed)).message).toMatch(
      /tensor transformer\.h\.0\.mlp\.c_fc\.weight has shape \[128, 32\], expected \[32, 128\]/,
    );
    const noAttn = tinyGpt2();
    delete noAttn.tensors['transformer.h.1.attn.c_attn.weight'];
    expect(inputError(() => weightsOf('no-attn', noAttn)).message).toMatch(/has no tensor 'transformer\.h\.1\.attn\.c_attn\.weight'/);
    const noWte = tinyGpt2();
    delete noWte.tensors['transformer.wte.weight'];
    expect(inputError(() => weightsOf('no-wte', noWte)).message).toMatch(/neither tensor 'transformer\.wte\.weight' nor 'wte\.weight'/);
    const untied = tinyGpt2();
    untied.config.tie_word_embeddings = false;
    expect(inputError(() => weightsOf('untied', untied)).message).toMatch(/missing tensor lm_head\.weight/);
  });

  it('compiles and runs (hub names, U8 attn.bias buffers): finite probabilities that zero ablation moves', async () => {
    const dir = join(root(), 'engine');
    const m = tinyGpt2({ hubNames: true });
    const P = m.config.n_positions as number;
    writeWithBuffers(dir, m, [0, 1].flatMap((l) => [
      { name: `h.${l}.attn.bias`, dtype: 'U8', shape: [1, 1, P, P], bytesPer: 1 },
      { name: `h.${l}.attn.masked_bias`, dtype: 'F32', shape: [], bytesPer: 4 },
    ]));
    const cp = openCheckpoint(dir);
    expect(cp.unsupportedTensors.has('h.0.attn.bias')).toBe(true); // the reader sets U8 aside; the family never asks
    cp.close();
    const ids = [5, 17, 42, 8, 90, 17, 3, 42, 8];
    await expectAblationsMove('gpt2', dir, join(root(), 'cache'), ids, [{ mode: 'zero', heads: [{ layer: 0, head: 1 }, { layer: 1, head: 2 }] }]);
  });
});
