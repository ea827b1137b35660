// Electron IPC wiring: one ipcMain.handle per contract request. Payloads are validated against the
// contract's schema and the sender must be our own window's top frame (no other frame may call in).

import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { REQUEST_NAMES, channelOf, parseRequest, type RequestName } from '../../shared/ipc/contract';
import type { Handlers } from './study-handlers';

export function registerIpc(handlers: Handlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(channelOf(name), (event, payload: unknown) => {
      if (!isTrustedSender(event)) throw new Error(`${name}: refused, the sender is not the app window`);
      return callHandler(handlers, name, payload);
    });
  }
}

function callHandler<K extends RequestName>(handlers: Handlers, name: K, payload: unknown) {
  return handlers[name](parseRequest(name, payload));
}
