// The main-process side of the contract: each request name mapped to the study service it calls.
// Pure Node (no 'electron' import) so it is tested in plain Node and reused by any transport.

import type { RequestName, RequestPayload, ResponseTypes } from '../../shared/ipc/contract';
import type { StudySummaryView } from '../../shared/ipc/views';
import type { Store } from '../store/db';
import {
  annotateStudy,
  cancelStudy,
  deleteStudy,
  listStudies,
  pauseStudy,
  renameStudy,
  studySummary,
} from '../studies/study-service';

export type Handlers = { [K in RequestName]: (payload: RequestPayload<K>) => ResponseTypes[K] };

export function studyHandlers(store: Store): Handlers {
  return {
    'studies.list': () =>
      listStudies(store).map((s) => ({
        id: s.id,
        name: s.name,
        status: s.status,
        modelPath: s.modelPath,
        createdAt: s.createdAt,
        done: s.done,
        total: s.total,
      })),
    'studies.summary': ({ id }) => summaryView(store, id),
    'studies.rename': ({ id, name }) => renameStudy(store, id, name),
    'studies.annotate': ({ id, notes }) => annotateStudy(store, id, notes),
    'studies.delete': ({ id }) => deleteStudy(store, id),
    'studies.pause': ({ id }) => pauseStudy(store, id),
    'studies.cancel': ({ id }) => cancelStudy(store, id),
  };
}

function summaryView(store: Store, id: number): StudySummaryView {
  const s = studySummary(store, id);
  return {
    id: s.studyId,
    name: s.name,
    status: s.status,
    seqLen: s.seqLen,
    permutations: s.permutations,
    conditions: s.conditions.map((c) => ({
      key: c.condition.key,
      label: c.condition.label,
      headType: c.condition.headType,
      count: c.condition.count,
      heads: c.condition.heads,
      trials: c.trials,
      curve: c.curve,
      metrics: c.metrics,
    })),
    statistics: s.statistics,
  };
}
