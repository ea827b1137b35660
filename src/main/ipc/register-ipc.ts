// Electron IPC wiring: one ipcMain.handle on the contract's request channel. The sender must be our
// own window's top frame (no other frame or window may call in); the payload is validated by
// dispatchRequest, and the answer is always an ApiResult (errors as data, never a flattened string).

import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_REQUEST_CHANNEL } from '../../shared/ipc/contract';
import { fail } from '../../shared/ipc/errors';
import { dispatchRequest, type Handlers } from '../api/dispatch';

export function registerIpc(handlers: Handlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event, name: unknown, payload: unknown) => {
    if (!isTrustedSender(event)) {
      return fail({ kind: 'conflict', message: 'Refused: the request did not come from the app window.' });
    }
    return dispatchRequest(handlers, String(name), payload);
  });
  return () => ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
}
