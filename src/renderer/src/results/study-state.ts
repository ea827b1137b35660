// What the Results screen says about a study's state: finished, or partial (queued, running,
// paused, failed, cancelled) with how many trials the numbers below rest on.
import type { StudySummaryView } from '../../../shared/ipc/studies';

export interface StudyState {
  tone: 'ok' | 'partial' | 'bad';
  headline: string;
  detail: string;
}

export function studyState(s: StudySummaryView): StudyState {
  const { study } = s;
  const trials = s.conditions.map((c) => c.trials);
  const least = trials.length ? Math.min(...trials) : 0;
  const most = trials.length ? Math.max(...trials) : 0;
  const have =
    most === 0
      ? 'No results yet.'
      : least === most
        ? `Every condition has ${least} of ${study.permutations} trials; the numbers below use them.`
        : `Conditions have ${least} to ${most} of ${study.permutations} trials; each row says how many it uses, comparisons use the trials both sides have.`;
  switch (study.status) {
    case 'done':
      return { tone: 'ok', headline: 'Finished.', detail: `${study.permutations} trials per condition.` };
    case 'running':
      return { tone: 'partial', headline: study.interrupted ? 'Interrupted (its process stopped): resume it from the Queue.' : 'Running — PARTIAL results.', detail: have };
    case 'queued':
      return { tone: 'partial', headline: study.prepared ? 'Queued — PARTIAL results.' : 'Queued, not started yet.', detail: study.prepared ? have : 'Its heads and prompts are chosen when it starts.' };
    case 'paused':
      return { tone: 'partial', headline: 'Paused — PARTIAL results. Resume it from the Queue.', detail: have };
    case 'cancelled':
      return { tone: 'bad', headline: 'Cancelled — PARTIAL results.', detail: have };
    case 'failed':
      return { tone: 'bad', headline: `Failed: ${study.error?.message ?? 'no reason was recorded'}`, detail: `PARTIAL results. ${have}` };
  }
}
