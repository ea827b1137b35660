// Induction scores as CSV, the seed's format: columns `layer,head,scores` in any order (header names
// trimmed and case-insensitive, `score` accepted, other columns such as a pandas index ignored).
// Heads the file leaves out are not an error: they are returned in `missing` for the UI to warn
// about, and are never ablated (heads.ts only selects scored heads).

import { renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { clipValue, InputError, quoteValue } from '../../../shared/errors';
import type { HeadRef } from '../../../shared/model-spec';
import { compareHeadScores } from '../../../shared/study/heads';
import type { HeadScore, ModelShape } from '../../../shared/study/types';
import { at, first } from '../../../shared/checked';
import { readInputText } from '../../input-files';
import { ensureFolder } from '../../output-paths';

export interface ScoreCsvResult {
  /** In file order. */
  scores: HeadScore[];
  /** Heads of the model with no row in the file, ascending by (layer, head). */
  missing: HeadRef[];
}

/** Splits one CSV line; double-quoted cells may hold commas and "" escapes. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

function columnIndex(file: string, header: string[], names: string[]): number {
  const found = header.map((h, i) => (names.includes(h) ? i : -1)).filter((i) => i >= 0);
  if (found.length > 1) {
    throw new InputError(file, `has ${found.length} columns for ${names.join('/')} (${found.map((i) => quoteValue(header[i])).join(', ')}); keep one`);
  }
  if (found.length === 0) {
    throw new InputError(file, `missing column "${names[0]}" (columns found: ${clipValue(header.map((h) => quoteValue(h)).join(', '), 200)}); expected layer, head, scores`);
  }
  return first(found);
}

function integerCell(file: string, where: string, what: string, text: string, limit: number, unit: string): number {
  const value = text === '' ? NaN : Number(text);
  if (!Number.isInteger(value)) throw new InputError(file, `${where}: ${what} ${quoteValue(text)} is not an integer`);
  if (value < 0 || value >= limit) {
    throw new InputError(file, `${where}: ${what} ${value} is out of range for this model (${unit} 0-${limit - 1})`);
  }
  return value;
}

/** Parses the text of a score CSV; `file` names it in errors. */
export function parseScoreCsv(file: string, text: string, shape: ModelShape): ScoreCsvResult {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  // Blank lines and `#` comments (the mark of a partial export's copy) carry no data.
  const skip = (row: string) => row.trim() === '' || row.trimStart().startsWith('#');
  const headerLine = rows.findIndex((r) => !skip(r));
  if (headerLine < 0) throw new InputError(file, 'is empty; expected a header with layer, head, scores');
  const header = splitCsvLine(at(rows, headerLine)).map((h) => h.toLowerCase());
  const layerCol = columnIndex(file, header, ['layer']);
  const headCol = columnIndex(file, header, ['head']);
  const scoreCol = columnIndex(file, header, ['scores', 'score']);
  const scores: HeadScore[] = [];
  const firstLine = new Map<number, number>();
  for (const [r, row] of rows.entries()) {
    if (r <= headerLine || skip(row)) continue;
    const where = `line ${r + 1}`;
    const cells = splitCsvLine(row);
    if (cells.length !== header.length) {
      throw new InputError(file, `${where} has ${cells.length} columns but the header has ${header.length}`);
    }
    const layer = integerCell(file, where, 'layer', at(cells, layerCol), shape.nLayers, 'layers');
    const head = integerCell(file, where, 'head', at(cells, headCol), shape.nHeads, 'heads');
    const scoreText = at(cells, scoreCol); // cells.length === header.length
    const score = scoreText === '' ? NaN : Number(scoreText);
    if (!Number.isFinite(score)) {
      throw new InputError(file, `${where}: score ${quoteValue(scoreText)} of head (${layer}, ${head}) is not a number`);
    }
    const id = layer * shape.nHeads + head;
    const earlier = firstLine.get(id);
    if (earlier !== undefined) {
      throw new InputError(file, `${where}: head (${layer}, ${head}) appears twice (first on line ${earlier})`);
    }
    firstLine.set(id, r + 1);
    scores.push({ layer, head, score });
  }
  if (scores.length === 0) throw new InputError(file, 'has a header but no score rows');
  const missing: HeadRef[] = [];
  for (let layer = 0; layer < shape.nLayers; layer++) {
    for (let head = 0; head < shape.nHeads; head++) {
      if (!firstLine.has(layer * shape.nHeads + head)) missing.push({ layer, head });
    }
  }
  return { scores, missing };
}

/** Reads a score CSV with the list of heads it leaves out. */
export function readScoreCsv(path: string, shape: ModelShape): ScoreCsvResult {
  return parseScoreCsv(path, readInputText(path), shape);
}

/** The scores of a seed-format CSV (heads it leaves out: see readScoreCsv). */
export function importScoreCsv(path: string, shape: ModelShape): HeadScore[] {
  return readScoreCsv(path, shape).scores;
}

/** Text of a score CSV: header `layer,head,scores`, ranked (score desc, ties by layer then head). */
export function formatScoreCsv(scores: readonly HeadScore[]): string {
  const ranked = [...scores].sort(compareHeadScores);
  // String(number) is the shortest text that parses back to the same double.
  return ['layer,head,scores', ...ranked.map((s) => `${s.layer},${s.head},${String(s.score)}`)].join('\n') + '\n';
}

/**
 * Writes a score CSV atomically (temporary file, then rename), so a crash never leaves half a file;
 * creates the folder if needed.
 */
export function writeScoreCsv(path: string, scores: readonly HeadScore[]): void {
  ensureFolder(dirname(resolve(path)), 'the score CSV');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, formatScoreCsv(scores));
  renameSync(tmp, path);
}
