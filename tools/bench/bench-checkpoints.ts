// The side-by-side bench's models: random checkpoints in the seed's model shapes (GPT-2 small, a
// Llama with grouped-query attention, Llama-3.2-1B), written once into a cache folder in exact
// Hugging Face layout and reused. Weights are streamed tensor by tensor into model.safetensors, so
// a 5 GB checkpoint never sits in memory. Values are uniform with the same per-layer scales as the
// test fixtures (tools/fixtures/tiny-models.ts), so attention is neither uniform nor one-hot.

import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32, tinyVocabWords, wordLevelTokenizer } from '../fixtures/hf-checkpoint';
import { safetensorsBytes } from '../fixtures/hf-checkpoint';
import { BIAS_STD, COMMON, LOGITS, MLP, NORM_NOISE, QK, VO } from '../fixtures/tiny-models';

export type BenchShapeName = 'gpt2-small' | 'llama-gqa' | 'llama-3.2-1b';

interface TensorPlan {
  name: string;
  shape: number[];
  /** Standard deviation of the uniform values, and a constant added (norm weights: 1). */
  std: number;
  offset: number;
}

export interface BenchShape {
  name: BenchShapeName;
  description: string;
  config: Record<string, unknown>;
  tensors: TensorPlan[];
}

// Random weights with the same gains as the test suite's tiny checkpoints.
const BIAS = BIAS_STD;

const t = (name: string, shape: number[], std: number, offset = 0): TensorPlan => ({ name, shape, std, offset });

function gpt2Small(): BenchShape {
  const D = 768;
  const L = 12;
  const V = 50257;
  const P = 1024;
  const tensors: TensorPlan[] = [t('transformer.wte.weight', [V, D], LOGITS / Math.sqrt(D)), t('transformer.wpe.weight', [P, D], (0.5 * LOGITS) / Math.sqrt(D))];
  for (let i = 0; i < L; i++) {
    const h = `transformer.h.${i}.`;
    tensors.push(
      t(`${h}ln_1.weight`, [D], NORM_NOISE, 1), t(`${h}ln_1.bias`, [D], BIAS),
      t(`${h}attn.c_attn.weight`, [D, 3 * D], QK / Math.sqrt(D)), t(`${h}attn.c_attn.bias`, [3 * D], BIAS),
      t(`${h}attn.c_proj.weight`, [D, D], VO / Math.sqrt(D)), t(`${h}attn.c_proj.bias`, [D], BIAS),
      t(`${h}ln_2.weight`, [D], NORM_NOISE, 1), t(`${h}ln_2.bias`, [D], BIAS),
      t(`${h}mlp.c_fc.weight`, [D, 4 * D], MLP / Math.sqrt(D)), t(`${h}mlp.c_fc.bias`, [4 * D], BIAS),
      t(`${h}mlp.c_proj.weight`, [4 * D, D], MLP / Math.sqrt(4 * D)), t(`${h}mlp.c_proj.bias`, [D], BIAS),
    );
  }
  tensors.push(t('transformer.ln_f.weight', [D], NORM_NOISE, 1), t('transformer.ln_f.bias', [D], BIAS));
  const config = {
    ...COMMON, architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', activation_function: 'gelu_new',
    attn_pdrop: 0.1, embd_pdrop: 0.1, layer_norm_epsilon: 1e-5, n_ctx: P, n_embd: D, n_head: 12, n_inner: null,
    n_layer: L, n_positions: P, reorder_and_upcast_attn: false, resid_pdrop: 0.1, scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true, vocab_size: V,
  };
  return { name: 'gpt2-small', description: 'GPT-2 small: 12 layers, 768 wide, 12 heads, MLP 3072, vocabulary 50257, tied embeddings', config, tensors };
}

interface LlamaDims {
  D: number; L: number; H: number; KV: number; Dh: number; I: number; V: number; tied: boolean; maxPositions: number;
  ropeScaling: Record<string, unknown> | null;
}

