// The renderer sees window.api through this declaration only (no Node types in the renderer).
import type { StudioApi } from '../shared/ipc/contract';

declare global {
  interface Window {
    api: StudioApi;
  }
}
export {};
