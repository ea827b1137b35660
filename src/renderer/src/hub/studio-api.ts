// The app's StudioApi for the hub panels, obtained once: the preload's window.api in the desktop
// window, else a bridge client for the server that served the page (shared/ipc/connect.ts).

import { connectStudioApi } from '../../../shared/ipc/connect';
import type { StudioApi } from '../../../shared/ipc/contract';

let api: StudioApi | null = null;

export function studioApi(): StudioApi {
  return (api ??= connectStudioApi());
}
