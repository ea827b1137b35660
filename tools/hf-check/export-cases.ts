// First half of the Hugging Face cross-check (README.md here): writes tiny checkpoints in exact HF
// format, runs the cases of case-plan.ts through OUR engine (CPU, fp32) and writes what we computed,
// so that hf_parity.py can replay every case in real transformers on a machine without Node.
//
//   npx tsx tools/hf-check/export-cases.ts --out .devcheck [--demo resources/models/demo-induction]
//
// Writes <out>/models/<name>/ (checkpoints), <out>/cases.json, <out>/induction.json, <out>/manifest.json.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { computeInductionScores } from '../../src/main/engine/induction';
import { randomInductionSequences } from '../../src/main/engine/induction-tokens';
import { loadEngine, type Engine } from '../../src/main/engine/load-engine';
import { supportedModelTypes } from '../../src/main/engine/families/registry';
import { writeTinyModel } from '../fixtures/tiny-models';
import { demoProbeCases, INDUCTION, PROMPT_SEED, tinyCases, tinyPlans, type HeadPair, type PlannedCase } from './case-plan';
import { at } from '../../src/shared/checked';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEMO_DEFAULT = join(REPO_ROOT, 'resources', 'models', 'demo-induction');
const SIZE_LIMIT = 30 * 1024 * 1024;

interface ModelEntry {
  model: string;
  model_dir: string;
  family: string;
  model_type: string;
  note: string;
}
interface CaseRecord extends ModelEntry {
  name: string;
  input_ids: number[][];
  rows: { heads: HeadPair[]; mode: string }[];
  /** Ours, [B][S]. */
  token_probs: number[][];
  /** Ours, unablated, batch row 0 only: [L][H][S][S]. */
  patterns_first_row?: number[][][][];
}
interface InductionRecord extends ModelEntry {
  seq_len: number;
  count: number;
  seed: number;
  /** First copies; each prompt is the sequence followed by itself (2T ids, no BOS). */
  sequences: number[][];
  /** Ours, sorted by score descending. */
  scores: { layer: number; head: number; score: number }[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: '.devcheck' }, demo: { type: 'string' } } });
  const outDir = resolve(values.out ?? '.devcheck');
  const modelsDir = join(outDir, 'models');
  rmSync(modelsDir, { recursive: true, force: true }); // only our own previous export
  mkdirSync(modelsDir, { recursive: true });
  const cacheDir = mkdtempSync(join(tmpdir(), 'hf-check-cache-'));
  const supported = supportedModelTypes();
  const cases: CaseRecord[] = [];
  const induction: InductionRecord[] = [];
  const skipped: { model: string; reason: string }[] = [];
  const included: ModelEntry[] = [];
  let engineVersion = '';
  let ortVersion = '';

  const run = async (entry: ModelEntry, extra: (engine: Engine, top: HeadPair[]) => PlannedCase[]) => {
    const t0 = Date.now();
    const engine = await loadEngine({ modelDir: resolve(REPO_ROOT, entry.model_dir), cacheDir, provider: 'cpu' });
    try {
      ({ engineVersion, ortVersion } = engine.info);
      entry.family = engine.info.spec.family; // llama for mistral/qwen2 too; model_type keeps the member
      const { nLayers, nHeads, vocabSize } = engine.info.spec;
      const ind = await computeInductionScores(engine, INDUCTION);
      // The same draw computeInductionScores made (no pool given: every id of the vocabulary).
      const pool = Array.from({ length: vocabSize }, (_, i) => i);
      const sequences = randomInductionSequences(INDUCTION.seqLen, INDUCTION.count, INDUCTION.seed, pool, vocabSize);
      const top = ind.scores.slice(0, 2).map((s): HeadPair => [s.layer, s.head]);
      const planned = [...tinyCases(nLayers, nHeads, vocabSize), ...extra(engine, top)];
      const mine: CaseRecord[] = [];
      for (const c of planned) mine.push(await runCase(engine, entry, c));
      // All or nothing per model: a model that fails half-way leaves no partial cases behind.
      cases.push(...mine);
      induction.push({ ...entry, seq_len: INDUCTION.seqLen, count: INDUCTION.count, seed: INDUCTION.seed, sequences, scores: ind.scores });
      included.push(entry);
      console.log(`${entry.model}: ${entry.model_type}, ${nLayers}x${nHeads} heads, ${planned.length} cases, induction top ${fmtTop(ind.scores)} (${Date.now() - t0} ms)`);
    } finally {
      await engine.close();
    }
  };

  for (const plan of tinyPlans()) {
    const modelType = String(plan.model.config.model_type);
    if (!supported.includes(modelType)) {
      console.log(`${plan.name}: SKIPPED, model_type ${modelType} is not registered in the engine yet`);
      skipped.push({ model: plan.name, reason: `model_type ${modelType} not registered` });
      continue;
    }
    const dir = join(modelsDir, plan.name);
    writeTinyModel(dir, plan.model, { dtype: plan.dtype, shards: plan.shards });
    const entry: ModelEntry = { model: plan.name, model_dir: repoPath(dir), family: '', model_type: modelType, note: plan.note };
    await run(entry, () => []).catch((err: Error) => skip(skipped, plan.name, err));
  }

  const demoDir = resolve(values.demo ?? DEMO_DEFAULT);
  if (existsSync(join(demoDir, 'config.json'))) {
    const tokensPath = join(demoDir, 'tokens.json');
    const config = JSON.parse(readFileSync(join(demoDir, 'config.json'), 'utf8')) as { model_type?: string };
    const entry: ModelEntry = { model: 'demo-induction', model_dir: repoPath(demoDir), family: '', model_type: config.model_type ?? '?', note: 'the bundled demo model (trained, real induction heads), not copied' };
    await run(entry, (_engine, top) => {
      if (!existsSync(tokensPath)) throw new Error(`${tokensPath}: missing (the demo's token set)`);
      return demoProbeCases(JSON.parse(readFileSync(tokensPath, 'utf8')) as number[], top);
    }).catch((err: Error) => skip(skipped, 'demo-induction', err));
  } else {
    console.log(`demo-induction: SKIPPED, no checkpoint at ${demoDir}`);
    skipped.push({ model: 'demo-induction', reason: `no config.json in ${repoPath(demoDir)}` });
  }
  rmSync(cacheDir, { recursive: true, force: true });

  writeFileSync(join(outDir, 'cases.json'), JSON.stringify(cases));
  writeFileSync(join(outDir, 'induction.json'), JSON.stringify(induction));
  const manifest = {
    created: new Date().toISOString(), engine_version: engineVersion, ort_version: ortVersion, provider: 'cpu', dtype: 'float32',
    prompt_seed: PROMPT_SEED, induction: INDUCTION, models: included, skipped,
    note: 'model_dir paths are relative to the repository root',
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const size = folderBytes(outDir);
  console.log(`\n${cases.length} cases, ${induction.length} induction sets from ${included.length} models -> ${outDir} (${(size / 1048576).toFixed(2)} MiB)`);
  console.log(`families included: ${[...new Set(included.map((m) => m.family))].join(', ')}`);
  if (skipped.length) console.log(`skipped: ${skipped.map((s) => `${s.model} (${s.reason})`).join('; ')}`);
  if (size > SIZE_LIMIT) throw new Error(`${outDir} is ${(size / 1048576).toFixed(1)} MiB, over the 30 MiB the kit may take`);
}

