// Tiny random checkpoints in exact Hugging Face format (config.json keys as the hub's configs have
// them, tensor names/shapes as transformers saves them) for the families the engine compiles.
// Weights are seeded and scaled so attention is neither uniform nor one-hot (scores ~N(0, 2)),
// logits spread over a few units, norms near 1 and biases small but nonzero.

import { mulberry32, writeCheckpoint, type CheckpointTensors, type WriteDtype } from './hf-checkpoint';
import { at, first } from '../../src/shared/checked';

export interface TinyModel {
  config: Record<string, unknown>;
  tensors: CheckpointTensors;
}

export interface TinyOptions {
  seed?: number;
  layers?: number;
  vocab?: number;
  hidden?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  intermediate?: number;
  maxPositions?: number;
}

/** Gains (std × sqrt(fan_in)): q·k/sqrt(d) then has std ≈ QK², logits std ≈ LOGITS. */
const QK = 1.4;
const VO = 1.0;
const MLP = 1.0;
const LOGITS = 2.0;
const BIAS_STD = 0.2;
const NORM_NOISE = 0.1;

/** Shared by every family: config keys all hub configs carry. */
const COMMON = { bos_token_id: 1, eos_token_id: 2, initializer_range: 0.02, torch_dtype: 'float32', transformers_version: '4.46.0', use_cache: true };

/** Llama 3.1 style: GQA, llama3 rope scaling that bites (original window 64: one frequency in the
 * smooth band, six scaled by 1/8), explicit head_dim != hidden / heads, untied lm_head. */
export function tinyLlama3(opts: TinyOptions & { ropeScaling?: Record<string, unknown> | null } = {}): TinyModel {
  const d = dims(opts, { seed: 1, hidden: 48, heads: 4, kvHeads: 2, headDim: 16, intermediate: 96 });
  const config = {
    ...COMMON, architectures: ['LlamaForCausalLM'], model_type: 'llama',
    attention_bias: false, attention_dropout: 0.0, head_dim: d.headDim, hidden_act: 'silu',
    hidden_size: d.hidden, intermediate_size: d.intermediate, max_position_embeddings: d.maxPositions,
    mlp_bias: false, num_attention_heads: d.heads, num_hidden_layers: d.layers, num_key_value_heads: d.kvHeads,
    pretraining_tp: 1, rms_norm_eps: 1e-5,
    rope_scaling: opts.ropeScaling !== undefined ? opts.ropeScaling
      : { factor: 8.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 64, rope_type: 'llama3' },
    rope_theta: 500000.0, tie_word_embeddings: false, vocab_size: d.vocab,
  };
  return { config, tensors: llamaLikeTensors(d, { qkvBias: false, tied: false, gemma: false }) };
}

/** Qwen2/2.5 style: q/k/v bias (no o bias), tied embeddings (no lm_head tensor). */
export function tinyQwen2(opts: TinyOptions = {}): TinyModel {
  const d = dims(opts, { seed: 2, hidden: 32, heads: 4, kvHeads: 2, headDim: 8, intermediate: 64 });
  const config = {
    ...COMMON, architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2',
    attention_dropout: 0.0, hidden_act: 'silu', hidden_size: d.hidden, intermediate_size: d.intermediate,
    max_position_embeddings: d.maxPositions, max_window_layers: d.layers, num_attention_heads: d.heads,
    num_hidden_layers: d.layers, num_key_value_heads: d.kvHeads, rms_norm_eps: 1e-6, rope_theta: 1000000.0,
    sliding_window: d.maxPositions, tie_word_embeddings: true, use_sliding_window: false, vocab_size: d.vocab,
  };
  return { config, tensors: llamaLikeTensors(d, { qkvBias: true, tied: true, gemma: false }) };
}

/** Mistral v0.3 style: 4 query heads per kv head, sliding_window null by default. */
export function tinyMistral(opts: TinyOptions & { slidingWindow?: number | null } = {}): TinyModel {
  const d = dims(opts, { seed: 3, hidden: 32, heads: 4, kvHeads: 1, headDim: 8, intermediate: 64 });
  const config = {
    ...COMMON, architectures: ['MistralForCausalLM'], model_type: 'mistral',
    attention_dropout: 0.0, hidden_act: 'silu', hidden_size: d.hidden, intermediate_size: d.intermediate,
    max_position_embeddings: d.maxPositions, num_attention_heads: d.heads, num_hidden_layers: d.layers,
    num_key_value_heads: d.kvHeads, rms_norm_eps: 1e-5, rope_theta: 1000000.0,
    sliding_window: opts.slidingWindow ?? null, tie_word_embeddings: false, vocab_size: d.vocab,
  };
  return { config, tensors: llamaLikeTensors(d, { qkvBias: false, tied: false, gemma: false }) };
}

