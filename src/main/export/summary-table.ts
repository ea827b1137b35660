// Plain-text tables of a study's statistics for the terminal (`run`, `demo`, `studies show`): P(+1)
// against the baseline, the curve's shape (asymmetry, contiguity, peak lag), and induction vs random
// heads at matched head counts; plus the one-line relative drops the demo prints.

import type { DrawSummary } from '../../shared/study/types';
import type { StudySummary } from '../studies/study-service';
import {
  formatInterval,
  formatP,
  formatPercentInterval,
  formatPHolm,
  formatProbability,
  formatRatioInterval,
  formatTable,
  ROUGH_RATIO_NOTE,
  roughMark,
  shortConditionName,
  variantSuffix,
} from '../../shared/study/text-format';

/** P(+1) per condition with its paired contrast against the baseline. */
export function plus1Table(summary: StudySummary): string {
  const all = summary.conditions.map((c) => c.condition);
  const rows = summary.conditions.map(({ condition, trials, metrics: m }) => {
    const name = shortConditionName(condition, all);
    if (!m) return [name, String(trials), 'no results yet', '', '', ''];
    const vs = m.vsBaseline;
    return [
      name,
      String(trials),
      formatInterval(m.pPlus1),
      vs ? formatInterval(vs.difference, true) : '',
      vs ? formatP(vs.difference.pValue) : '',
      vs ? formatPercentInterval(vs.relativeChange) + roughMark(vs) : '',
    ];
  });
  return formatTable(['condition', 'trials', 'P(+1) [95% CI]', 'Δ vs baseline [95% CI]', 'p', 'change vs baseline [95% CI]'], rows);
}

/** Asymmetry (P(+1) vs P(-1)), contiguity (lags +1..+k vs -k..-1) and the peak lag per condition. */
export function shapeTable(summary: StudySummary): string {
  const all = summary.conditions.map((c) => c.condition);
  const k = summary.statistics.options.contiguityLags;
  const rows = summary.conditions.flatMap(({ condition, metrics: m }) => {
    if (!m) return [];
    const peak = m.peakLag;
    const set = peak.confidenceSet.length > 1 ? `; ${Math.round(peak.level * 100)}% set: ${peak.confidenceSet.length} lags` : '';
    return [
      [
        shortConditionName(condition, all),
        formatInterval(m.asymmetry.difference, true),
        formatRatioInterval(m.asymmetry.ratio) + roughMark(m.asymmetry),
        m.contiguity ? formatInterval(m.contiguity.difference, true) : '—',
        m.contiguity ? formatRatioInterval(m.contiguity.ratio) + roughMark(m.contiguity) : '—',
        `${peak.lag > 0 ? '+' : ''}${peak.lag} (${Math.round(peak.share * 100)}%${set})`,
      ],
    ];
  });
  return formatTable(
    ['condition', 'P(+1) − P(−1) [95% CI]', 'P(+1) / P(−1) [95% CI]', `fwd − bwd, lags 1..${k} [95% CI]`, 'fwd / bwd [95% CI]', 'peak lag (bootstrap share)'],
    rows,
  );
}

/** Induction - random on P(+1) at each matched count: pooled over draws, over draws, and the ratio. */
export function comparisonTable(summary: StudySummary): string {
  const comparisons = summary.statistics.comparisons;
  const rows = comparisons.map((c) => {
    const d = c.randomKeys.length;
    const b = c.betweenDraws;
    return [
      `${c.count}${variantSuffix(c, comparisons)}`,
      formatProbability(c.pooled.means.a),
      `${formatProbability(c.pooled.means.b)} (${d} draw${d === 1 ? '' : 's'})`,
      formatInterval(c.pooled.difference, true),
      formatPHolm(c.pooled.difference, c.holm.pooled),
      b ? formatInterval(b.difference, true) : '—',
      b ? formatPHolm(b.difference, c.holm.betweenDraws) : '—',
      formatRatioInterval(c.pooled.ratio) + roughMark(c.pooled),
    ];
  });
  return formatTable(
    ['k', 'induction P(+1)', 'random P(+1)', 'induction − random [95% CI]', 'p (Holm)', 'over draws [95% CI]', 'p (Holm)', 'induction / random [95% CI]'],
    rows,
  );
}

/** Every table with a line on how to read it. */
export function summaryTable(summary: StudySummary): string {
  const o = summary.statistics.options;
  const parts = [
    'P(lag +1) per condition. Δ: paired over trials, t interval, p from the paired t-test; change: ratio of means - 1, ' +
      'interval from the log ratio (delta method).',
    plus1Table(summary),
    `\nCurve shape. Ratios: delta method on the log ratio. Peak lag: highest mean${o.peakExcludesLagZero ? ' except lag 0' : ''}, ` +
      `share of ${o.bootstrapResamples} bootstrap resamples of trials (seed ${o.bootstrapSeed}) in which it is the peak.`,
    shapeTable(summary),
  ];
  if (summary.statistics.comparisons.length > 0) {
    parts.push(
      '\nInduction vs random heads at the same k, on P(+1). Pooled: per trial, induction minus the mean of the draws (paired t). ' +
        'Over draws: mean of the per-draw differences, t over draws. Holm: adjusted over all k.',
      comparisonTable(summary),
    );
  }
  const contrasts = summary.conditions.flatMap(({ metrics: m }) => (m ? [m.asymmetry, m.contiguity, m.vsBaseline] : []));
  if ([...contrasts, ...summary.statistics.comparisons.map((c) => c.pooled)].some((c) => c && roughMark(c))) parts.push(`\n${ROUGH_RATIO_NOTE}`);
  return parts.join('\n');
}

function drawLine(s: DrawSummary): string {
  const d = s.conditionKeys.length;
  const rel = s.relativeChange;
  if (!rel) return '';
  const what = d === 1 ? '1 draw' : `geometric mean of ${d} draws, 95% CI over draws`;
  return `k=${s.count} random heads: P(+1) ${formatPercentInterval(rel)} relative to baseline (${what})`;
}

/** The relative change of P(+1) at `count` heads for induction and for random heads (over draws). */
export function relativeDropLines(summary: StudySummary, count: number): string[] {
  const lines: string[] = [];
  const induction = summary.conditions.find((c) => c.condition.headType === 'induction' && c.condition.count === count);
  const vs = induction?.metrics?.vsBaseline;
  if (vs) lines.push(`k=${count} induction heads: P(+1) ${formatPercentInterval(vs.relativeChange)} relative to baseline (95% CI)`);
  for (const s of summary.statistics.drawSummaries) if (s.count === count) lines.push(drawLine(s));
  return lines.filter(Boolean);
}