async function runCase(engine: Engine, entry: ModelEntry, c: PlannedCase): Promise<CaseRecord> {
  const spec = engine.info.spec;
  const B = c.inputIds.length;
  const S = at(c.inputIds, 0).length;
  const controls = buildHeadControls(spec, c.rows.map((r) => ({ mode: r.mode, heads: r.heads.map(([layer, head]) => ({ layer, head })) })));
  const probs = await engine.probe({ batch: B, seqLen: S, inputIds: c.inputIds.flat(), ...controls }); // [B*S]
  const record: CaseRecord = {
    ...entry,
    name: c.name,
    input_ids: c.inputIds,
    rows: c.rows,
    token_probs: Array.from({ length: B }, (_, b) => Array.from(probs.subarray(b * S, (b + 1) * S))),
  };
  if (c.withPatterns) {
    const layers = await engine.patterns(at(c.inputIds, 0), 1, S); // per layer [1*H*S*S]
    record.patterns_first_row = layers.map((p) =>
      Array.from({ length: spec.nHeads }, (_, h) => Array.from({ length: S }, (_, q) => Array.from(p.subarray((h * S + q) * S, (h * S + q + 1) * S)))),
    );
  }
  return record;
}

function skip(skipped: { model: string; reason: string }[], model: string, err: Error): void {
  console.log(`${model}: SKIPPED, the engine failed: ${err.message}`);
  skipped.push({ model, reason: `engine error: ${err.message}` });
}

/** Relative to the repository root where inside it (the kit travels with the repo), else absolute. */
function repoPath(dir: string): string {
  const rel = relative(REPO_ROOT, dir);
  return rel.startsWith('..') || isAbsolute(rel) ? dir : rel.split('\\').join('/');
}

function fmtTop(scores: { layer: number; head: number; score: number }[]): string {
  return scores.slice(0, 3).map((s) => `${s.layer}.${s.head}=${s.score.toFixed(3)}`).join(' ');
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const p = join(dir, name);
    const st = statSync(p);
    return sum + (st.isDirectory() ? folderBytes(p) : st.size);
  }, 0);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