export interface Gemma2Options extends TinyOptions {
  slidingWindow?: number;
  queryPreAttnScalar?: number;
  attnSoftcap?: number | null;
  finalSoftcap?: number | null;
  /** Write `layer_types` as transformers >= 4.53 does; hub gemma-2 configs omit it (even layers are local). */
  layerTypes?: boolean;
}

/** Gemma-2 style. Small window (4) and soft-caps (5) so both bite on short prompts; query_pre_attn_scalar
 * (24) differs from head_dim (16); norm weights are stored as w with scale (1 + w), so near 0. */
export function tinyGemma2(opts: Gemma2Options = {}): TinyModel {
  const d = dims(opts, { seed: 4, hidden: 32, heads: 4, kvHeads: 2, headDim: 16, intermediate: 64 });
  const config: Record<string, unknown> = {
    ...COMMON, architectures: ['Gemma2ForCausalLM'], model_type: 'gemma2',
    attention_bias: false, attention_dropout: 0.0, attn_logit_softcapping: opts.attnSoftcap === undefined ? 5.0 : opts.attnSoftcap,
    cache_implementation: 'hybrid', final_logit_softcapping: opts.finalSoftcap === undefined ? 5.0 : opts.finalSoftcap,
    head_dim: d.headDim, hidden_act: 'gelu_pytorch_tanh', hidden_activation: 'gelu_pytorch_tanh',
    hidden_size: d.hidden, intermediate_size: d.intermediate, max_position_embeddings: d.maxPositions,
    num_attention_heads: d.heads, num_hidden_layers: d.layers, num_key_value_heads: d.kvHeads, pad_token_id: 0,
    query_pre_attn_scalar: opts.queryPreAttnScalar ?? 24, rms_norm_eps: 1e-6, rope_theta: 10000.0,
    sliding_window: opts.slidingWindow ?? 4, tie_word_embeddings: true, vocab_size: d.vocab,
  };
  if (opts.layerTypes) {
    config.layer_types = Array.from({ length: d.layers }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention'));
  }
  return { config, tensors: llamaLikeTensors(d, { qkvBias: false, tied: true, gemma: true }) };
}

/** GPT-2: Conv1D weights stored [in, out], fused c_attn, learned positions, tied wte. Names carry the
 * `transformer.` prefix, as save_pretrained writes them; `hubNames` drops it, as in openai's gpt2 file. */
export function tinyGpt2(opts: TinyOptions & { hubNames?: boolean } = {}): TinyModel {
  const d = dims(opts, { seed: 5, hidden: 32, heads: 4, kvHeads: 4, headDim: 8, intermediate: 128 });
  const config = {
    ...COMMON, architectures: ['GPT2LMHeadModel'], model_type: 'gpt2',
    activation_function: 'gelu_new', attn_pdrop: 0.1, embd_pdrop: 0.1, layer_norm_epsilon: 1e-5,
    n_ctx: d.maxPositions, n_embd: d.hidden, n_head: d.heads, n_inner: d.intermediate === 4 * d.hidden ? null : d.intermediate,
    n_layer: d.layers, n_positions: d.maxPositions, reorder_and_upcast_attn: false, resid_pdrop: 0.1,
    scale_attn_by_inverse_layer_idx: false, scale_attn_weights: true, vocab_size: d.vocab,
  };
  const g = gaussian(d.seed);
  const D = d.hidden;
  const p = opts.hubNames ? '' : 'transformer.';
  const t: CheckpointTensors = {};
  t[`${p}wte.weight`] = randn(g, [d.vocab, D], LOGITS / Math.sqrt(D)); // tied: also the LM head
  t[`${p}wpe.weight`] = randn(g, [d.maxPositions, D], 0.5 * LOGITS / Math.sqrt(D));
  for (let i = 0; i < d.layers; i++) {
    const h = `${p}h.${i}.`;
    layerNorm(g, t, `${h}ln_1`, D);
    // [in, 3D]: columns q | k | v.
    t[`${h}attn.c_attn.weight`] = conv1d(g, D, [[D, QK], [D, QK], [D, VO]]);
    t[`${h}attn.c_attn.bias`] = randn(g, [3 * D], BIAS_STD);
    t[`${h}attn.c_proj.weight`] = conv1d(g, D, [[D, VO]]);
    t[`${h}attn.c_proj.bias`] = randn(g, [D], BIAS_STD);
    layerNorm(g, t, `${h}ln_2`, D);
    t[`${h}mlp.c_fc.weight`] = conv1d(g, D, [[d.intermediate, MLP]]);
    t[`${h}mlp.c_fc.bias`] = randn(g, [d.intermediate], BIAS_STD);
    t[`${h}mlp.c_proj.weight`] = conv1d(g, d.intermediate, [[D, MLP]]);
    t[`${h}mlp.c_proj.bias`] = randn(g, [D], BIAS_STD);
  }
  layerNorm(g, t, `${p}ln_f`, D);
  return { config, tensors: t };
}

/** Pythia (GPT-NeoX): fused query_key_value with rows laid out (head, q|k|v, d_head), partial rotary,
 * parallel residual, untied embed_out, biases everywhere. */
export function tinyNeox(opts: TinyOptions & { rotaryPct?: number; parallelResidual?: boolean } = {}): TinyModel {
  const d = dims(opts, { seed: 6, hidden: 32, heads: 4, kvHeads: 4, headDim: 8, intermediate: 128 });
  const config = {
    ...COMMON, architectures: ['GPTNeoXForCausalLM'], model_type: 'gpt_neox',
    attention_bias: true, attention_dropout: 0.0, classifier_dropout: 0.1, hidden_act: 'gelu', hidden_dropout: 0.0,
    hidden_size: d.hidden, intermediate_size: d.intermediate, layer_norm_eps: 1e-5,
    max_position_embeddings: d.maxPositions, num_attention_heads: d.heads, num_hidden_layers: d.layers,
    rope_scaling: null, rotary_emb_base: 10000, rotary_pct: opts.rotaryPct ?? 0.5, tie_word_embeddings: false,
    use_parallel_residual: opts.parallelResidual ?? true, vocab_size: d.vocab,
  };
  const g = gaussian(d.seed);
  const D = d.hidden;
  const t: CheckpointTensors = {};
  t['gpt_neox.embed_in.weight'] = randn(g, [d.vocab, D], 1.0);
  for (let i = 0; i < d.layers; i++) {
    const l = `gpt_neox.layers.${i}.`;
    layerNorm(g, t, `${l}input_layernorm`, D);
    layerNorm(g, t, `${l}post_attention_layernorm`, D);
    const perHead: [number, number][] = [[d.headDim, QK], [d.headDim, QK], [d.headDim, VO]];
    t[`${l}attention.query_key_value.weight`] = linear(g, D, Array.from({ length: d.heads }, () => perHead).flat());
    t[`${l}attention.query_key_value.bias`] = randn(g, [3 * D], BIAS_STD);
    t[`${l}attention.dense.weight`] = linear(g, D, [[D, VO]]);
    t[`${l}attention.dense.bias`] = randn(g, [D], BIAS_STD);
    t[`${l}mlp.dense_h_to_4h.weight`] = linear(g, D, [[d.intermediate, MLP]]);
    t[`${l}mlp.dense_h_to_4h.bias`] = randn(g, [d.intermediate], BIAS_STD);
    t[`${l}mlp.dense_4h_to_h.weight`] = linear(g, d.intermediate, [[D, MLP]]);
    t[`${l}mlp.dense_4h_to_h.bias`] = randn(g, [D], BIAS_STD);
  }
  layerNorm(g, t, 'gpt_neox.final_layer_norm', D);
  t['embed_out.weight'] = linear(g, D, [[d.vocab, LOGITS]]);
  return { config, tensors: t };
}

/** Writes a tiny model as a checkpoint folder (with a word-level tokenizer covering its vocabulary). */
export function writeTinyModel(dir: string, model: TinyModel, opts: { dtype?: WriteDtype; shards?: number } = {}): void {
  writeCheckpoint({ dir, config: model.config, tensors: model.tensors, ...opts });
}

type Dims = Required<TinyOptions>;

function dims(opts: TinyOptions, defaults: Omit<Dims, 'layers' | 'vocab' | 'maxPositions'>): Dims {
  return { layers: 2, vocab: 96, maxPositions: 128, ...defaults, ...stripUndefined(opts) } as Dims;
}

function stripUndefined(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Llama, Qwen2, Mistral and Gemma-2 share HF's LlamaForCausalLM tensor layout (torch Linear: [out, in]). */
function llamaLikeTensors(d: Dims, f: { qkvBias: boolean; tied: boolean; gemma: boolean }): CheckpointTensors {
  const g = gaussian(d.seed);
  const { hidden: D, heads: H, kvHeads: KV, headDim: Dh, intermediate: I } = d;
  const t: CheckpointTensors = {};
  // Gemma stores w with scale (1 + w); the others store the scale itself.
  const norm = (name: string) => (t[name] = addConst(randn(g, [D], NORM_NOISE), f.gemma ? 0 : 1));
  t['model.embed_tokens.weight'] = randn(g, [d.vocab, D], f.tied ? LOGITS / Math.sqrt(D) : 1.0);
  for (let i = 0; i < d.layers; i++) {
    const l = `model.layers.${i}.`;
    norm(`${l}input_layernorm.weight`);
    t[`${l}self_attn.q_proj.weight`] = linear(g, D, [[H * Dh, QK]]);
    t[`${l}self_attn.k_proj.weight`] = linear(g, D, [[KV * Dh, QK]]);
    t[`${l}self_attn.v_proj.weight`] = linear(g, D, [[KV * Dh, VO]]);
    if (f.qkvBias) {
      t[`${l}self_attn.q_proj.bias`] = randn(g, [H * Dh], BIAS_STD);
      t[`${l}self_attn.k_proj.bias`] = randn(g, [KV * Dh], BIAS_STD);
      t[`${l}self_attn.v_proj.bias`] = randn(g, [KV * Dh], BIAS_STD);
    }
    t[`${l}self_attn.o_proj.weight`] = linear(g, H * Dh, [[D, VO]]);
    norm(`${l}post_attention_layernorm.weight`);
    if (f.gemma) {
      norm(`${l}pre_feedforward_layernorm.weight`);
      norm(`${l}post_feedforward_layernorm.weight`);
    }
    t[`${l}mlp.gate_proj.weight`] = linear(g, D, [[I, MLP]]);
    t[`${l}mlp.up_proj.weight`] = linear(g, D, [[I, MLP]]);
    t[`${l}mlp.down_proj.weight`] = linear(g, I, [[D, MLP]]);
  }
  norm('model.norm.weight');
  if (!f.tied) t['lm_head.weight'] = linear(g, D, [[d.vocab, LOGITS]]);
  return t;
}

/** Standard normal samples (Box-Muller over mulberry32). */
function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function randn(g: () => number, shape: number[], std: number) {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = g() * std;
  return { shape, data };
}

function addConst(x: { shape: number[]; data: Float32Array }, c: number) {
  x.data.forEach((v, i) => (x.data[i] = v + c));
  return x;
}

/** torch Linear weight [out, in]; `rows` lists consecutive row blocks as [count, gain]. */
function linear(g: () => number, fanIn: number, rows: [number, number][]) {
  const out = rows.reduce((a, [n]) => a + n, 0);
  const data = new Float32Array(out * fanIn);
  let r = 0;
  for (const [n, gain] of rows) {
    for (let i = 0; i < n * fanIn; i++) data[r * fanIn + i] = (g() * gain) / Math.sqrt(fanIn);
    r += n;
  }
  return { shape: [out, fanIn], data };
}

/** GPT-2 Conv1D weight [in, out]; `cols` lists consecutive column blocks as [count, gain]. */
function conv1d(g: () => number, fanIn: number, cols: [number, number][]) {
  const { data, shape } = linear(g, fanIn, cols); // [out, in]
  const out = first(shape);
  const t = new Float32Array(data.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < fanIn; i++) t[i * out + o] = at(data, o * fanIn + i);
  return { shape: [fanIn, out], data: t };
}

function layerNorm(g: () => number, t: CheckpointTensors, prefix: string, n: number) {
  t[`${prefix}.weight`] = addConst(randn(g, [n], NORM_NOISE), 1);
  t[`${prefix}.bias`] = randn(g, [n], BIAS_STD);
}
