// Electron IPC wiring: one ipcMain.handle on the contract's request channel, going through the
// shared dispatcher (sender check, payload validation, handler); the answer is always an
// ApiResult (errors as data, never a flattened string).

import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_REQUEST_CHANNEL } from '../../shared/ipc/contract';
import type { Handlers } from '../api/dispatch';
import { createIpcDispatcher } from './dispatch';

export function registerIpc(handlers: Handlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  const dispatch = createIpcDispatcher(handlers, isTrustedSender);
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event, name: unknown, payload: unknown) => dispatch(event, name, payload));
  return () => ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
}
