// The polling helper returns what its probe found, and fails with a message naming what it waited
// for once its deadline passes.

import { describe, expect, it } from 'vitest';
import { waitFor, waitUntil } from './wait-for';

describe('waitFor', () => {
  it('returns the first value the probe finds', async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? `found on call ${calls}` : undefined), 'the third call', { intervalMs: 1 })).toBe('found on call 3');
  });

  it('fails after its deadline, naming what it waited for', async () => {
    await expect(waitUntil(() => false, 'something that never comes', { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      'timed out after 30 ms waiting for something that never comes',
    );
  });
});
