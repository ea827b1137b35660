// Tensors every layer shares, built once at the top of the graph: the inputs, the sequence length,
// positions, gathered rotary rows, and per attention kind (causal / sliding window) the additive
// mask, the number of keys each query sees (the divisor of the mean-ablation running mean) and the
// query blocks of blocked attention (blocked-attention.ts).

import type { ModelSpec } from '../../../shared/model-spec';
import type { GraphBuilder } from './onnx-builder';
import { sliceLast, type ComputeType } from './ops';
import { blockBounds, queryBlocks, type QueryBlock } from './blocked-attention';
import { rotaryTableInits } from './rotary';

/** What a query may attend to under one rule (causal, or causal within a window of W keys). */
export interface AttendRule {
  /** [S, S] float32 additive mask: 0 where query q may see key k, -inf elsewhere. */
  mask: string;
  /** [1, S] the last query's row, or null where the last query sees every key (causal). */
  maskLast: string | null;
  /** [S, 1] float32: how many keys query q sees (q + 1, or min(q + 1, W)). */
  counts: string;
  /** Sliding window only: W, and the Pad amounts that shift a cumsum W places along axis 2. */
  window: { size: number; keepLen: string; pads: string } | null;
  /** Query blocks for blocked attention (shared by every layer of this rule), or null: one [S, S] block. */
  blocks: QueryBlock[] | null;
}

export interface GraphContext {
  g: GraphBuilder;
  spec: ModelSpec;
  dt: ComputeType;
  /** Graph inputs: input_ids int64 [B, S]; head_keep / head_uniform float32 [B, L, H]. */
  inputIds: string;
  headKeep: string;
  headUniform: string;
  /**
   * head_value_bias float32 [B, L, H]: the weight of each head's value bias in its output (README:
   * Engine). Declared on first use, so only graphs of models with value biases have the input.
   */
  headValueBias: () => string;
  /** [1] int64: S. */
  seqLen: string;
  /** [S] int64: 0..S-1. */
  positions: string;
  /** cos / sinSigned rows [S, 1, rd] (all positions) and [1, 1, rd] (the last); null without rotary. */
  rotary: { all: { cos: string; sin: string }; last: { cos: string; sin: string } } | null;
  causal: AttendRule;
  local: AttendRule | null;
}

