// The flat, canonical description of a decoder-only transformer that one graph builder and one
// reference implementation serve (TransformerLens's config of feature flags, as a typed object).
// Family modules (src/main/engine/families) turn a Hugging Face config.json into this.

export type Family = 'llama' | 'gemma2' | 'gpt2' | 'gpt_neox';

export interface RopeScalingLlama3 {
  type: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

export type Positional =
  /** Rotary on the first `rotaryDim` dims of each head, rotate-half convention (HF's). */
  | { kind: 'rotary'; theta: number; rotaryDim: number; scaling: RopeScalingLlama3 | null }
  /** Learned absolute position embeddings (GPT-2). */
  | { kind: 'learned' };

export interface ModelSpec {
  family: Family;
  /** config.json `model_type` as found (llama, mistral, qwen2, gemma2, gpt2, gpt_neox). */
  modelType: string;
  nLayers: number;
  /** Query heads per layer. */
  nHeads: number;
  /** Key/value heads (grouped-query attention when < nHeads); query head h reads kv head h / (nHeads / nKvHeads). */
  nKvHeads: number;
  headDim: number;
  hiddenSize: number;
  intermediateSize: number;
  vocabSize: number;
  maxPositions: number;
  norm: {
    kind: 'rms' | 'layer';
    eps: number;
    /** Gemma-2 scales by (1 + w): its checkpoints store w - 1. */
    weightOffset: 0 | 1;
  };
  positional: Positional;
  attention: {
    qkvBias: boolean;
    outBias: boolean;
    /** Multiplies q·k (1/sqrt(headDim) unless the config says otherwise, e.g. query_pre_attn_scalar). */
    scale: number;
    /** Gemma-2: scores = cap * tanh(scores / cap), before the mask and before any ablation. */
    logitSoftcap: number | null;
    /** Window W for local layers: a query sees keys q-W+1..q. */
    slidingWindow: number | null;
    /** Per layer: true where the sliding window applies. */
    localLayers: boolean[];
  };
  mlp: {
    /** gated: down(act(gate(x)) * up(x)); plain: fc_out(act(fc_in(x))). */
    kind: 'gated' | 'plain';
    act: 'silu' | 'gelu_tanh' | 'gelu';
    bias: boolean;
  };
  block: {
    /** GPT-NeoX: x + attn(ln1(x)) + mlp(ln2(x)). */
    parallelResidual: boolean;
    /** Gemma-2: norms after attention and after the MLP as well as before. */
    postNorms: boolean;
  };
  /** Gemma-2 multiplies embeddings by sqrt(hiddenSize) (in the model's dtype). */
  embedScale: number;
  finalLogitSoftcap: number | null;
  tieWordEmbeddings: boolean;
}

export interface HeadRef {
  layer: number;
  head: number;
}
