// What /proc says of a process id right now (Linux): whether it is a zombie, and which process it
// names: the boot and the process's start time (clock ticks since boot, field 22 of
// /proc/<pid>/stat), which no later process with the same id can share. Elsewhere, and for a process
// that cannot be read, null: only the id is known.

import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** Killed but not yet reaped by its parent (state Z): it still answers kill(pid, 0). */
  zombie: boolean;
  identity: string;
}

let bootId: string | undefined;

export function procStat(pid: number): ProcStat | null {
  if (process.platform !== 'linux') return null;
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces and parentheses), from field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[22 - 3];
    return startTicks === undefined ? null : { zombie: fields[0] === 'Z', identity: `${bootId}:${startTicks}` };
  } catch {
    return null;
  }
}

export function processIdentity(pid: number): string | null {
  return procStat(pid)?.identity ?? null;
}
