// The probe run layer by layer over one segment graph per layer (graph/model-graph.ts, `layers`),
// so that rows sharing their inputs up to a layer share its computation (reuse-plan.ts): per trial,
// the layers below a condition's lowest ablated layer run once for every condition, and identical
// conditions run once. The hidden state [rows, S, D] passes from one segment to the next here.

import { HIDDEN_OUT } from '../graph/model-graph';
import { at } from '../../../shared/checked';
import { cpuSubBatchRows, feedRows, type GraphFeeds, type GraphSession } from './graph-session';
import { reusePlan } from './reuse-plan';

export class SegmentedProbe {
  /**
   * Two [rows, S, D] buffers kept between batches (grown when a batch needs more): a layer's input
   * rows are gathered into one while the other holds the layer below's output, and onnxruntime writes
   * the layer's output over that one. Per-layer arrays, allocated fresh, left the process holding
   * hundreds of MB of dead hidden states between garbage collections.
   */
  private buffers: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];

  /** `segments[l]` runs layer l (the first also embeds, the last also reads out token_probs). */
  constructor(
    private readonly segments: readonly GraphSession[],
    private readonly hiddenSize: number,
  ) {}

  /** token_probs [B*S], equal to the whole probe graph's up to float rounding. */
  async probe(f: GraphFeeds): Promise<Float32Array> {
    const plan = reusePlan(f, true);
    const S = f.seqLen;
    const width = S * this.hiddenSize;
    const [below, gathered] = this.ensureBuffers(f.batch * width);
    let groupsBelow = 0; // rows of `below` holding the layer below's output
    let probs: Float32Array | null = null;
    for (const [l, { reps, parent }] of plan.layers.entries()) {
      const segment = at(this.segments, l);
      const feeds = pickRows(f, reps);
      const hidden = groupsBelow > 0 ? gatherRows(below, parent, width, gathered) : null;
      if (l === plan.layers.length - 1) {
        probs = await this.runRows(segment, feeds, hidden, 'token_probs', S, null);
      } else {
        await this.runRows(segment, feeds, hidden, HIDDEN_OUT, width, below);
        groupsBelow = reps.length;
      }
    }
    if (!probs) throw new Error('the segmented probe has no layers');
    return gatherRows(probs, plan.rowGroup, S, new Float32Array(f.batch * S));
  }

  private ensureBuffers(size: number): [Float32Array, Float32Array] {
    if (this.buffers[0].length < size) this.buffers = [new Float32Array(size), new Float32Array(size)];
    return this.buffers;
  }

  /**
   * One segment over `f`'s rows, in CPU sub-batches as GraphSession.probe runs them; the output goes
   * to `into` (rows of `outWidth`) when given, else to a new array.
   */
  private async runRows(
    session: GraphSession,
    f: GraphFeeds,
    hidden: Float32Array | null,
    output: string,
    outWidth: number,
    into: Float32Array | null,
  ): Promise<Float32Array> {
    // Segments run on the CPU only (local-engine.ts), in the whole graph's sub-batches.
    const rows = cpuSubBatchRows(f.seqLen, f.nHeads);
    const out = into ?? new Float32Array(f.batch * outWidth);
    const inWidth = f.seqLen * this.hiddenSize;
    for (let b0 = 0; b0 < f.batch; b0 += rows) {
      const n = Math.min(rows, f.batch - b0);
      const part = feedRows(f, b0, n);
      const partHidden = hidden && { data: hidden.subarray(b0 * inWidth, (b0 + n) * inWidth), size: this.hiddenSize };
      const dims = output === HIDDEN_OUT ? [n, f.seqLen, this.hiddenSize] : [n, f.seqLen];
      await session.runSegment(part, partHidden, output, { data: out.subarray(b0 * outWidth, (b0 + n) * outWidth), dims });
    }
    return out;
  }

  async release(): Promise<void> {
    for (const s of this.segments) await s.release();
    this.buffers = [new Float32Array(0), new Float32Array(0)];
  }
}

/** Rows `rows` of a [n, width] array, in that order, written to the start of `out`; returns that part. */
function gatherRows(src: Float32Array, rows: readonly number[], width: number, out: Float32Array): Float32Array {
  rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out.subarray(0, rows.length * width);
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
