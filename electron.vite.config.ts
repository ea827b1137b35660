import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// Three bundles, as electron-vite lays them out: main (Node: engine, store, studies), preload
// (the narrow window.api), renderer (Vue). Native addons stay external to the main bundle.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'engine-worker': resolve(__dirname, 'src/main/engine/runtime/worker-entry.ts'),
        },
        external: ['onnxruntime-node', 'better-sqlite3', '@napi-rs/canvas'],
      },
    },
  },
  preload: {
    // Sandboxed preloads must be CommonJS and may require nothing but 'electron': the contract's
    // dependencies (zod) are bundled in.
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [vue()],
  },
});
