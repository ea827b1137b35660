// Which studies a runner is working on: in this process (a registry keyed by database file and study),
// or in another one (the runner_pid column, claimed atomically and checked for a live process that
// is still the one that claimed it: runner_identity). A study whose runner is gone (marked
// 'running', or claimed while its engine loaded) is resumable.

import { resolve } from 'node:path';
import { InputError } from '../../shared/errors';
import type { Store } from '../store/db';
import { claimStudyRunner, getStudyRecord, type Runner, type StudyRecord } from '../store/studies-repo';
import { procStat, processIdentity } from './process-identity';

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
  if (active.has(k)) throw new InputError(`study ${studyId}`, 'is already running in this process');
  active.add(k);
  return () => active.delete(k);
}

/** Whether kill(pid, 0) finds the process (a zombie too); EPERM: it exists but is someone else's. */
function answersSignals(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let self: Runner | undefined;

/** This process as a study's runner. */
export function thisRunner(): Runner {
  return (self ??= { pid: process.pid, identity: processIdentity(process.pid) });
}

/**
 * Whether a runner is working on the study right now, here or in another live process: the one that
 * claimed it, not a later process that got the same id after a crash or a reboot.
 */
export function hasLiveRunner(store: Store, study: Pick<StudyRecord, 'id' | 'runnerPid' | 'runnerIdentity'>): boolean {
  if (isActiveHere(store, study.id)) return true;
  if (study.runnerPid === null || study.runnerPid === process.pid) return false;
  if (!answersSignals(study.runnerPid)) return false;
  const stat = procStat(study.runnerPid);
  if (stat?.zombie) return false;
  return stat === null || study.runnerIdentity === null || stat.identity === study.runnerIdentity;
}

/** The error for a study some other runner works on: who, and what the user can do. */
export function studyBusyError(study: Pick<StudyRecord, 'id' | 'runnerPid'>): InputError {
  const where = study.runnerPid === null || study.runnerPid === process.pid ? 'this process' : `process ${study.runnerPid}`;
  return new InputError(`study ${study.id}`, `is already running in ${where}; wait for it to finish, or pause it there (Ctrl-C, or Pause in the app)`);
}

/**
 * Makes this process the study's runner, atomically: of two processes resuming one study at the
 * same moment, exactly one gets it and the other a clear error. Returns the release function.
 */
export function claimStudy(store: Store, study: Pick<StudyRecord, 'id' | 'runnerPid' | 'runnerIdentity'>): () => void {
  if (hasLiveRunner(store, study)) throw studyBusyError(study);
  const release = claimRun(store, study.id);
  // Compare-and-set on the runner seen above (none, or a dead one): a rival's claim makes it fail.
  if (!claimStudyRunner(store, study.id, thisRunner(), study.runnerPid)) {
    release();
    throw studyBusyError(getStudyRecord(store, study.id) ?? study);
  }
  return release;
}
