// Which studies a runner is working on: in this process (a registry keyed by database file and study),
// or in another one (the runner_pid column, checked for a live process). A study marked 'running'
// with no live runner is one whose process died: it is resumable.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/db';
import type { StudyRecord } from '../store/studies-repo';

const active = new Set<string>();

function key(store: Store, studyId: number): string {
  return `${store.path === ':memory:' ? store.path : resolve(store.path)}#${studyId}`;
}

export function isActiveHere(store: Store, studyId: number): boolean {
  return active.has(key(store, studyId));
}

/** Marks the study as run by this process; throws if it already is. Returns the release function. */
export function claimRun(store: Store, studyId: number): () => void {
  const k = key(store, studyId);
  if (active.has(k)) throw new Error(`study ${studyId} is already running in this process`);
  active.add(k);
  return () => active.delete(k);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A killed process whose parent has not reaped it still answers kill(pid, 0) (Linux: state Z). */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Whether a runner is working on the study right now, here or in another live process. */
export function hasLiveRunner(store: Store, study: Pick<StudyRecord, 'id' | 'status' | 'runnerPid'>): boolean {
  if (isActiveHere(store, study.id)) return true;
  if (study.status !== 'running' || study.runnerPid === null) return false;
  if (study.runnerPid === process.pid) return false;
  return processAlive(study.runnerPid);
}
