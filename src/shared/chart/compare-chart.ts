// The several-studies figure (`studies compare`, the app's Compare screen): P(+1) as a fraction of
// each study's own baseline against the number of heads ablated, on a log axis. Baselines differ
// between models, so the fraction is what compares across them.

import { doseResponseSpec, type DoseSeries } from './dose-response';
import type { LineChartSpec } from './line-chart';

const COMPARE_Y_LABEL = 'P(lag +1) / baseline P(lag +1)';

export function compareChartSpec(series: DoseSeries[], background?: string | null): LineChartSpec {
  return doseResponseSpec({
    series,
    title: 'P(lag +1) as a fraction of each study’s baseline vs heads ablated',
    subtitle: ['induction heads solid, random heads dashed; 1 = no change, 0.01 = -99%', 'bands: 95% CI (one draw: over trials; several draws: over draws)'],
    yLabel: COMPARE_Y_LABEL,
    logScale: true,
    background,
  });
}
