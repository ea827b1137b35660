// Polling with a deadline: a test waiting for something that never comes fails with a message
// naming what it waited for, instead of hanging until the runner's own timeout (or forever, in a
// hook or a helper that has none).

export interface WaitOptions {
  /** Give up after this long (default 90 s: generous for a loaded machine, short of the test timeouts). */
  timeoutMs?: number;
  /** Time between probes (default 25 ms). */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than undefined, and returns that; throws
 * "timed out after N ms waiting for <what>" once the deadline passes. Errors from `probe` propagate.
 */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 90_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** waitFor for a condition: resolves once `test()` is true. */
export async function waitUntil(test: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  await waitFor(async () => ((await test()) ? true : undefined), what, options);
}
