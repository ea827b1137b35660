import { defineConfig } from 'vitest/config';

// Engine tests compile real ONNX graphs and run real onnxruntime sessions: give them time, and run
// files in forked processes (onnxruntime and better-sqlite3 are native addons).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
