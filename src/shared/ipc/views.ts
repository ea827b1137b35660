// Plain, structured-clone-safe views of stored studies that cross the IPC boundary.

import type { ConditionMetrics, HeadType, LagCurve, StudyStatistics, StudyStatus } from '../study/types';

export interface StudyListView {
  id: number;
  name: string;
  status: StudyStatus;
  modelPath: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  done: number;
  total: number;
}

export interface ConditionView {
  key: string;
  label: string;
  headType: HeadType | 'none';
  count: number;
  heads: { layer: number; head: number }[];
  trials: number;
  curve: LagCurve | null;
  metrics: ConditionMetrics | null;
}

export interface StudySummaryView {
  id: number;
  name: string;
  status: StudyStatus;
  seqLen: number;
  permutations: number;
  conditions: ConditionView[];
  /** Random groups over their draws and induction vs random at matched counts (and the settings used). */
  statistics: StudyStatistics;
}
