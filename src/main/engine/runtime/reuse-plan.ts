// Which rows of a probe batch share their residual stream up to each layer. A layer's output depends
// only on the prompt and the head controls of that layer and every layer below it, so two rows with
// the same prompt and the same controls in layers 0..l have the same hidden state after layer l:
// it is computed once. A condition that ablates heads from layer k up shares layers 0..k-1 with the
// baseline of the same trial; two identical conditions share every layer.

import type { GraphFeeds } from './graph-session';

export interface LayerGroups {
  /** Per group: the batch row whose inputs stand for it (the first row of the group). */
  reps: number[];
  /** Per group: its group in the layer below (layer 0: the group of rows with the same prompt). */
  parent: number[];
}

export interface ReusePlan {
  /** Per layer, the distinct states after it. */
  layers: LayerGroups[];
  /** Per batch row, its group after the last layer. */
  rowGroup: number[];
}

type PlanFeeds = Pick<GraphFeeds, 'inputIds' | 'headKeep' | 'headUniform' | 'headValueBias' | 'batch' | 'seqLen' | 'nLayers' | 'nHeads'>;

/** Groups rows by (prompt, controls of layers 0..l) for every l. `reuse` false: every row its own group. */
export function reusePlan(f: PlanFeeds, reuse: boolean): ReusePlan {
  const { batch: B, seqLen: S, nLayers: L, nHeads: H } = f;
  // Before layer 0: rows with the same prompt (every row apart without reuse).
  const prompts = new Map<string, number>();
  let rowGroup = Array.from({ length: B }, (_, b) => {
    const key = reuse ? promptKey(f.inputIds, b, S) : String(b);
    const known = prompts.get(key);
    if (known !== undefined) return known;
    prompts.set(key, prompts.size);
    return prompts.size - 1;
  });
  const layers: LayerGroups[] = [];
  for (let l = 0; l < L; l++) {
    const index = new Map<string, number>();
    const reps: number[] = [];
    const parent: number[] = [];
    rowGroup = rowGroup.map((below, b) => {
      const off = (b * L + l) * H;
      const bias = f.headValueBias?.subarray(off, off + H).join(',') ?? '';
      const key = `${below}|${f.headKeep.subarray(off, off + H).join(',')}|${f.headUniform.subarray(off, off + H).join(',')}|${bias}`;
      const known = index.get(key);
      if (known !== undefined) return known;
      index.set(key, reps.length);
      reps.push(b);
      parent.push(below);
      return reps.length - 1;
    });
    layers.push({ reps, parent });
  }
  return { layers, rowGroup };
}

function promptKey(ids: BigInt64Array, b: number, S: number): string {
  return ids.subarray(b * S, (b + 1) * S).join(',');
}

/** Layers a plan runs, summed over its groups, over what running every row through every layer takes. */
export function planWorkShare(plan: ReusePlan, batch: number): number {
  const runs = plan.layers.reduce((a, l) => a + l.reps.length, 0);
  return plan.layers.length === 0 || batch === 0 ? 1 : runs / (plan.layers.length * batch);
}
