// A program that ends before it says it is ready fails the start with its exit code and output.

import { describe, expect, it } from 'vitest';
import { startTsxProcess } from './spawn-tsx';

describe('startTsxProcess', () => {
  it('fails with the exit code and output of a program that ends before it is ready', async () => {
    const start = startTsxProcess('test/helpers/no-such-program.ts', [], () => undefined);
    await expect(start).rejects.toThrow(/^test\/helpers\/no-such-program\.ts ended \(1\) before it was ready:\n[\s\S]*no-such-program\.ts/);
  });
});
