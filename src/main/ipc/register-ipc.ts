// Electron IPC wiring: one ipcMain.handle per contract request, each going through the shared
// dispatcher (sender check, then payload validation, then the handler).

import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { REQUEST_NAMES, channelOf } from '../../shared/ipc/contract';
import { createDispatcher } from './dispatch';
import type { Handlers } from './study-handlers';

export function registerIpc(handlers: Handlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  const dispatch = createDispatcher(handlers, isTrustedSender);
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(channelOf(name), (event, payload: unknown) => dispatch(name, event, payload));
  }
}
