// The pure parts of a download: checksums against known values (git's blob id of "hello world\n"
// as `git hash-object` prints it, sha256 of "abc" from FIPS 180-2), which files a listing needs,
// progress rate and ETA on a controlled clock, the hub endpoint and cache folder names.

import { describe, expect, it } from 'vitest';
import { contentHasher } from '../../src/main/hub/file-hash';
import { ProgressTracker, RateMeter, type DownloadProgress } from '../../src/main/hub/download-progress';
import type { RepoFile } from '../../src/main/hub/hub-client';
import { DEFAULT_ENDPOINT, hubEndpoint, repoFolderName, resolveUrl } from '../../src/main/hub/hub-repo';
import { planFiles, shardsOfIndex } from '../../src/main/hub/select-files';

const hash = (kind: 'sha256' | 'git-sha1', text: string): string => {
  const bytes = Buffer.from(text);
  const h = contentHasher(kind, bytes.length);
  h.update(bytes.subarray(0, 3));
  h.update(bytes.subarray(3));
  return h.digest();
};

const file = (path: string, size = 10): RepoFile => ({ path, size, etag: path, hash: 'sha256' });

describe('download parts', () => {
  it('checksums: git blob id and sha256, fed in pieces', () => {
    expect(hash('git-sha1', 'hello world\n')).toBe('3b18e512dba79e4c8300dd08aeb37f8e728b8dad');
    expect(hash('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('plans config, tokenizer files and the weights the engine reads, nothing else', () => {
    const listing = ['config.json', 'README.md', 'tokenizer.json', 'tokenizer.model', 'model.safetensors', 'consolidated.safetensors', 'pytorch_model.bin', 'original/params.json'].map((p) => file(p));
    const plan = planFiles(listing, 'org/m');
    expect([plan.config.path, ...plan.files.map((f) => f.path)]).toEqual(['config.json', 'tokenizer.json', 'model.safetensors']);
    expect(plan.index).toBeNull();
    const loose = planFiles([file('config.json'), file('b.safetensors'), file('a.safetensors'), file('sub/c.safetensors')], 'org/m');
    expect(loose.files.map((f) => f.path)).toEqual(['b.safetensors', 'a.safetensors']);

    const sharded = [file('config.json'), file('model.safetensors.index.json'), file('model-1.safetensors'), file('model-2.safetensors'), file('consolidated.safetensors')];
    const withIndex = planFiles(sharded, 'org/m');
    expect(withIndex.index?.path).toBe('model.safetensors.index.json');
    expect(shardsOfIndex({ weight_map: { a: 'model-2.safetensors', b: 'model-1.safetensors', c: 'model-2.safetensors' } }, sharded, 'idx').map((f) => f.path)).toEqual([
      'model-1.safetensors',
      'model-2.safetensors',
    ]);
    expect(() => shardsOfIndex({ weight_map: { a: 'model-9.safetensors' } }, sharded, 'org/m/idx')).toThrow(
      "org/m/idx: names shard 'model-9.safetensors' (for tensor 'a'), which the repository does not have",
    );
    expect(() => planFiles([file('model.safetensors')], 'org/m@main')).toThrow('org/m@main: has no config.json at its top level');
  });

  it('rate over the last seconds and ETA, per file and overall', () => {
    let t = 0;
    const events: DownloadProgress[] = [];
    const tracker = new ProgressTracker({ repoId: 'org/m', revision: 'main' }, (p) => events.push(p), () => t);
    tracker.addFile('a', 10_000);
    tracker.addFile('b', 5_000);
    tracker.setState('b', 'done', 5_000); // already in the cache: done, but not part of the rate
    tracker.setState('a', 'downloading', 2_000); // a resumed partial
    for (let i = 0; i < 4; i++) {
      t += 1000;
      tracker.transferred('a', 1000); // 1 kB/s
    }
    const p = tracker.snapshot();
    expect(p.bytesDone).toBe(11_000);
    expect(p.bytesTotal).toBe(15_000);
    expect(p.rate).toBeCloseTo(1000, 6);
    expect(p.etaSeconds).toBeCloseTo(4, 6);
    expect(p.files[0]).toMatchObject({ path: 'a', state: 'downloading', bytesDone: 6000, rate: 1000, etaSeconds: 4 });
    expect(p.filesDone).toBe(1);
    // A restart takes bytes back without counting as transfer.
    tracker.transferred('a', -6000);
    expect(tracker.snapshot().files[0]?.bytesDone).toBe(0);
    // Emits are throttled to one per 250 ms except on state changes.
    const before = events.length;
    tracker.transferred('a', 1);
    expect(events.length).toBe(before);
    t += 250;
    tracker.transferred('a', 1);
    expect(events.length).toBe(before + 1);
    const meter = new RateMeter(() => t);
    expect(meter.rate()).toBe(0);
  });

  it('the endpoint, file URLs and cache folder names', () => {
    expect(hubEndpoint({})).toBe(DEFAULT_ENDPOINT);
    expect(hubEndpoint({ HF_ENDPOINT: 'https://hf-mirror.example/' })).toBe('https://hf-mirror.example');
    expect(resolveUrl('https://h', 'org/m', 'refs/pr/1', 'sub dir/a b.json')).toBe('https://h/org/m/resolve/refs%2Fpr%2F1/sub%20dir/a%20b.json');
    expect(repoFolderName('meta-llama/Llama-3.1-8B')).toBe('models--meta-llama--Llama-3.1-8B');
    expect(repoFolderName('gpt2')).toBe('models--gpt2');
  });
});
