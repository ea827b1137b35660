// The ordered list of schema migrations. To change the schema, add `NNN-<what>.ts` exporting a plain
// function of the database, append it here with the next version, and add its test in
// test/store/migrations.test.ts (migrate to N-1, insert, migrate to N, check the data).

import type Database from 'better-sqlite3';
import { migration001Initial } from './001-initial';
import { migration002AppQueue } from './002-app-queue';
import { migration003RunnerIdentity } from './003-runner-identity';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; strictly increasing along the list. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001-initial', up: migration001Initial },
  { version: 2, name: '002-app-queue', up: migration002AppQueue },
  { version: 3, name: '003-runner-identity', up: migration003RunnerIdentity },
];
