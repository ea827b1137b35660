// Writes what tools/golden/induction_circuit.py checks: the constructed induction-circuit checkpoint
// (tools/fixtures/induction-circuit.ts), the sequences test/engine/induction.test.ts scores it on
// (T = 8, 6 sequences, seed 3, drawn by the app from its token pool), and the app's own scores.
//   npx tsx tools/golden/write-induction-circuit.ts --out /tmp/induction-circuit

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { computeInductionScores } from '../../src/main/engine/induction';
import { inductionTokenPool, randomInductionSequences } from '../../src/main/engine/induction-tokens';
import { loadEngine } from '../../src/main/engine/load-engine';
import { CIRCUIT_VOCAB, inductionCircuitModel } from '../fixtures/induction-circuit';
import { writeCheckpoint } from '../fixtures/hf-checkpoint';

const SEQ_LEN = 8;
const COUNT = 6;
const SEED = 3;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: npx tsx tools/golden/write-induction-circuit.ts --out <dir>');
  const out = resolve(values.out);
  const modelDir = join(out, 'model');
  mkdirSync(out, { recursive: true });
  const { config, tensors } = inductionCircuitModel();
  writeCheckpoint({ dir: modelDir, config, tensors });

  const pool = inductionTokenPool(CIRCUIT_VOCAB, join(modelDir, 'tokenizer.json'));
  const sequences = randomInductionSequences(SEQ_LEN, COUNT, SEED, pool, CIRCUIT_VOCAB);
  writeFileSync(join(out, 'sequences.json'), JSON.stringify(sequences) + '\n');

  const engine = await loadEngine({ modelDir, cacheDir: join(out, 'graphs'), provider: 'cpu', threads: 1 });
  try {
    const result = await computeInductionScores(engine, { sequences }, undefined, { batchSize: COUNT });
    writeFileSync(join(out, 'app-scores.json'), JSON.stringify(result.scores) + '\n');
  } finally {
    await engine.close();
  }
  console.log(`Wrote ${modelDir}, ${COUNT} sequences of T = ${SEQ_LEN} and the app's scores to ${out}`);
}

await main();