function llama(name: BenchShapeName, description: string, d: LlamaDims): BenchShape {
  const tensors: TensorPlan[] = [t('model.embed_tokens.weight', [d.V, d.D], d.tied ? LOGITS / Math.sqrt(d.D) : 1)];
  for (let i = 0; i < d.L; i++) {
    const l = `model.layers.${i}.`;
    tensors.push(
      t(`${l}input_layernorm.weight`, [d.D], NORM_NOISE, 1),
      t(`${l}self_attn.q_proj.weight`, [d.H * d.Dh, d.D], QK / Math.sqrt(d.D)),
      t(`${l}self_attn.k_proj.weight`, [d.KV * d.Dh, d.D], QK / Math.sqrt(d.D)),
      t(`${l}self_attn.v_proj.weight`, [d.KV * d.Dh, d.D], VO / Math.sqrt(d.D)),
      t(`${l}self_attn.o_proj.weight`, [d.D, d.H * d.Dh], VO / Math.sqrt(d.H * d.Dh)),
      t(`${l}post_attention_layernorm.weight`, [d.D], NORM_NOISE, 1),
      t(`${l}mlp.gate_proj.weight`, [d.I, d.D], MLP / Math.sqrt(d.D)),
      t(`${l}mlp.up_proj.weight`, [d.I, d.D], MLP / Math.sqrt(d.D)),
      t(`${l}mlp.down_proj.weight`, [d.D, d.I], MLP / Math.sqrt(d.I)),
    );
  }
  tensors.push(t('model.norm.weight', [d.D], NORM_NOISE, 1));
  if (!d.tied) tensors.push(t('lm_head.weight', [d.V, d.D], LOGITS / Math.sqrt(d.D)));
  const config = {
    ...COMMON, architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, attention_dropout: 0.0,
    head_dim: d.Dh, hidden_act: 'silu', hidden_size: d.D, intermediate_size: d.I, max_position_embeddings: d.maxPositions,
    mlp_bias: false, num_attention_heads: d.H, num_hidden_layers: d.L, num_key_value_heads: d.KV, pretraining_tp: 1,
    rms_norm_eps: 1e-5, rope_scaling: d.ropeScaling, rope_theta: 500000.0, tie_word_embeddings: d.tied, vocab_size: d.V,
  };
  return { name, description, config, tensors };
}

export function benchShape(name: BenchShapeName): BenchShape {
  switch (name) {
    case 'gpt2-small':
      return gpt2Small();
    case 'llama-gqa':
      return llama(name, 'Llama with grouped-query attention: 8 layers, 1024 wide, 16 query / 4 key-value heads, MLP 2816, vocabulary 32000, untied', {
        D: 1024, L: 8, H: 16, KV: 4, Dh: 64, I: 2816, V: 32000, tied: false, maxPositions: 4096, ropeScaling: null,
      });
    case 'llama-3.2-1b':
      return llama(name, 'Llama-3.2-1B: 16 layers, 2048 wide, 32 query / 8 key-value heads, MLP 8192, vocabulary 128256, tied embeddings, llama3 rope scaling', {
        D: 2048, L: 16, H: 32, KV: 8, Dh: 64, I: 8192, V: 128256, tied: true, maxPositions: 131072,
        ropeScaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      });
  }
}

export const BENCH_SHAPES: readonly BenchShapeName[] = ['gpt2-small', 'llama-gqa', 'llama-3.2-1b'];

/** Bytes of the shape's weights in float32. */
export function weightBytes(shape: BenchShape): number {
  return shape.tensors.reduce((a, p) => a + 4 * p.shape.reduce((x, y) => x * y, 1), 0);
}

/** The checkpoint folder of `name` under `cacheRoot`, written first if it is not there yet. */
export function ensureBenchCheckpoint(cacheRoot: string, name: BenchShapeName, log: (m: string) => void = () => {}): string {
  const dir = join(cacheRoot, name);
  if (existsSync(join(dir, '.complete'))) return dir;
  const shape = benchShape(name);
  log(`writing the ${name} checkpoint (${(weightBytes(shape) / 1e9).toFixed(2)} GB of float32 weights) to ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(shape.config, null, 2)}\n`);
  writeStreamedSafetensors(join(dir, 'model.safetensors'), shape.tensors, 0x5eed);
  const vocab = shape.config.vocab_size as number;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizer(tinyVocabWords(vocab - 3))));
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return dir;
}

const CHUNK = 1 << 22; // values per write

function writeStreamedSafetensors(file: string, plans: TensorPlan[], seed: number): void {
  const sorted = [...plans].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const p of sorted) {
    const bytes = 4 * p.shape.reduce((x, y) => x * y, 1);
    header[p.name] = { dtype: 'F32', shape: p.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, safetensorsBytes(header));
    const rand = mulberry32(seed);
    const buf = new Float32Array(CHUNK);
    for (const p of sorted) {
      // Uniform on [-a, a] has standard deviation a / sqrt(3).
      const a = p.std * Math.sqrt(3);
      let left = p.shape.reduce((x, y) => x * y, 1);
      while (left > 0) {
        const n = Math.min(left, CHUNK);
        for (let i = 0; i < n; i++) buf[i] = p.offset + (2 * rand() - 1) * a;
        writeSync(fd, new Uint8Array(buf.buffer, 0, n * 4));
        left -= n;
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
