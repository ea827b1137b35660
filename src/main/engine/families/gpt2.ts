// The gpt2 family (GPT-2 small … xl, distilgpt2), after transformers' modeling_gpt2.py: learned
// positions (wpe), LayerNorm, biases everywhere, tied LM head (wte). Its Conv1D layers store weights
// [in, out], already MatMul-ready: nothing is transposed (the opposite of nn.Linear). The fused
// c_attn [D, 3D] is split into q | k | v along its output (column) axis.

import type { ModelSpec } from '../../../shared/model-spec';
import { InputError } from '../../../shared/errors';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { pickColumns, pickRows, storedTensor, type LayerWeights, type Linear, type ModelWeights } from '../graph/weights';
import { configActivation, configBool, configInt, configIntOr, configPositiveOr, familySpec, type FamilyModule } from './family';
import { layerNormWeights, lmHeadWeights } from './family-weights';

type Config = Record<string, unknown>;

function parseConfig(config: Config, path: string): ModelSpec {
  const hiddenSize = configInt(config, 'n_embd', path);
  const nLayers = configInt(config, 'n_layer', path);
  const nHeads = configInt(config, 'n_head', path);
  if (hiddenSize % nHeads !== 0) throw new InputError(path, `n_embd (${hiddenSize}) is not divisible by n_head (${nHeads})`);
  // Per-layer score scaling 1/(layer + 1) (GPT-2 variants trained with Mistral's stabilisation) has no
  // place in the one-scale-per-model spec: refuse it rather than compute something else.
  if (configBool(config, 'scale_attn_by_inverse_layer_idx', path, false)) {
    throw new InputError(path, 'scale_attn_by_inverse_layer_idx true is not supported');
  }
  // reorder_and_upcast_attn only changes torch's numerics (q scaled before q·k, scores in float32),
  // which the graph does anyway: the value is read to check its type and otherwise ignored.
  configBool(config, 'reorder_and_upcast_attn', path, false);
  const headDim = hiddenSize / nHeads;
  return familySpec(
    {
      family: 'gpt2',
      modelType: 'gpt2',
      nLayers,
      nHeads,
      nKvHeads: nHeads,
      headDim,
      hiddenSize,
      // n_inner null (every OpenAI checkpoint) means 4 x n_embd.
      intermediateSize: configIntOr(config, 'n_inner', path, 4 * hiddenSize),
      vocabSize: configInt(config, 'vocab_size', path),
      maxPositions: configIntOr(config, 'n_positions', path, 1024), // GPT2Config's default; wpe's rows
      norm: { kind: 'layer', eps: configPositiveOr(config, 'layer_norm_epsilon', path, 1e-5), weightOffset: 0 },
      positional: { kind: 'learned' },
      mlp: { kind: 'plain', act: configActivation(config, 'activation_function', path, 'gelu_new'), bias: true },
      tieWordEmbeddings: configBool(config, 'tie_word_embeddings', path, true),
    },
    {
      attention: {
        qkvBias: true,
        outBias: true,
        // scale_attn_weights false (never in released checkpoints) means raw q·k scores.
        ...(configBool(config, 'scale_attn_weights', path, true) ? {} : { scale: 1 }),
      },
    },
  );
}

/**
 * save_pretrained writes `transformer.wte.weight`; the original hub files (openai-community/gpt2)
 * have `wte.weight`. The attn.bias / attn.masked_bias buffers (bool/uint8 in old files) are never read.
 */
function namePrefix(cp: Checkpoint): string {
  if (cp.has('transformer.wte.weight')) return 'transformer.';
  if (cp.has('wte.weight')) return '';
  throw new InputError(cp.indexPath ?? cp.dir, "has neither tensor 'transformer.wte.weight' nor 'wte.weight': not a GPT-2 checkpoint");
}

function weights(cp: Checkpoint, spec: ModelSpec): ModelWeights {
  const { hiddenSize: D, intermediateSize: I, vocabSize: V } = spec;
  const p = namePrefix(cp);
  const layerNorm = (prefix: string) => layerNormWeights(cp, prefix, D);
  // Conv1D: weight stored [in, out], used as is.
  const conv1d = (name: string, nIn: number, nOut: number): Linear => ({
    weight: storedTensor(cp, `${name}.weight`, [nIn, nOut]),
    bias: storedTensor(cp, `${name}.bias`, [nOut]),
  });
  const layers: LayerWeights[] = [];
  for (let l = 0; l < spec.nLayers; l++) {
    const h = `${p}h.${l}`;
    const cAttn = `${h}.attn.c_attn`;
    // c_attn.weight [D, 3D]: columns 0..D-1 are q, D..2D-1 k, 2D..3D-1 v (heads contiguous in each).
    const part = (i: number, s: 'q' | 'k' | 'v'): Linear => ({
      weight: pickColumns(cp, `${cAttn}.weight`, [D, 3 * D], i * D, D, s),
      bias: pickRows(cp, `${cAttn}.bias`, [3 * D], range(i * D, D), s, false),
    });
    layers.push({
      preAttnNorm: layerNorm(`${h}.ln_1`),
      postAttnNorm: null,
      preMlpNorm: layerNorm(`${h}.ln_2`),
      postMlpNorm: null,
      attn: { q: part(0, 'q'), k: part(1, 'k'), v: part(2, 'v'), o: conv1d(`${h}.attn.c_proj`, D, D) },
      mlp: { kind: 'plain', fcIn: conv1d(`${h}.mlp.c_fc`, D, I), fcOut: conv1d(`${h}.mlp.c_proj`, I, D) },
    });
  }
  const embed = storedTensor(cp, `${p}wte.weight`, [V, D]);
  const positions = storedTensor(cp, `${p}wpe.weight`, [spec.maxPositions, D]);
  // GPT2LMHeadModel's lm_head is an nn.Linear without bias, never prefixed with `transformer.`.
  return { embed, positions, layers, finalNorm: layerNorm(`${p}ln_f`), lmHead: lmHeadWeights(cp, spec, embed, 'lm_head.weight') };
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

export const gpt2Family: FamilyModule = {
  family: 'gpt2',
  modelTypes: ['gpt2'],
  architectures: ['GPT2LMHeadModel'],
  parseConfig,
  weights,
};
