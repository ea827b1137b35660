// --model_name resolution: checkpoint folders, the seed's short names and repo ids in a fake Hugging
// Face cache (refs/main, newest snapshot), the demo model, and an error that lists every place looked.

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/shared/errors';
import { folderModelName, hfCacheDirs, MODEL_MAPPING, resolveModel, SEED_MODEL_MAPPING } from '../../src/main/models/resolve-model';

const root = mkdtempSync(join(tmpdir(), 'resolve-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Hugging Face cache entry: models--org--name/snapshots/<rev>/config.json, optionally refs/main. */
function cacheEntry(cache: string, repoId: string, revisions: string[], main?: string): string {
  const repoDir = join(cache, `models--${repoId.replace('/', '--')}`);
  revisions.forEach((rev, i) => {
    const dir = join(repoDir, 'snapshots', rev);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama' }));
    const t = new Date(2024, 0, 1 + i);
    utimesSync(dir, t, t);
  });
  if (main) {
    mkdirSync(join(repoDir, 'refs'), { recursive: true });
    writeFileSync(join(repoDir, 'refs', 'main'), main + '\n');
  }
  return repoDir;
}

describe('resolveModel', () => {
  it('keeps the seed MODEL_MAPPING verbatim', () => {
    expect(SEED_MODEL_MAPPING['Llama-3.1-8B-Instruct']).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(SEED_MODEL_MAPPING['gemma-2-9b-it']).toBe('google/gemma-2-9b-it');
    expect(MODEL_MAPPING['Mistral-7B-Instruct-v0.1']).toEqual(['mistralai/Mistral-7B-Instruct-v0.1']);
    expect(MODEL_MAPPING['pythia-160m']).toEqual(['EleutherAI/pythia-160m']);
  });

  it('accepts a checkpoint folder', () => {
    const dir = join(root, 'my-model');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(resolveModel(dir)).toEqual({ dir, name: 'my-model', source: 'folder' });
  });

  it('rejects a folder without config.json, naming the folder', () => {
    const dir = join(root, 'empty');
    mkdirSync(dir, { recursive: true });
    expect(() => resolveModel(dir)).toThrow(`${dir}: not a model checkpoint folder: config.json is missing`);
  });

  it('finds a seed name in HF_HUB_CACHE through refs/main', () => {
    const cache = join(root, 'hub-a');
    cacheEntry(cache, 'meta-llama/Llama-3.1-8B-Instruct', ['aaa', 'bbb'], 'aaa');
    const got = resolveModel('Llama-3.1-8B-Instruct', { env: { HF_HUB_CACHE: cache }, home: join(root, 'nohome') });
    expect(got.dir).toBe(join(cache, 'models--meta-llama--Llama-3.1-8B-Instruct', 'snapshots', 'aaa'));
    expect(got).toMatchObject({ name: 'Llama-3.1-8B-Instruct', source: 'hf-cache', repoId: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'aaa' });
  });

  it('uses the newest snapshot without refs/main, HF_HOME/hub, and repo ids and old repo names', () => {
    const hfHome = join(root, 'hf-home');
    cacheEntry(join(hfHome, 'hub'), 'EleutherAI/pythia-70m', ['old', 'new']);
    cacheEntry(join(hfHome, 'hub'), 'gpt2', ['g1']);
    const env = { HF_HOME: hfHome };
    const home = join(root, 'nohome');
    expect(resolveModel('pythia-70m', { env, home }).revision).toBe('new');
    expect(resolveModel('EleutherAI/pythia-70m', { env, home }).name).toBe('pythia-70m');
    expect(resolveModel('gpt2', { env, home }).repoId).toBe('gpt2');
    // Passing the cache's repo folder itself works too.
    const snap = resolveModel(join(hfHome, 'hub', 'models--EleutherAI--pythia-70m'));
    expect(snap).toMatchObject({ source: 'hf-cache', revision: 'new', name: 'pythia-70m' });
  });

  it('looks in ~/.cache/huggingface/hub by default', () => {
    const home = join(root, 'home');
    cacheEntry(join(home, '.cache', 'huggingface', 'hub'), 'Qwen/Qwen2.5-0.5B', ['q']);
    expect(resolveModel('qwen2.5-0.5b', { env: {}, home }).revision).toBe('q');
    expect(hfCacheDirs({ HF_HUB_CACHE: '/x', HF_HOME: '/y' }, '/h')).toEqual(['/x', '/y/hub', '/h/.cache/huggingface/hub']);
  });

  it('lists every place it looked when nothing is found', () => {
    const env = { HF_HUB_CACHE: join(root, 'c1'), HF_HOME: join(root, 'c2') };
    let message = '';
    try {
      resolveModel('gemma-2-9b', { env, home: join(root, 'h') });
    } catch (err) {
      expect(isInputError(err)).toBe(true);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^gemma-2-9b: no model checkpoint found\. Looked in:/);
    for (const place of [
      join(root, 'c1', 'models--google--gemma-2-9b'),
      join(root, 'c2', 'hub', 'models--google--gemma-2-9b'),
      join(root, 'h', '.cache', 'huggingface', 'hub', 'models--google--gemma-2-9b'),
    ]) {
      expect(message).toContain(place);
    }
    expect(() => resolveModel('not-a-model', { env, home: join(root, 'h') })).toThrow(/Not a folder, a Hugging Face repo id/);
  });

  it('reports the demo model missing rather than faking one', () => {
    const demoDir = join(root, 'demo-missing');
    expect(() => resolveModel('demo', { demoDir })).toThrow(/demo model is not built yet/);
    expect(() => resolveModel('demo', { env: { ABLATION_STUDIO_DEMO_MODEL: demoDir } })).toThrow(demoDir);
    mkdirSync(demoDir, { recursive: true });
    writeFileSync(join(demoDir, 'config.json'), '{}');
    expect(resolveModel('demo', { demoDir })).toEqual({ dir: demoDir, name: 'demo-induction', source: 'bundled' });
  });

  it('names cache snapshots after their repo', () => {
    expect(folderModelName('/c/models--meta-llama--Llama-3.2-1B/snapshots/abc')).toBe('Llama-3.2-1B');
    expect(folderModelName('/models/tiny')).toBe('tiny');
  });
});
