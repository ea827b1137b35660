// Head lists in words for the Results screen.
import type { HeadRef } from '../../../shared/model-spec';

/** "L0.H3, L2.H5" or "none (baseline)". */
export function headList(heads: readonly HeadRef[]): string {
  return heads.length ? heads.map((h) => `L${h.layer}.H${h.head}`).join(', ') : 'none (baseline)';
}
