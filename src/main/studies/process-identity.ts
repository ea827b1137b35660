// Which process a process id names right now: on Linux, the boot and the process's start time (in
// clock ticks since boot, /proc/<pid>/stat field 22), which no later process with the same id can
// share. Elsewhere, and for a process that cannot be read, null: only the id is known.

import { readFileSync } from 'node:fs';

export function processIdentity(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[22 - 3];
    return startTicks === undefined ? null : `${boot}:${startTicks}`;
  } catch {
    return null;
  }
}
