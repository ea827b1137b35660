import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Engine tests compile real ONNX graphs and run real onnxruntime sessions: give them time, and run
// files in forked processes (onnxruntime and better-sqlite3 are native addons). The Vue plugin
// compiles single-file components for the renderer's component tests (happy-dom, per file).
export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
