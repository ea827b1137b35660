// The renderer sees window.api through this declaration only (no Node types in the renderer). It is
// defined by the Electron preload; in a browser served by the bridge it is absent, and the page
// builds one with connectStudioApi() (src/shared/ipc/connect.ts).
import type { StudioApi } from '../shared/ipc/contract';

declare global {
  interface Window {
    api?: StudioApi;
  }
}
export {};
