// The bad-input corpus as a table: one row per bad input, `bad(kind, what is wrong, command line,
// exit code, what the error must name, what it must say)`. The command line is built from the
// case's context (corpus-world.ts), which writes the bad files into the case's own folder.

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { TinyModel } from '../../tools/fixtures/tiny-models';
import type { CaseContext, CliOutput } from './corpus-world';

export type CaseKind = 'checkpoint' | 'config' | 'tokenizer' | 'token file' | 'score csv' | 'flags' | 'database' | 'output path' | 'cached graph';

export interface BadInput {
  kind: CaseKind;
  name: string;
  args: (x: CaseContext) => string[];
  exit: number;
  /** The file, flag or study the error line must name. */
  names: (x: CaseContext) => string;
  /** The problem, as the error line must state it. */
  says: RegExp;
  /** Run as its own process (a hang, a signal or the process's exit code is the point). */
  spawn?: boolean;
  env?: (x: CaseContext) => NodeJS.ProcessEnv;
  /** A database file the command is given, which must be left byte for byte as it was. */
  dbFile?: (x: CaseContext) => string;
  check?: (x: CaseContext, r: CliOutput) => void;
}

function bad(kind: CaseKind, name: string, args: BadInput['args'], exit: number, names: BadInput['names'], says: RegExp, more: Partial<BadInput> = {}): BadInput {
  return { kind, name, args, exit, names, says, ...more };
}

const Q_PROJ = 'model.layers.0.self_attn.q_proj.weight';
const WEIGHTS = 'model.safetensors';

/** Rewrites a safetensors file's JSON header with `edit`, keeping its data bytes. */
function editHeader(file: string, edit: (header: Record<string, Record<string, unknown>>) => void): void {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, Record<string, unknown>>;
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([length, json, bytes.subarray(8 + n)]));
}

function editConfig(dir: string, edit: (config: Record<string, unknown>) => void): void {
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(file, JSON.stringify(config));
}

function setWeight(m: TinyModel, name: string, index: number, value: number): void {
  const t = m.tensors[name];
  if (!t) throw new Error(`no tensor ${name}`);
  t.data[index] = value;
}

/** The probe graph in a copied cache (it holds the good model's graphs only). */
function cachedGraph(graphs: string): string {
  const hash = readdirSync(graphs).find((n) => /^[0-9a-f]{64}$/.test(n));
  const name = hash ? readdirSync(join(graphs, hash)).find((n) => n.endsWith('-probe-float32.onnx')) : undefined;
  if (!hash || !name) throw new Error(`no probe graph in ${graphs}`);
  return join(graphs, hash, name);
}

/** The probe output must equal the good model's, bit for bit (the damaged graph was not used). */
function sameProbsAsReference(x: CaseContext): void {
  const probs = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { probs: number[][] }).probs;
  expect(probs(x.path('probs.json'))).toEqual(probs(x.world.probeReference));
}

function foreignDatabase(file: string, appId: number): string {
  const conn = new Database(file);
  conn.pragma(`application_id = ${appId}`);
  conn.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')`);
  conn.close();
  return file;
}