/** `blockCount` <= 1 builds no query blocks (every layer then scores one [S, S] matrix). */
export function buildContext(g: GraphBuilder, spec: ModelSpec, dt: ComputeType, blockCount: number): GraphContext {
  const { nLayers: L, nHeads: H } = spec;
  const inputIds = g.input({ name: 'input_ids', elemType: 'int64', dims: ['batch', 'seq'] });
  const headKeep = g.input({ name: 'head_keep', elemType: 'float32', dims: ['batch', L, H] });
  const headUniform = g.input({ name: 'head_uniform', elemType: 'float32', dims: ['batch', L, H] });

  const p = '/model/seq';
  const seqLen = g.op1('Shape', [inputIds], `${p}/Shape`, { attrs: { start: 1, end: 2 } }); // [1]
  const seqScalar = g.op1('Squeeze', [seqLen, g.constI64([0])], `${p}/Squeeze`);
  const positions = g.op1('Range', [g.constI64([0], []), seqScalar, g.constI64([1], [])], `${p}/Range`); // [S]

  let rotary: GraphContext['rotary'] = null;
  if (spec.positional.kind === 'rotary') {
    const tables = rotaryTableInits(g, spec.positional, spec.maxPositions, dt);
    const posLast = sliceLast(g, positions, 0, `${p}/LastPosition`); // [1]
    const rows = (pos: string, which: 'cos' | 'sin', tag: string): string => {
      const r = g.op1('Gather', [tables[which], pos], `/model/rotary/${which}_${tag}/Gather`, { attrs: { axis: 0 } }); // [S, rd]
      return g.op1('Unsqueeze', [r, g.constI64([1])], `/model/rotary/${which}_${tag}/Unsqueeze`); // [S, 1, rd]
    };
    rotary = {
      all: { cos: rows(positions, 'cos', 'all'), sin: rows(positions, 'sin', 'all') },
      last: { cos: rows(posLast, 'cos', 'last'), sin: rows(posLast, 'sin', 'last') },
    };
  }

  const rowsCol = g.op1('Unsqueeze', [positions, g.constI64([1])], `/model/mask/QueryPositions`); // [S, 1]
  const colsRow = g.op1('Unsqueeze', [positions, g.constI64([0])], `/model/mask/KeyPositions`); // [1, S]
  const ones = g.op1('Add', [positions, g.constI64([1], [])], `/model/mask/PrefixLength`); // [S]: q + 1
  const causalAllowed = g.op1('LessOrEqual', [colsRow, rowsCol], `/model/mask/causal/LessOrEqual`); // [S, S]
  const bounds = blockCount > 1 ? blockBounds(g, seqLen, blockCount, '/model/blocks') : null;
  const groups = spec.nHeads / spec.nKvHeads;
  const causalMask = additiveMask(g, causalAllowed, '/model/mask/causal');
  const causal: AttendRule = {
    mask: causalMask,
    maskLast: null,
    counts: countsColumn(g, ones, '/model/mask/causal'),
    window: null,
    blocks: bounds && queryBlocks(g, bounds, causalMask, null, groups, '/model/mask/causal'),
  };

  const W = spec.attention.slidingWindow;
  let local: AttendRule | null = null;
  if (W !== null && spec.attention.localLayers.some(Boolean)) {
    const q = '/model/mask/local';
    const lowest = g.op1('Sub', [rowsCol, g.constI64([W - 1], [])], `${q}/LowestKey`); // [S, 1]: q - W + 1
    const inWindow = g.op1('GreaterOrEqual', [colsRow, lowest], `${q}/GreaterOrEqual`);
    const allowed = g.op1('And', [causalAllowed, inWindow], `${q}/And`);
    const mask = additiveMask(g, allowed, q);
    const n = g.op1('Min', [seqLen, g.constI64([W])], `${q}/ShiftLen`); // [1]: min(S, W)
    local = {
      mask,
      maskLast: sliceLast(g, mask, 0, `${q}/LastRow`),
      counts: countsColumn(g, g.op1('Min', [ones, g.constI64([W], [])], `${q}/Min`), q),
      window: {
        size: W,
        keepLen: g.op1('Sub', [seqLen, n], `${q}/KeepLen`), // [1]: S - min(S, W)
        // Pad a [B, K, S - n, Dh] tensor with n zeros in front of axis 2.
        pads: g.op1('Concat', [g.constI64([0, 0]), n, g.constI64([0, 0, 0, 0, 0])], `${q}/Pads`, { attrs: { axis: 0 } }),
      },
      blocks: bounds && queryBlocks(g, bounds, mask, W, groups, q),
    };
  }
  let headValueBias: string | null = null;
  const valueBiasInput = () => (headValueBias ??= g.input({ name: 'head_value_bias', elemType: 'float32', dims: ['batch', L, H] }));
  return { g, spec, dt, inputIds, headKeep, headUniform, headValueBias: valueBiasInput, seqLen, positions, rotary, causal, local };
}

function additiveMask(g: GraphBuilder, allowed: string, name: string): string {
  return g.op1('Where', [allowed, g.scalar(0, 'float32'), g.scalar(-Infinity, 'float32')], `${name}/Where`);
}

function countsColumn(g: GraphBuilder, countsInt: string, name: string): string {
  const f = g.op1('Cast', [countsInt], `${name}/CountsCast`, { attrs: { to: 1 } });
  return g.op1('Unsqueeze', [f, g.constI64([1])], `${name}/Counts`); // [S, 1]
}
