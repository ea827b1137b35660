// trials_long.csv.gz: every stored probability as one row (condition, trial, lag), the tidy long
// format R and pandas read directly (`pd.read_csv('trials_long.csv.gz')`). Probabilities carry the
// fewest digits that give back the stored float32 (np.float32(x) is exact). Streamed through gzip
// into a temporary file renamed when complete (output-files.ts), so a failed export leaves no half file.

import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Condition } from '../../shared/study/types';
import { lagOf } from '../../shared/study/trials';
import { faultPoint } from '../fault-hook';
import { csvField } from './csv';
import { commitFile, exportWriteError, temporaryName } from './output-files';
import { float32Text } from './trials-json';

export const TRIALS_LONG_HEADER = [
  'condition', 'head_type', 'n_heads', 'draw', 'mode', 'layer_abl', 'trial', 'lag', 'position', 'token_id', 'token_text', 'probability',
] as const;

export interface TrialsLongCondition {
  condition: Condition;
  /** The condition's probabilities, one Float32Array of S values per trial, trials 0..n-1. */
  loadProbs: () => Float32Array[] | Promise<Float32Array[]>;
  /** Its trial t's prompt is trials[trialOffset + t] (script mode); 0 when absent. */
  trialOffset?: number;
}

/** Rows are joined into chunks of about this many characters before they go to gzip. */
const CHUNK_CHARS = 1 << 20;

const lagColumns = new Map<number, string[]>();

/** "lag,position" of every position of an S-token prompt (made once per S). */
function lagAndPosition(seqLen: number): string[] {
  let cells = lagColumns.get(seqLen);
  if (!cells) lagColumns.set(seqLen, (cells = Array.from({ length: seqLen }, (_, s) => `${lagOf(s, seqLen)},${s}`)));
  return cells;
}

async function* rowsText(
  trials: readonly ArrayLike<number>[],
  conditions: readonly TrialsLongCondition[],
  tokenText: (id: number) => string,
  note: string | undefined,
): AsyncGenerator<string> {
  // A partial export says so on a first comment line (pandas: read_csv(..., comment='#')).
  yield (note === undefined ? '' : `# ${note}\n`) + TRIALS_LONG_HEADER.join(',') + '\n';
  const tokenCells = new Map<number, string>();
  const tokenCell = (id: number) => {
    let cell = tokenCells.get(id);
    if (cell === undefined) {
      cell = `${id},${csvField(tokenText(id))}`;
      tokenCells.set(id, cell);
    }
    return cell;
  };
  let chunk: string[] = [];
  let size = 0;
  for (const { condition: c, loadProbs, trialOffset = 0 } of conditions) {
    const none = c.headType === 'none';
    const prefix = [c.key, c.headType, c.count, c.draw, none ? 'none' : c.mode, none ? 'none' : c.layerRange].map(csvField).join(',');
    const probs = await loadProbs();
    for (const [t, row] of probs.entries()) {
      const prompt = trials[trialOffset + t];
      if (!prompt || prompt.length !== row.length) throw new Error(`trial ${t} of ${c.key}: ${row.length} probabilities, prompt of ${prompt?.length ?? 0} tokens`);
      const head = `${prefix},${t},`;
      const positions = lagAndPosition(row.length);
      for (const [s, p] of row.entries()) {
        const line = `${head}${positions[s] ?? ''},${tokenCell(prompt[s] ?? -1)},${float32Text(p)}\n`;
        chunk.push(line);
        size += line.length;
      }
      if (size >= CHUNK_CHARS) {
        yield chunk.join('');
        chunk = [];
        size = 0;
        faultPoint('export-chunk');
      }
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

/**
 * Writes `path`; `note` (a partial export's) goes on a first `#` line. Gzip level 1: the demo's file
 * is 4% larger than at level 4, in 40% less time.
 */
export async function writeTrialsLong(
  path: string,
  trials: readonly ArrayLike<number>[],
  conditions: readonly TrialsLongCondition[],
  tokenText: (id: number) => string,
  note?: string,
): Promise<void> {
  const temp = temporaryName(path);
  try {
    await pipeline(Readable.from(rowsText(trials, conditions, tokenText, note)), createGzip({ level: 1 }), createWriteStream(temp));
  } catch (err) {
    await rm(temp, { force: true });
    throw exportWriteError(path, err);
  }
  await commitFile(temp, path);
}
