// Score CSV import/export in the seed's format: columns in any order, extra columns ignored,
// heads the file leaves out reported (not an error), every bad row named with the file and line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importScoreCsv, readScoreCsv, writeScoreCsv } from '../../src/main/studies/import/score-csv';
import type { HeadScore } from '../../src/shared/study/types';
import { inputError } from '../helpers/input-error';
import { removeTempDirs, tempFiles } from '../helpers/temp-files';

const { dir, file } = tempFiles('score-csv-');
afterAll(removeTempDirs);
const shape = { nLayers: 2, nHeads: 3 };

const FULL = 'layer,head,scores\n1,2,0.9\n0,1,0.5\n1,0,0.25\n0,0,0.125\n0,2,0.0625\n1,1,-0.01\n';

describe('importScoreCsv', () => {
  it("reads the seed's layout", () => {
    expect(importScoreCsv(file('seed.csv', FULL), shape)).toEqual([
      { layer: 1, head: 2, score: 0.9 },
      { layer: 0, head: 1, score: 0.5 },
      { layer: 1, head: 0, score: 0.25 },
      { layer: 0, head: 0, score: 0.125 },
      { layer: 0, head: 2, score: 0.0625 },
      { layer: 1, head: 1, score: -0.01 },
    ]);
  });

  it('takes columns in any order, any case, `score` too, and ignores extras such as a pandas index', () => {
    const text = '\uFEFF,Score , HEAD,note,Layer\r\n0,1e-3,2,"a, b",1\r\n1,0.5,0,x,0\r\n';
    const { scores, missing } = readScoreCsv(file('pandas.csv', text), shape);
    expect(scores).toEqual([{ layer: 1, head: 2, score: 0.001 }, { layer: 0, head: 0, score: 0.5 }]);
    expect(missing).toEqual([{ layer: 0, head: 1 }, { layer: 0, head: 2 }, { layer: 1, head: 0 }, { layer: 1, head: 1 }]);
  });

  it('reports no missing heads for a complete file', () => {
    expect(readScoreCsv(file('full.csv', FULL), shape).missing).toEqual([]);
  });

  const bad: [string, string, string][] = [
    ['no score column', 'layer,head,value\n0,0,1\n', 'missing column "scores" (columns found: "layer", "head", "value"); expected layer, head, scores'],
    ['no layer column', 'head,scores\n0,1\n', 'missing column "layer" (columns found: "head", "scores"); expected layer, head, scores'],
    ['two score columns', 'layer,head,score,scores\n0,0,1,1\n', 'has 2 columns for scores/score ("score", "scores"); keep one'],
    ['a non-numeric score', 'layer,head,scores\n0,0,0.5\n0,1,high\n', 'line 3: score "high" of head (0, 1) is not a number'],
    ['an empty score', 'layer,head,scores\n0,0,\n', 'line 2: score "" of head (0, 0) is not a number'],
    ['a layer out of range', 'layer,head,scores\n0,0,0.5\n\n2,0,0.1\n', 'line 4: layer 2 is out of range for this model (layers 0-1)'],
    ['a negative head', 'layer,head,scores\n0,-1,0.5\n', 'line 2: head -1 is out of range for this model (heads 0-2)'],
    ['a fractional head', 'layer,head,scores\n0,1.5,0.5\n', 'line 2: head "1.5" is not an integer'],
    ['a duplicate head', 'layer,head,scores\n0,1,0.5\n1,1,0.2\n0,1,0.3\n', 'line 4: head (0, 1) appears twice (first on line 2)'],
    ['a short row', 'layer,head,scores\n0,1\n', 'line 2 has 2 columns but the header has 3'],
    ['an empty file', '\n\n', 'is empty; expected a header with layer, head, scores'],
    ['a header only', 'layer,head,scores\n', 'has a header but no score rows'],
  ];
  it.each(bad)('rejects %s, naming the file and line', (name, text, problem) => {
    const path = file(`${name.replace(/\W+/g, '-')}.csv`, text);
    expect(inputError(() => importScoreCsv(path, shape)).message).toBe(`${path}: ${problem}`);
  });

  it('names a missing file', () => {
    const path = join(dir, 'absent.csv');
    expect(inputError(() => importScoreCsv(path, shape)).message).toBe(`${path}: file not found`);
  });
});

describe('writeScoreCsv', () => {
  it('writes layer,head,scores ranked by score (ties by layer, head) and reads back exactly', () => {
    const scores: HeadScore[] = [
      { layer: 0, head: 0, score: 0.1 + 0.2 },
      { layer: 1, head: 2, score: 1e-17 },
      { layer: 1, head: 0, score: 0.5 },
      { layer: 0, head: 2, score: 0.5 },
    ];
    const path = join(dir, 'out.csv');
    writeScoreCsv(path, scores);
    expect(readFileSync(path, 'utf-8')).toBe('layer,head,scores\n0,2,0.5\n1,0,0.5\n0,0,0.30000000000000004\n1,2,1e-17\n');
    const back = importScoreCsv(path, shape);
    expect(back).toEqual([scores[3], scores[2], scores[0], scores[1]]);
  });
});
