// The Results screen's provenance: what ran, on what, with which inputs and how long, as
// label / value pairs ("—" where the study has not recorded it yet).
import type { StudySummaryView } from '../../../shared/ipc/studies';
import { formatDate, formatDuration } from '../format';

export interface ProvenanceItem {
  label: string;
  value: string;
}

const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

export function provenanceItems(s: StudySummaryView): ProvenanceItem[] {
  const p = s.provenance;
  const spec = s.study.spec;
  const stats = s.statistics.options;
  const score = s.scoreSet;
  const method = score ? Object.entries(score.method).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : '';
  return [
    { label: 'Model', value: `${s.model.name} (${s.model.family}, ${s.model.nLayers} layers × ${s.model.nHeads} heads)` },
    { label: 'Model folder', value: s.model.path },
    { label: 'Model checksum (sha256)', value: dash(p.modelChecksum ?? s.model.checksum) },
    { label: 'Provider', value: dash(p.provider) },
    { label: 'Data type', value: dash(p.dtype) },
    { label: 'Versions', value: `app ${dash(p.appVersion)} · onnxruntime ${dash(p.ortVersion)} · engine ${dash(p.engineVersion)}` },
    { label: 'Seed', value: String(spec.seed) },
    { label: 'Trials', value: `${spec.permutations} permutations of ${spec.tokenCount} tokens (prompt length ${s.study.seqLen})` },
    { label: 'Token set', value: `#${s.tokenSet.id} ${s.tokenSet.name} (${s.tokenSet.n} tokens)` },
    { label: 'Induction scores', value: score ? `#${score.id} ${score.source}${method ? ` (${method})` : ''}` : '—' },
    { label: 'Batch size', value: String(s.batchSize) },
    { label: 'Statistics', value: `${Math.round(stats.level * 100)}% intervals · contiguity lags ${stats.contiguityLags} · ${stats.bootstrapResamples} bootstrap resamples (seed ${stats.bootstrapSeed})` },
    { label: 'Created', value: formatDate(s.study.createdAt) },
    { label: 'Started', value: formatDate(s.study.startedAt) },
    { label: 'Finished', value: formatDate(s.study.finishedAt) },
    { label: 'Compile time', value: formatDuration(p.compileMs === null ? null : p.compileMs / 1000) },
    { label: 'Engine time', value: formatDuration(p.runMs / 1000) },
  ];
}
