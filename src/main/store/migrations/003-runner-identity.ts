// Schema version 3: a study's runner is recorded with the identity of its process (where the system
// gives one: on Linux, the boot and the process's start time), not its process id alone. After a
// crash or a reboot the id can belong to an unrelated process, which made the study look busy
// until that process ended.

import type Database from 'better-sqlite3';

export function migration003RunnerIdentity(db: Database.Database): void {
  db.exec(`ALTER TABLE studies ADD COLUMN runner_identity TEXT;`);
}
