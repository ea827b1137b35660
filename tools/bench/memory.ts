// Memory readings of this process at named points of the benchmark. The engine worker is a
// worker_thread (src/main/engine/runtime/worker-host.ts), so onnxruntime's memory is inside this
// process's RSS: there is no separate worker figure to read, only differences between points.

export interface MemorySnapshot {
  label: string;
  /** Resident set size now. */
  rssMB: number;
  heapUsedMB: number;
  /** C++ objects bound to JS (onnxruntime tensors, better-sqlite3) as V8 sees them. */
  externalMB: number;
  arrayBuffersMB: number;
  /** Peak RSS of the process so far (getrusage ru_maxrss; never decreases). */
  maxRssMB: number;
}

const MB = 1024 * 1024;

function mb(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}

/** process.resourceUsage().maxRSS is in kilobytes. */
export function maxRssMB(): number {
  return mb(process.resourceUsage().maxRSS * 1024);
}

export function memorySnapshot(label: string): MemorySnapshot {
  const m = process.memoryUsage();
  return { label, rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers), maxRssMB: maxRssMB() };
}
