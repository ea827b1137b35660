// Development/test entry of the engine worker: registers tsx's ESM loader in this thread, then
// imports the TypeScript entry. A bundled build starts engine-worker.js directly (worker-path.ts).
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
