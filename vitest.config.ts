import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Engine tests compile real ONNX graphs and run real onnxruntime sessions: give them time, and run
// files in forked processes (onnxruntime and better-sqlite3 are native addons). Three projects:
// the Node tests; the renderer's component tests (happy-dom, .vue files compiled); the end-to-end
// tests in Chromium (the renderer built first, one file at a time: each starts engines).
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', 'test/renderer/**', 'test/e2e/**'] } },
      { extends: true, plugins: [vue()], test: { name: 'renderer', include: ['test/renderer/**/*.test.ts'], environment: 'happy-dom' } },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/global-setup.ts'], fileParallelism: false, testTimeout: 300_000 },
      },
    ],
  },
});
