// A test hook for the fault tests: named points in the study's life (creation, each batch, each
// exported file) where a process can be made to SIGKILL itself, or wait, at the N-th time it
// passes. Driven by the ABLATION_STUDIO_TEST_FAULT environment variable, so the tests' schedules
// are deterministic instead of wall-clock guesses. Unset (always, outside the tests), every
// faultPoint() call returns at once and does nothing.
//
//   ABLATION_STUDIO_TEST_FAULT=<point>@<n>=kill            SIGKILL this process at the n-th pass
//   ABLATION_STUDIO_TEST_FAULT=<point>@<n>=hold:<file>     write <file>.held (this pid), then wait
//                                                          there until <file> exists (60 s max)
//
// Several rules may be given, separated by commas.

import { existsSync, writeFileSync } from 'node:fs';

export const FAULT_ENV = 'ABLATION_STUDIO_TEST_FAULT';

export const FAULT_POINTS = [
  /** Inside the transaction that writes a new study, before it commits. */
  'study-create',
  /** A runner has claimed the study, before its engine is opened. */
  'run-claimed',
  /** A batch's probabilities are computed, before they are stored. */
  'batch-computed',
  /** A batch's transaction has committed. */
  'batch-stored',
  /** A part of trials.json was written (the file is incomplete). */
  'export-chunk',
  /** An output file of an export is complete and in place. */
  'export-file',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

interface FaultRule {
  point: FaultPoint;
  /** 1-based pass at which the rule fires. */
  at: number;
  action: { kind: 'kill' } | { kind: 'hold'; file: string };
}

const HOLD_LIMIT_MS = 60_000;

export function parseFaultRules(text: string): FaultRule[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((rule) => {
      const m = /^([a-z-]+)@(\d+)=(kill|hold:(.+))$/.exec(rule);
      const point = m?.[1] as FaultPoint | undefined;
      if (!m || !point || !FAULT_POINTS.includes(point) || Number(m[2]) < 1) {
        throw new Error(`${FAULT_ENV}: bad rule "${rule}" (expected <point>@<n>=kill or =hold:<file>; points: ${FAULT_POINTS.join(', ')})`);
      }
      const action = m[4] !== undefined ? { kind: 'hold' as const, file: m[4] } : { kind: 'kill' as const };
      return { point, at: Number(m[2]), action };
    });
}

const rules: FaultRule[] | null = process.env[FAULT_ENV] ? parseFaultRules(process.env[FAULT_ENV]) : null;
const passes = new Map<FaultPoint, number>();

/** Marks a point in the study's life; does nothing unless the test hook is set. */
export function faultPoint(point: FaultPoint): void {
  if (rules === null) return;
  const pass = (passes.get(point) ?? 0) + 1;
  passes.set(point, pass);
  for (const rule of rules) {
    if (rule.point !== point || rule.at !== pass) continue;
    if (rule.action.kind === 'kill') process.kill(process.pid, 'SIGKILL');
    else holdUntil(rule.action.file);
  }
}

/** Blocks this thread (not just this task) until `file` exists, as a process stopped mid-work would. */
function holdUntil(file: string): void {
  writeFileSync(`${file}.held`, String(process.pid));
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + HOLD_LIMIT_MS;
  while (!existsSync(file) && Date.now() < deadline) Atomics.wait(cell, 0, 0, 20);
}