export const BAD_INPUTS: BadInput[] = [
  // Checkpoints: the model folder and its weight files.
  bad('checkpoint', 'model folder that does not exist', (x) => x.run('--model_name', x.path('nope')), 1, (x) => x.path('nope'), /no model checkpoint found/),
  bad('checkpoint', 'a file given as the model folder (run)', (x) => x.run('--model_name', x.file('config.json', '{}')), 1, (x) => x.path('config.json'), /is a file, not a model checkpoint folder/),
  bad('checkpoint', 'a file given as the model folder (probe)', (x) => x.probe('--model', x.file('weights.bin', 'x')), 1, (x) => x.path('weights.bin'), /is not a folder/),
  bad('checkpoint', 'folder without config.json', (x) => x.probe('--model', x.model(undefined, (d) => rmSync(join(d, 'config.json')))), 1, (x) => join(x.path('model'), 'config.json'), /is missing/),
  bad('checkpoint', 'folder without weights', (x) => x.probe('--model', x.model(undefined, (d) => rmSync(join(d, WEIGHTS)))), 1, (x) => x.path('model'), /no \*\.safetensors weights file/),
  bad('checkpoint', 'PyTorch .bin weights only', (x) => x.run('--model_name', x.model(undefined, (d) => { rmSync(join(d, WEIGHTS)); writeFileSync(join(d, 'pytorch_model.bin'), 'x'); })), 1, (x) => x.path('model'), /PyTorch pickles are not read/),
  bad('checkpoint', 'weights file of 4 bytes', (x) => x.probe('--model', x.model(undefined, (d) => writeFileSync(join(d, WEIGHTS), 'abcd'))), 1, (x) => join(x.path('model'), WEIGHTS), /too short for a safetensors file/),
  bad('checkpoint', 'header length past the end of the file', (x) => x.probe('--model', x.model(undefined, (d) => truncateSync(join(d, WEIGHTS), 100))), 1, (x) => join(x.path('model'), WEIGHTS), /runs past the end/),
  bad('checkpoint', 'header that is not JSON', (x) => x.probe('--model', x.model(undefined, (d) => { const b = readFileSync(join(d, WEIGHTS)); b.write('#', 9); writeFileSync(join(d, WEIGHTS), b); })), 1, (x) => join(x.path('model'), WEIGHTS), /not valid JSON/),
  bad('checkpoint', 'tensor data past the end of the file', (x) => x.probe('--model', x.model(undefined, (d) => truncateSync(join(d, WEIGHTS), readFileSync(join(d, WEIGHTS)).length - 64))), 1, (x) => join(x.path('model'), WEIGHTS), /past the end|beyond|ends|truncated/i),
  bad('checkpoint', 'a tensor missing', (x) => x.probe('--model', x.model((m) => delete m.tensors[Q_PROJ])), 1, (x) => join(x.path('model'), WEIGHTS), /has no tensor 'model\.layers\.0\.self_attn\.q_proj\.weight'/),
  bad('checkpoint', 'a tensor of the wrong shape', (x) => x.probe('--model', x.model((m) => (m.tensors[Q_PROJ] = { shape: [48, 48], data: new Float32Array(48 * 48) }))), 1, () => Q_PROJ, /shape/),
  bad('checkpoint', 'a NaN weight (probe)', (x) => x.probe('--model', x.model((m) => setWeight(m, Q_PROJ, 17, NaN))), 1, (x) => join(x.path('model'), WEIGHTS), /tensor 'model\.layers\.0\.self_attn\.q_proj\.weight' holds NaN at element 17/),
  bad('checkpoint', 'an infinite weight (run)', (x) => x.run('--model_name', x.model((m) => setWeight(m, 'lm_head.weight', 5, Infinity))), 1, (x) => join(x.path('model'), WEIGHTS), /tensor 'lm_head\.weight' holds Infinity at element 5/),
  bad('checkpoint', 'a -Infinity weight in BF16 (induction)', (x) => x.induction('--model', x.model((m) => setWeight(m, 'model.norm.weight', 3, -Infinity), undefined, 'BF16')), 1, (x) => join(x.path('model'), WEIGHTS), /tensor 'model\.norm\.weight' holds -Infinity at element 3/),
  bad('checkpoint', 'a NaN weight in F16 (run)', (x) => x.run('--model_name', x.model((m) => setWeight(m, 'model.embed_tokens.weight', 100, NaN), undefined, 'F16')), 1, (x) => join(x.path('model'), WEIGHTS), /tensor 'model\.embed_tokens\.weight' holds NaN at element 100/),
  bad('checkpoint', 'shard index naming a missing shard', (x) => x.probe('--model', x.model(undefined, (d) => writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { [Q_PROJ]: 'model-00009-of-00009.safetensors' } })))), 1, (x) => join(x.path('model'), 'model.safetensors.index.json'), /names shard file 'model-00009-of-00009\.safetensors'/),
  bad('checkpoint', 'shard index that is not JSON', (x) => x.probe('--model', x.model(undefined, (d) => writeFileSync(join(d, 'model.safetensors.index.json'), '{"weight_map": '))), 1, (x) => join(x.path('model'), 'model.safetensors.index.json'), /not valid JSON/),
  bad('checkpoint', 'a needed tensor stored as F64', (x) => x.probe('--model', x.model(undefined, (d) => editHeader(join(d, WEIGHTS), (h) => { const t = h[Q_PROJ]; if (t) { t.dtype = 'F64'; t.shape = [32, 48]; } }))), 1, (x) => join(x.path('model'), WEIGHTS), /dtype F64/),
  bad('checkpoint', 'weights that are a named pipe (no wait for a writer)', (x) => x.probe('--model', x.model(undefined, (d) => { rmSync(join(d, WEIGHTS)); execFileSync('mkfifo', [join(d, WEIGHTS)]); })), 1, (x) => join(x.path('model'), WEIGHTS), /is not a regular file/, { spawn: true }),
  bad('checkpoint', 'config.json linked to /dev/zero', (x) => x.probe('--model', x.model(undefined, (d) => { rmSync(join(d, 'config.json')); symlinkSync('/dev/zero', join(d, 'config.json')); })), 1, (x) => join(x.path('model'), 'config.json'), /is not a regular file/, { spawn: true }),
  bad('checkpoint', 'an empty folder', (x) => x.probe('--model', (mkdirSync(x.path('empty')), x.path('empty'))), 1, (x) => join(x.path('empty'), 'config.json'), /is missing/),

  // config.json
  bad('config', 'config.json that is not JSON', (x) => x.probe('--model', x.model(undefined, (d) => writeFileSync(join(d, 'config.json'), '{"model_type": "llama",\n  oops}'))), 1, (x) => join(x.path('model'), 'config.json'), /not valid JSON.*line 2/),
  bad('config', 'config.json holding an array', (x) => x.probe('--model', x.model(undefined, (d) => writeFileSync(join(d, 'config.json'), '[]'))), 1, (x) => join(x.path('model'), 'config.json'), /must hold a JSON object, found an array/),
  bad('config', 'an empty config.json', (x) => x.run('--model_name', x.model(undefined, (d) => writeFileSync(join(d, 'config.json'), ''))), 1, (x) => join(x.path('model'), 'config.json'), /not valid JSON/),
  bad('config', 'an unknown model_type', (x) => x.probe('--model', x.model(undefined, (d) => editConfig(d, (c) => { c.model_type = 'bert'; c.architectures = ['BertModel']; }))), 1, (x) => join(x.path('model'), 'config.json'), /model_type "bert" is not supported/),
  bad('config', 'num_hidden_layers missing', (x) => x.probe('--model', x.model(undefined, (d) => editConfig(d, (c) => delete c.num_hidden_layers))), 1, (x) => join(x.path('model'), 'config.json'), /num_hidden_layers/),
  bad('config', 'a negative head count', (x) => x.run('--model_name', x.model(undefined, (d) => editConfig(d, (c) => (c.num_attention_heads = -4)))), 1, (x) => join(x.path('model'), 'config.json'), /num_attention_heads must be an integer >= 1, got -4/),
  bad('config', 'hidden_size as text', (x) => x.probe('--model', x.model(undefined, (d) => editConfig(d, (c) => (c.hidden_size = 'big')))), 1, (x) => join(x.path('model'), 'config.json'), /hidden_size must be an integer >= 1, got "big"/),
  bad('config', 'an unsupported rope scaling', (x) => x.probe('--model', x.model(undefined, (d) => editConfig(d, (c) => (c.rope_scaling = { rope_type: 'yarn', factor: 4 })))), 1, (x) => join(x.path('model'), 'config.json'), /rope_type "yarn" is not supported/),
  bad('config', 'vocab_size that disagrees with the embedding', (x) => x.probe('--model', x.model(undefined, (d) => editConfig(d, (c) => (c.vocab_size = 200)))), 1, () => 'model.embed_tokens.weight', /shape|200/),
  bad('config', 'an unsupported activation', (x) => x.probe('--model', x.model(undefined, (d) => editConfig(d, (c) => (c.hidden_act = 'swish9')))), 1, (x) => join(x.path('model'), 'config.json'), /hidden_act "swish9" is not supported/),
  bad('config', 'config.json is a folder', (x) => x.probe('--model', x.model(undefined, (d) => { rmSync(join(d, 'config.json')); mkdirSync(join(d, 'config.json')); })), 1, (x) => join(x.path('model'), 'config.json'), /cannot be read|EISDIR|folder/),

  // tokenizer.json
  bad('tokenizer', 'tokenizer.json that is not JSON', (x) => x.run('--model_name', x.model(undefined, (d) => writeFileSync(join(d, 'tokenizer.json'), '{"model": {'))), 1, (x) => join(x.path('model'), 'tokenizer.json'), /not valid JSON/),
  bad('tokenizer', 'tokenizer.json without a model', (x) => x.run('--model_name', x.model(undefined, (d) => writeFileSync(join(d, 'tokenizer.json'), '{"added_tokens": []}'))), 1, (x) => join(x.path('model'), 'tokenizer.json'), /must have a 'model' object, found nothing/),
  bad('tokenizer', "added_tokens that is not a list", (x) => x.run('--model_name', x.model(undefined, (d) => writeFileSync(join(d, 'tokenizer.json'), '{"model": {"type": "WordLevel", "vocab": {"a": 0}}, "added_tokens": 7}'))), 1, (x) => join(x.path('model'), 'tokenizer.json'), /'added_tokens' must be an array, found a number/),
  bad('tokenizer', 'an added token without an id', (x) => x.induction('--model', x.model(undefined, (d) => writeFileSync(join(d, 'tokenizer.json'), '{"model": {"type": "WordLevel", "vocab": {"a": 0}}, "added_tokens": [{"content": "<s>"}]}'))), 1, (x) => join(x.path('model'), 'tokenizer.json'), /added_tokens\[0\] must have an integer 'id'/),
  bad('tokenizer', 'an empty tokenizer.json', (x) => x.run('--model_name', x.model(undefined, (d) => writeFileSync(join(d, 'tokenizer.json'), ''))), 1, (x) => join(x.path('model'), 'tokenizer.json'), /not valid JSON/),
  bad('tokenizer', 'no tokenizer.json: says which special tokens could be excluded', (x) => x.run('--model_name', x.model(undefined, (d) => rmSync(join(d, 'tokenizer.json'))), '--n_tokens', '90', '--db', x.path('own.sqlite')), 0, () => 'no tokenizer.json', /excluded only the special token ids the config files name \(1, 2\); any others stay in the prompts/, {
    check: (x) => {
      const conn = new Database(x.path('own.sqlite'), { readonly: true });
      const blob = conn.prepare(`SELECT prompt_tokens FROM studies`).pluck().get() as Buffer;
      conn.close();
      const ids = Array.from(new Int32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.length)));
      expect(ids).toHaveLength(90);
      expect(ids.filter((id) => id === 1 || id === 2)).toEqual([]);
    },
  }),

  // Token files (--tokens_path): the seed's pickle, JSON, CSV, TXT.
  bad('token file', 'a file that does not exist', (x) => x.run('--tokens_path', x.path('tokens.pkl')), 1, (x) => x.path('tokens.pkl'), /file not found/),
  bad('token file', 'a folder', (x) => x.run('--tokens_path', (mkdirSync(x.path('tokens.json')), x.path('tokens.json'))), 1, (x) => x.path('tokens.json'), /is a folder, not a file/),
  bad('token file', 'an unknown extension', (x) => x.run('--tokens_path', x.file('tokens.xlsx', '1 2 3')), 1, (x) => x.path('tokens.xlsx'), /\.xlsx|extension|format/i),
  bad('token file', 'random bytes named .pkl', (x) => x.run('--tokens_path', x.file('tokens.pkl', Buffer.from([0xfb, 0x01, 0x99, 0x00, 0x12]))), 1, (x) => x.path('tokens.pkl'), /not a valid pickle|not a pickle file/),
  bad('token file', 'a text file named .pkl', (x) => x.run('--tokens_path', x.file('tokens.pkl', 'hello world')), 1, (x) => x.path('tokens.pkl'), /not a pickle file \(it starts with "hello world"\)/),
  bad('token file', 'a truncated pickle', (x) => x.run('--tokens_path', x.file('tokens.pkl', readFileSync(resolve('test/fixtures/tokens-p4.pkl')).subarray(0, 20))), 1, (x) => x.path('tokens.pkl'), /truncated pickle/),
  bad('token file', 'a pickled numpy array', (x) => x.run('--tokens_path', resolve('test/fixtures/tokens-numpy.pkl')), 1, () => resolve('test/fixtures/tokens-numpy.pkl'), /holds a Python object \(numpy/),
  bad('token file', 'JSON with a syntax error', (x) => x.run('--tokens_path', x.file('tokens.json', '[1, 2,')), 1, (x) => x.path('tokens.json'), /invalid JSON/),
  bad('token file', 'a JSON object instead of a list', (x) => x.run('--tokens_path', x.file('tokens.json', '{"ids": [1, 2]}')), 1, (x) => x.path('tokens.json'), /expected a list of token ids, found a dict/),
  bad('token file', 'JSON strings instead of ids', (x) => x.run('--tokens_path', x.file('tokens.json', '["the", "cat"]')), 1, (x) => x.path('tokens.json'), /found a string \("the"\) at index 0/),
  bad('token file', 'a 5 MB string in JSON (cut in the message)', (x) => x.run('--tokens_path', x.file('tokens.json', `["${'z'.repeat(5_000_000)}"]`)), 1, (x) => x.path('tokens.json'), /"z{60}"… \(5,000,000 characters\)/),
  bad('token file', 'a 50 MB token in a text file (cut in the message)', (x) => x.run('--tokens_path', x.file('tokens.txt', 'x'.repeat(50_000_000))), 1, (x) => x.path('tokens.txt'), /"x{60}"… \(50,000,000 characters\) at index 0/),
  bad('token file', 'a CSV with two columns', (x) => x.run('--tokens_path', x.file('tokens.csv', 'token_id,word\n5,a\n')), 1, (x) => x.path('tokens.csv'), /line 1 has 2 columns; expected one column of token ids/),
  bad('token file', 'a CSV with an unknown header', (x) => x.run('--tokens_path', x.file('tokens.csv', 'words\n5\n')), 1, (x) => x.path('tokens.csv'), /unexpected header "words" on line 1/),
  bad('token file', 'a negative id', (x) => x.run('--tokens_path', x.file('tokens.txt', '5 6 -7 8')), 1, (x) => x.path('tokens.txt'), /token id -7 at index 2 .* is negative/),
  bad('token file', 'an id outside the vocabulary', (x) => x.run('--tokens_path', x.file('tokens.json', '[5, 6, 960]')), 1, (x) => x.path('tokens.json'), /token id 960 at index 2 .*is out of range: the model's vocabulary has 96 ids/),
  bad('token file', 'a fractional id', (x) => x.run('--tokens_path', x.file('tokens.json', '[5, 6.5]')), 1, (x) => x.path('tokens.json'), /token id 6\.5 at index 1 .*is not an integer/),
  bad('token file', 'fewer tokens than a prompt needs', (x) => x.run('--tokens_path', x.file('tokens.json', '[5, 6, 7, 8, 9]')), 1, (x) => x.path('tokens.json'), /has only 5 unique token ids .* fewer than the 8 needed/),
  bad('token file', 'an empty file', (x) => x.run('--tokens_path', x.file('tokens.txt', '')), 1, (x) => x.path('tokens.txt'), /contains no token ids|empty/),
  bad('token file', 'a link to /dev/zero (no endless read)', (x) => x.run('--tokens_path', link(x, 'tokens.json', '/dev/zero')), 1, (x) => x.path('tokens.json'), /is not a regular file/, { spawn: true }),
  bad('token file', 'prompts from /dev/zero (no endless read)', (x) => x.probe('--prompts', '/dev/zero'), 1, () => '/dev/zero', /is not a regular file/, { spawn: true }),
  bad('token file', 'only special tokens', (x) => x.run('--tokens_path', x.file('tokens.json', '[0, 1, 2, 1, 0]')), 1, (x) => x.path('tokens.json'), /has only 0 unique token ids \(after dropping 3 special tokens and 2 repeats\)/),

  // Induction-score CSVs (--induction_scores_csv): the seed's layer,head,scores.
  bad('score csv', 'a file that does not exist', (x) => x.run('--induction_scores_csv', x.path('scores.csv')), 1, (x) => x.path('scores.csv'), /file not found/),
  bad('score csv', 'a folder', (x) => x.run('--induction_scores_csv', (mkdirSync(x.path('scores.csv')), x.path('scores.csv'))), 1, (x) => x.path('scores.csv'), /cannot read the file \(EISDIR\)|folder/),
  bad('score csv', 'no scores column', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,value\n0,0,0.5\n')), 1, (x) => x.path('scores.csv'), /missing column "scores" \(columns found: "layer", "head", "value"\)/),
  bad('score csv', 'a head outside the model', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n0,9,0.5\n')), 1, (x) => x.path('scores.csv'), /line 2: head 9 is out of range for this model \(heads 0-3\)/),
  bad('score csv', 'a layer outside the model', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n7,0,0.5\n')), 1, (x) => x.path('scores.csv'), /line 2: layer 7 is out of range for this model \(layers 0-1\)/),
  bad('score csv', 'a score that is not a number', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n0,0,high\n')), 1, (x) => x.path('scores.csv'), /line 2: score "high" of head \(0, 0\) is not a number/),
  bad('score csv', 'a NaN score', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n0,0,NaN\n')), 1, (x) => x.path('scores.csv'), /score "NaN" of head \(0, 0\) is not a number/),
  bad('score csv', 'a head listed twice', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n0,1,0.5\n0,1,0.4\n')), 1, (x) => x.path('scores.csv'), /line 3: head \(0, 1\) appears twice \(first on line 2\)/),
  bad('score csv', 'an empty file', (x) => x.run('--induction_scores_csv', x.file('scores.csv', '')), 1, (x) => x.path('scores.csv'), /is empty; expected a header with layer, head, scores/),
  bad('score csv', 'a header and no rows', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n')), 1, (x) => x.path('scores.csv'), /has a header but no score rows/),
  bad('score csv', 'a 3 MB cell (cut in the message)', (x) => x.run('--induction_scores_csv', x.file('scores.csv', `layer,head,scores\n0,0,${'q'.repeat(3_000_000)}\n`)), 1, (x) => x.path('scores.csv'), /score "q{60}"… \(3,000,000 characters\)/),
  bad('score csv', 'a row with a missing cell', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n0,0\n')), 1, (x) => x.path('scores.csv'), /line 2 has 2 columns but the header has 3/),
  bad('score csv', 'a named pipe (no wait for a writer)', (x) => x.run('--induction_scores_csv', fifo(x, 'scores.csv')), 1, (x) => x.path('scores.csv'), /is not a regular file/, { spawn: true }),
  bad('score csv', 'too few scored heads for the counts', (x) => x.run('--induction_scores_csv', x.file('scores.csv', 'layer,head,scores\n0,0,0.5\n'), '--to_abl', '0-2'), 1, () => 'spec.groups', /counts|heads|scor/i),

  // Study flags and study ids.
  bad('flags', '--permutations 0', (x) => x.run('--permutations', '0'), 2, () => '--permutations', /must be between 1 and 1000000, got 0/),
  bad('flags', '--permutations over the limit (the limit is stated)', (x) => x.run('--permutations', '99999999'), 2, () => '--permutations', /must be between 1 and 1000000, got 99999999/),
  bad('flags', '--permutations that is not a number', (x) => x.run('--permutations', 'many'), 2, () => '--permutations', /must be an integer, got "many"/),
  bad('flags', '--to_abl with a bad part', (x) => x.run('--to_abl', '0-x'), 1, () => '--to_abl', /bad part "x"/),
  bad('flags', '--to_abl listing a count twice', (x) => x.run('--to_abl', '0-1-1'), 1, () => '--to_abl', /lists 1 twice/),
  bad('flags', '--to_abl asking for more heads than the model has', (x) => x.run('--to_abl', '0-99', '--max_heads_abl', '99'), 1, () => 'spec.maxHeadsAbl', /is 99 but all layers has only 8 heads/),
  bad('flags', '--mode that does not exist', (x) => x.run('--mode', 'half'), 2, () => '--mode', /must be one of zero, mean; got "half"/),
  bad('flags', '--layer_abl that does not exist', (x) => x.run('--layer_abl', 'middle'), 2, () => '--layer_abl', /must be one of full, top, bottom; got "middle"/),
  bad('flags', '--head_type that does not exist', (x) => x.run('--head_type', 'both'), 2, () => '--head_type', /must be one of induction, random; got "both"/),
  bad('flags', '--max_heads_abl beyond the model', (x) => x.run('--max_heads_abl', '100'), 1, () => 'spec.maxHeadsAbl', /is 100 but all layers has only 8 heads/),
  bad('flags', '--n_tokens 1', (x) => x.run('--n_tokens', '1'), 2, () => '--n_tokens', /must be between 2 and 1000000, got 1/),
  bad('flags', '--n_tokens longer than the model takes', (x) => x.run('--n_tokens', '500'), 1, () => 'spec.tokenCount', /prompts of 501 tokens exceed the model's 128 positions/),
  bad('flags', '--batch_size 0', (x) => x.run('--batch_size', '0'), 2, () => '--batch_size', /must be between 1 and 4096, got 0/),
  bad('flags', '--seed -1', (x) => x.run('--seed', '-1'), 2, () => '--seed', /must be at least 0, got -1/),
  bad('flags', '--provider that does not exist', (x) => x.run('--provider', 'gpu'), 2, () => '--provider', /must be one of auto, cpu, cuda; got "gpu"/),
  bad('flags', '--dtype that does not exist', (x) => x.run('--dtype', 'int8'), 2, () => '--dtype', /must be one of bfloat16, float16, float32, auto; got "int8"/),
  bad('flags', 'an unknown flag', (x) => x.run('--temperature', '2'), 2, () => '--temperature', /unknown flag/),
  bad('flags', '--draws 0', (x) => x.run('--head_type', 'random', '--draws', '0'), 2, () => '--draws', /must be between 1 and 1000, got 0/),
  bad('flags', '--head_type and --head_types that disagree', (x) => x.run('--head_type', 'random', '--head_types', 'induction'), 2, () => '--head_types', /give --head_type or --head_types, not both/),
  bad('flags', 'run without --model_name', () => ['run', '--permutations', '2'], 2, () => '--model_name', /is required/),
  bad('flags', 'probe --batch 0', (x) => x.probe('--batch', '0'), 2, () => '--batch', /must be at least 1, got 0/),
  bad('flags', 'probe without --out', (x) => x.probe().slice(0, 5), 2, () => '--out', /is required/),
  bad('flags', 'induction with both --sequences and --seq-len', (x) => x.induction('--sequences', x.file('seqs.json', '[[1, 2]]')), 2, () => '--sequences', /give either --sequences or --seq-len\/--count\/--seed, not both/),
  bad('flags', 'induction --seq-len longer than the model takes', (x) => x.induction('--seq-len', '1000'), 2, () => '--seq-len', /1000 repeated twice exceeds the model's 128 positions; at most 64/),
  bad('flags', 'probe --threads beyond any machine', (x) => x.probe('--threads', '99999'), 2, () => '--threads', /must be between 0 and 1024, got 99999/),
  bad('token file', 'probe prompts longer than the model takes', (x) => x.probe('--prompts', x.file('long.json', JSON.stringify([Array.from({ length: 200 }, (_, i) => 3 + (i % 90))]))), 1, (x) => x.path('long.json'), /prompts of 200 tokens exceed the model's 128 positions/),
  bad('token file', 'induction sequences longer than the model takes', (x) => ['induction', '--model', x.world.model, '--sequences', x.file('seqs.json', JSON.stringify([Array.from({ length: 80 }, (_, i) => 3 + i)])), '--out', x.path('s.csv')], 1, (x) => x.path('seqs.json'), /sequences of 80 tokens, repeated twice, exceed the model's 128 positions/),
  bad('flags', 'a study id that is not a number', (x) => x.studies('show', 'first'), 2, () => 'study id', /must be a positive integer, got "first"/),
  bad('flags', 'a study that does not exist', (x) => x.studies('resume', '99'), 1, () => 'study 99', /no such study in the database/),
  bad('flags', 'export without --out', (x) => x.studies('export', '1'), 2, () => '--out', /export needs --out <dir>/),
  bad('flags', 'an unknown subcommand', (x) => x.studies('frob'), 2, () => 'frob', /unknown subcommand/),
  bad('flags', 'exporting an unfinished study', (x) => x.studies('export', '2', '--out', x.path('out')), 1, () => 'study 2', /is not finished \(paused, 2 of 4 results\): .*--partial/),
  bad('flags', 'deleting a study another process runs', (x) => x.studies('delete', '2'), 1, () => 'study 2', /is running; pause or cancel it before deleting it \(it runs in process \d+\)/),
  bad('flags', 'resuming a study another process runs', (x) => x.studies('resume', '2'), 1, () => 'study 2', /is already running in process \d+; wait for it to finish/),
  bad('flags', '--help on probe answers with the usage', (x) => x.probe('--help'), 0, () => 'Usage: npm run cli -- probe', /--prompts <file>/),
  bad('flags', '--help on induction answers with the usage', (x) => x.induction('--help'), 0, () => 'Usage: npm run cli -- induction', /--seq-len <T>/),

  // Database files (--db).
  bad('database', "another application's SQLite file (application_id set)", (x) => x.run('--db', foreignDatabase(x.path('notes.db'), 1234)), 1, (x) => x.path('notes.db'), /not an Ablation Studio database \(application_id 1234\)/, { dbFile: (x) => x.path('notes.db') }),
  bad('database', "another application's SQLite file (no application_id)", (x) => x.run('--db', foreignDatabase(x.path('notes.db'), 0)), 1, (x) => x.path('notes.db'), /another application's SQLite file \(tables notes\); nothing was changed/, { dbFile: (x) => x.path('notes.db') }),
  bad('database', "another application's SQLite file, to studies list", (x) => ['studies', 'list', '--db', foreignDatabase(x.path('notes.db'), 0)], 1, (x) => x.path('notes.db'), /another application's SQLite file/, { dbFile: (x) => x.path('notes.db') }),
  bad('database', 'a text file', (x) => x.studies('list', '--db', x.file('notes.txt', 'not a database at all, just text\n'.repeat(200))), 1, (x) => x.path('notes.txt'), /not an Ablation Studio database/, { dbFile: (x) => x.path('notes.txt') }),
  bad('database', 'a folder', (x) => x.run('--db', (mkdirSync(x.path('db')), x.path('db'))), 1, (x) => x.path('db'), /is a folder; the study database needs a database file/),
  bad('database', 'a mistyped path to studies list (nothing is created)', (x) => x.studies('list', '--db', x.path('typo/studio.sqlite')), 1, (x) => x.path('typo/studio.sqlite'), /no study database here/, { dbFile: (x) => x.path('typo/studio.sqlite'), check: (x) => expect(readdirSync(x.dir)).toEqual([]) }),
  bad('database', 'a mistyped path to studies export', (x) => x.studies('export', '1', '--out', x.path('out'), '--db', x.path('studio.sqllite')), 1, (x) => x.path('studio.sqllite'), /no study database here/, { dbFile: (x) => x.path('studio.sqllite') }),
  bad('database', 'a database from a newer app', (x) => x.studies('list', '--db', newerDatabase(x.path('new.sqlite'))), 1, (x) => x.path('new.sqlite'), /schema version 99 is newer than this version of Ablation Studio supports/, { dbFile: (x) => x.path('new.sqlite') }),
  bad('database', 'a damaged database file', (x) => x.studies('show', '1', '--db', damagedCopy(x)), 1, (x) => x.path('damaged.sqlite'), /the database file is damaged \(SQLite: database disk image is malformed\)/),
  bad('database', 'a folder that cannot exist (/proc, no hang)', (x) => x.run('--db', '/proc/x/studio.sqlite'), 1, () => '/proc/x', /cannot be created for the study database/, { spawn: true }),
  bad('database', 'a studies command on /proc', () => ['studies', 'list', '--db', '/proc/x/y.db'], 1, () => '/proc/x/y.db', /no study database here/, { spawn: true }),

  // Output paths: checked before any work.
  bad('output path', 'run --output_dir under /proc (no hang)', (x) => [...x.run('--output_dir', '/proc/x')], 1, () => '/proc/x', /cannot be created for --output_dir/, { spawn: true }),
  bad('output path', 'studies export --out under /proc (no hang)', (x) => x.studies('export', '1', '--out', '/proc/x'), 1, () => '/proc/x', /cannot be created for --out/, { spawn: true }),
  bad('output path', 'probe with the app data folder under /proc (no hang)', (x) => x.probe(), 1, () => '/proc/x', /cannot be created/, { spawn: true, env: () => ({ ABLATION_STUDIO_HOME: '/proc/x' }) }),
  bad('output path', 'run --output_dir that is a file', (x) => x.run('--output_dir', x.file('out', 'x')), 1, (x) => x.path('out'), /is a file, not a folder \(--output_dir needs a folder\)/),
  bad('output path', 'run --output_dir under a file', (x) => x.run('--output_dir', join(x.file('plain', 'x'), 'out')), 1, (x) => join(x.path('plain'), 'out'), /cannot be created for --output_dir: .*plain is a file, not a folder/),
  bad('output path', 'studies export --out that is a file', (x) => x.studies('export', '1', '--out', x.file('out', 'x')), 1, (x) => x.path('out'), /is a file, not a folder \(--out needs a folder\)/),
  bad('output path', 'studies resume --out that is a file (checked before the run)', (x) => x.studies('resume', '1', '--out', x.file('out', 'x')), 1, (x) => x.path('out'), /is a file, not a folder/),
  bad('output path', 'probe --out that is a folder (checked before the engine)', (x) => x.probe('--out', (mkdirSync(x.path('out')), x.path('out'))), 1, (x) => x.path('out'), /is a folder; --out needs a file name/, { check: (_x, r) => expect(r.stderr).not.toContain('[hash]') }),
  bad('output path', 'probe --out under a file', (x) => x.probe('--out', join(x.file('plain', 'x'), 'probs.json')), 1, (x) => x.path('plain'), /is a file, not a folder/),
  bad('output path', 'induction --out that is a folder', (x) => x.induction('--out', (mkdirSync(x.path('out')), x.path('out'))), 1, (x) => x.path('out'), /is a folder; --out needs a file name/),
  bad('output path', 'induction --out in /sys (not writable)', (x) => x.induction('--out', '/sys/scores.csv'), 1, () => '/sys/scores.csv', /cannot be written for --out: \/sys is not writable/),
  bad('output path', 'probe --cache-dir that is a file', (x) => x.probe('--cache-dir', x.file('cache', 'x')), 1, (x) => x.path('cache'), /is a file, not a folder \(--cache-dir needs a folder\)/),
  bad('output path', 'demo --out that is a file', (x) => ['demo', '--out', x.file('out', 'x'), '--db', x.world.db], 1, (x) => x.path('out'), /is a file, not a folder|demo model is not built/),

  // Cached graphs: damaged ones are found by their sha256 record and rebuilt, never used.
  bad('cached graph', 'damaged bytes that still load', (x) => x.probe('--cache-dir', damageGraph(x, (g) => { const b = readFileSync(g); for (let i = b.length >> 1; i < (b.length >> 1) + 4000; i++) b[i] = (i * 7919) & 255; writeFileSync(g, b); })), 0, () => 'failed its integrity check', /does not match the sha256 recorded when it was written/, { check: sameProbsAsReference }),
  bad('cached graph', 'a truncated graph', (x) => x.probe('--cache-dir', damageGraph(x, (g) => truncateSync(g, 1000))), 0, () => 'failed its integrity check', /has 1000 bytes, \d+ were written/, { check: sameProbsAsReference }),
  bad('cached graph', 'a graph with bytes appended', (x) => x.probe('--cache-dir', damageGraph(x, (g) => appendFileSync(g, 'x'))), 0, () => 'failed its integrity check', /bytes, \d+ were written/, { check: sameProbsAsReference }),
  bad('cached graph', 'an emptied graph', (x) => x.probe('--cache-dir', damageGraph(x, (g) => writeFileSync(g, ''))), 0, () => 'failed its integrity check', /has 0 bytes/, { check: sameProbsAsReference }),
  bad('cached graph', 'the integrity record removed', (x) => x.probe('--cache-dir', damageGraph(x, (g) => rmSync(`${g}.sha256.json`))), 0, () => 'failed its integrity check', /no readable integrity record/, { check: sameProbsAsReference }),
  bad('cached graph', 'the integrity record garbled', (x) => x.probe('--cache-dir', damageGraph(x, (g) => writeFileSync(`${g}.sha256.json`, '{"files": '))), 0, () => 'failed its integrity check', /no readable integrity record/, { check: sameProbsAsReference }),
  bad('cached graph', "the checkpoint's cache folder is a file", (x) => x.probe('--cache-dir', damageGraph(x, (g) => { const dir = join(g, '..'); rmSync(dir, { recursive: true }); writeFileSync(dir, 'x'); })), 1, () => 'compiled-graph cache', /is a file, not a folder/),
];

/** A copy of the world's graph cache with its probe graph damaged by `damage`; returns the cache folder. */
function damageGraph(x: CaseContext, damage: (graph: string) => void): string {
  const graphs = x.graphs();
  damage(cachedGraph(graphs));
  return graphs;
}

/** A symbolic link in the case folder pointing at `target`. */
function link(x: CaseContext, name: string, target: string): string {
  symlinkSync(target, x.path(name));
  return x.path(name);
}

/** A named pipe in the case folder (reading it would wait for a writer forever). */
function fifo(x: CaseContext, name: string): string {
  execFileSync('mkfifo', [x.path(name)]);
  return x.path(name);
}

/** A database of ours whose schema version is from the future. */
function newerDatabase(file: string): string {
  const conn = new Database(file);
  conn.pragma('application_id = 0x41424c53');
  conn.pragma('user_version = 99');
  conn.exec(`CREATE TABLE studies (id INTEGER PRIMARY KEY)`);
  conn.close();
  return file;
}

/** A copy of the world's database with every page after the first overwritten. */
function damagedCopy(x: CaseContext): string {
  const bytes = readFileSync(x.world.db);
  for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 131) & 255;
  return x.file('damaged.sqlite', bytes);
}
