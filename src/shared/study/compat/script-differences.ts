// Every way a study differs from what run_ablations.py would do with the same inputs, as one line
// each; `run` prints the ones that apply (README: Reproducing the seed script, whose table lists
// them all with why and the effect on the numbers).

import { valueBiasOf } from '../spec';
import type { StudySpec } from '../types';

export interface DifferenceContext {
  /** The model's attention has q/k/v biases (GPT-2, GPT-NeoX, Qwen2...): zero ablation's value-bias choice matters. */
  valueBiases: boolean;
  /** The engine's dtype where known ('float32' on CPU, 'float16' on CUDA). */
  dtype?: string;
}

/** The applicable differences of `spec` from the seed script, one sentence each. */
export function scriptDifferences(spec: StudySpec, ctx: DifferenceContext): string[] {
  const out: string[] = [];
  const zero = spec.groups.some((g) => g.mode === 'zero');
  const script = spec.compat === 'script';
  if (!script) out.push(...studioDifferences(spec));
  if (zero && ctx.valueBiases && valueBiasOf(spec) === 'remove') {
    out.push('zero ablation removes the heads\' value bias with their output; the script (TransformerLens folding) keeps b_V·W_O (--value_bias keep)');
  }
  if (zero && ctx.valueBiases && script && valueBiasOf(spec) === 'keep') {
    out.push('value bias kept under zero ablation, as TransformerLens folds it into the output bias');
  }
  out.push(`engine precision: ${ctx.dtype ?? 'float32 on CPU, float16 on CUDA'}; the script runs TransformerLens in bfloat16 by default (--dtype), which moves probabilities by up to ~1% relative`);
  if (spec.trialsFile) out.push(`trials: the prompts of ${spec.trialsFile}, run as given`);
  if (spec.headsFile) out.push(`heads: the list in ${spec.headsFile} (count k silences its first k)`);
  if (script) {
    out.push('statistics: the script\'s conditions run different prompts, so the paired comparisons pair unrelated trials (still valid tests, without the pairing\'s precision)');
    if (spec.tokens.source === 'store') out.push('tokens: a stored token set has its special tokens dropped already; the script\'s np.unique keeps them (use the token file)');
  }
  return out;
}

function studioDifferences(spec: StudySpec): string[] {
  const out: string[] = [];
  if (!spec.trialsFile) {
    out.push('trials are paired (trial i is the same prompt in every condition); the script draws new prompts for each count from one numpy stream');
    out.push('tokens: special tokens (BOS...) dropped from the token set and N sampled with our generator; the script keeps BOS and uses numpy\'s default_rng choice');
  }
  const ranges = new Set(spec.groups.map((g) => g.layerRange));
  if (!spec.headsFile && (ranges.has('top') || ranges.has('bottom'))) {
    out.push('layer boundary: one rule, lower half = layers < floor(L/2); the script puts layer floor(L/2) in "top" for induction heads but in "bottom" for random heads');
  }
  if (!spec.headsFile && spec.groups.some((g) => g.headType === 'random')) {
    out.push('random heads: drawn with our generator (distinct draws) from the scored heads outside the range\'s top max_heads_abl; the script uses random.sample from CPython\'s generator');
  }
  out.push('counts: our default --to_abl starts with 0 (a baseline), the script\'s 1-5-10-20-50 has none; a count above max_heads_abl is an error here, truncated by the script');
  out.push('tables: means over trials in float64; the script\'s np.mean sums the float32 probabilities in float32');
  out.push('heads/*.json lists the heads of the largest count run; the script lists all max_heads_abl selected heads');
  return out;
}
