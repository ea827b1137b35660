// The probe run layer by layer over one segment graph per layer (graph/model-graph.ts, `layers`),
// so that rows sharing their inputs up to a layer share its computation (reuse-plan.ts): per trial,
// the layers below a condition's lowest ablated layer run once for every condition, and identical
// conditions run once. The hidden state [rows, S, D] passes from one segment to the next here.

import type { ExecutionProvider } from '../engine-types';
import { HIDDEN_OUT } from '../graph/model-graph';
import { at } from '../../../shared/checked';
import { cpuSubBatchRows, type GraphFeeds, type GraphSession } from './graph-session';
import { reusePlan } from './reuse-plan';

export class SegmentedProbe {
  /** `segments[l]` runs layer l (the first also embeds, the last also reads out token_probs). */
  constructor(
    private readonly segments: readonly GraphSession[],
    private readonly hiddenSize: number,
    private readonly provider: ExecutionProvider,
  ) {}

  /** token_probs [B*S], equal to the whole probe graph's up to float rounding. */
  async probe(f: GraphFeeds): Promise<Float32Array> {
    const plan = reusePlan(f, true);
    const S = f.seqLen;
    const width = S * this.hiddenSize;
    let below: Float32Array | null = null; // [groups of the layer below, S, D]
    for (const [l, { reps, parent }] of plan.layers.entries()) {
      const last = l === plan.layers.length - 1;
      const hidden: Float32Array | null = below && gatherRows(below, parent, width);
      below = await this.runRows(at(this.segments, l), pickRows(f, reps), hidden, last ? 'token_probs' : HIDDEN_OUT, last ? S : width);
    }
    if (!below) throw new Error('the segmented probe has no layers');
    return gatherRows(below, plan.rowGroup, S);
  }

  /** One segment over `f`'s rows, in CPU sub-batches as GraphSession.probe runs them. */
  private async runRows(session: GraphSession, f: GraphFeeds, hidden: Float32Array | null, output: string, outWidth: number): Promise<Float32Array> {
    const rows = this.provider === 'cpu' ? cpuSubBatchRows(f.seqLen, f.nHeads) : f.batch;
    if (rows >= f.batch) return session.runSegment(f, hidden && { data: hidden, size: this.hiddenSize }, output);
    const out = new Float32Array(f.batch * outWidth);
    const inWidth = f.seqLen * this.hiddenSize;
    for (let b0 = 0; b0 < f.batch; b0 += rows) {
      const part = Array.from({ length: Math.min(rows, f.batch - b0) }, (_, i) => b0 + i);
      const partHidden = hidden && { data: hidden.subarray(b0 * inWidth, (b0 + part.length) * inWidth), size: this.hiddenSize };
      out.set(await session.runSegment(pickRows(f, part), partHidden, output), b0 * outWidth);
    }
    return out;
  }

  async release(): Promise<void> {
    for (const s of this.segments) await s.release();
  }
}

/** Rows `rows` of a [n, width] array, in that order. */
function gatherRows(src: Float32Array, rows: readonly number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/** The feeds of batch rows `rows` only. */
function pickRows(f: GraphFeeds, rows: readonly number[]): GraphFeeds {
  const S = f.seqLen;
  const gates = f.nLayers * f.nHeads;
  const inputIds = new BigInt64Array(rows.length * S);
  const headKeep = new Float32Array(rows.length * gates);
  const headUniform = new Float32Array(rows.length * gates);
  const bias = f.headValueBias;
  const headValueBias = bias && new Float32Array(rows.length * gates);
  rows.forEach((r, i) => {
    inputIds.set(f.inputIds.subarray(r * S, (r + 1) * S), i * S);
    headKeep.set(f.headKeep.subarray(r * gates, (r + 1) * gates), i * gates);
    headUniform.set(f.headUniform.subarray(r * gates, (r + 1) * gates), i * gates);
    if (bias && headValueBias) headValueBias.set(bias.subarray(r * gates, (r + 1) * gates), i * gates);
  });
  return { ...f, batch: rows.length, inputIds, headKeep, headUniform, ...(headValueBias ? { headValueBias } : {}) };
}
