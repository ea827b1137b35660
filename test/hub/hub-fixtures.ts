// The repositories and accounts of the local test hub: the bundled demo model (with the extra files a
// real repo carries, which must not be downloaded), a tiny sharded Llama, a gated copy, and repos the
// engine must refuse (unsupported architecture, no safetensors, unsupported rope scaling, too big).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import type { HubRepoFixture } from '../helpers/hub-server';
import { tempDir } from '../helpers/temp-files';
import { BIN_ONLY_REPO, DEMO_REPO, GATED_REPO, HUGE_REPO, MAMBA_REPO, NO_TOKENIZER_REPO, SHARDED_REPO, TOKEN_WITH_ACCESS, TOKEN_WITHOUT_ACCESS, UNKNOWN_TOKEN, USERS, YARN_REPO } from './hub-names';

// import.meta.url, not __dirname: a bridge process for component tests loads this file outside vitest.
export const DEMO_DIR = fileURLToPath(new URL('../../resources/models/demo-induction', import.meta.url));
export { BIN_ONLY_REPO, DEMO_REPO, GATED_REPO, HUGE_REPO, MAMBA_REPO, NO_TOKENIZER_REPO, SHARDED_REPO, TOKEN_WITH_ACCESS, TOKEN_WITHOUT_ACCESS, UNKNOWN_TOKEN, USERS, YARN_REPO };

/** Every file of a folder, by relative path. */
export function folderFiles(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files[full.slice(dir.length + 1).split('\\').join('/')] = readFileSync(full);
  }
  return files;
}

/** Files a real repo has but the engine does not need. */
const EXTRAS = {
  'README.md': '# A model card\n',
  '.gitattributes': '*.safetensors filter=lfs diff=lfs merge=lfs -text\n',
  'pytorch_model.bin': new Uint8Array(4096).fill(7),
  'original/consolidated.00.pth': new Uint8Array(2048).fill(9),
};

export interface TestRepos {
  repos: HubRepoFixture[];
  /** The tiny sharded Llama's source folder (to compare probes with); a tempDir, for removeTempDirs. */
  shardedDir: string;
}

export function testRepos(): TestRepos {
  const shardedDir = tempDir('hub-sharded-');
  writeTinyModel(shardedDir, tinyLlama3({ vocab: 64 }), { shards: 2 });
  const demo = folderFiles(DEMO_DIR);
  const llamaConfig = JSON.parse(readFileSync(join(shardedDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const repos: HubRepoFixture[] = [
    { id: DEMO_REPO, files: { ...demo, ...EXTRAS }, refs: { v1: '1111111111111111111111111111111111111111' } },
    // A top-level safetensors outside the index (as Mistral repos have consolidated.safetensors).
    { id: SHARDED_REPO, files: { ...folderFiles(shardedDir), 'consolidated.safetensors': new Uint8Array(1000).fill(3) } },
    { id: GATED_REPO, files: folderFiles(shardedDir), gated: 'manual' },
    { id: MAMBA_REPO, files: { 'config.json': JSON.stringify({ model_type: 'mamba', architectures: ['MambaForCausalLM'] }), 'model.safetensors': new Uint8Array(64) } },
    { id: BIN_ONLY_REPO, files: { 'config.json': JSON.stringify(llamaConfig), 'pytorch_model.bin': new Uint8Array(64), 'tokenizer.json': '{}' } },
    {
      id: YARN_REPO,
      files: { ...folderFiles(shardedDir), 'config.json': JSON.stringify({ ...llamaConfig, rope_scaling: { rope_type: 'yarn', factor: 4 } }) },
    },
    { id: NO_TOKENIZER_REPO, files: Object.fromEntries(Object.entries(folderFiles(shardedDir)).filter(([p]) => p !== 'tokenizer.json')) },
    { id: HUGE_REPO, files: { 'config.json': JSON.stringify(llamaConfig), 'model.safetensors': new Uint8Array(64) }, listedSizes: { 'model.safetensors': 2 ** 53 - 1 } },
  ];
  return { repos, shardedDir };
}

export function demoFile(path: string): Buffer {
  return readFileSync(join(DEMO_DIR, path));
}
