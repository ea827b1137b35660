// How an export puts files on disk: each file is written under a hidden temporary name and renamed
// into place when complete, so a crash, Ctrl-C or a full disk never leaves a truncated file under a
// real name; leftovers of a killed export are swept by the next one. Also the marks of a partial
// export (a study exported before it finished): in the file names and inside every file.

import { readdirSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../shared/errors';
import { faultPoint } from '../fault-hook';
import { describeFsError } from '../output-paths';

/** The hidden name a file is written under until it is complete. */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

const TEMPORARY = /^\..+\.tmp-\d+$/;

/** Moves a finished temporary file to its real name. */
export async function commitFile(temp: string, path: string): Promise<void> {
  await rename(temp, path);
  faultPoint('export-file');
}

/** Writes `data` to `path` all or nothing. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = temporaryName(path);
  try {
    await writeFile(temp, data);
  } catch (err) {
    await rm(temp, { force: true });
    throw exportWriteError(path, err);
  }
  await commitFile(temp, path);
}

/**
 * A file-system failure while exporting (a full disk, a folder made read-only meanwhile) as an
 * error naming the file; anything else is passed on as it is.
 */
export function exportWriteError(path: string, err: unknown): unknown {
  if (typeof (err as NodeJS.ErrnoException | null)?.code !== 'string') return err;
  return new InputError(path, `could not be written (${describeFsError(err)}); the export is incomplete (it has no provenance.json): run it again once that is fixed`);
}

/** Removes temporary files a killed export left in `dirs` (other names are never touched). */
export function sweepTemporaryFiles(dirs: readonly string[]): void {
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (TEMPORARY.test(name)) rmSync(join(dir, name), { force: true });
  }
}

/** A study exported before it finished: every file says so. */
export interface PartialMark {
  /** Trials in every file: each condition's first `trials`. */
  trials: number;
  /** Trials the study is meant to have. */
  permutations: number;
  /** The study's status when exported (paused, failed, cancelled, running...). */
  status: string;
}

/** One sentence stating what a partial export holds. */
export function partialNote(mark: PartialMark): string {
  return `PARTIAL export: ${mark.trials} of ${mark.permutations} trials (study ${mark.status}); not the finished study`;
}

/** `summary.csv` -> `summary_partial.csv` (unchanged when not partial). */
export function partialFileName(name: string, mark: PartialMark | null): string {
  if (!mark) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}_partial${name.slice(dot)}` : `${name}_partial`;
}

/** CSV text with a first `# PARTIAL ...` line (pandas: read_csv(..., comment='#')). */
export function markCsv(text: string, mark: PartialMark | null): string {
  return mark ? `# ${partialNote(mark)}\n${text}` : text;
}
