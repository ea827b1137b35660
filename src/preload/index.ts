// The renderer's only door to the main process: window.api, the contract's named request functions
// (api.<domain>.<method>) and `on(event, listener) -> unsubscribe`. Never a raw ipcRenderer: every
// request goes over one channel as (name, payload) and the main side validates both.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, buildStudioApi, type StudioApi } from '../shared/ipc/contract';
import type { ApiResult } from '../shared/ipc/errors';

const on: StudioApi['on'] = (event, listener) => {
  const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (name === event) (listener as (payload: unknown) => void)(payload);
  };
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  };
};

const api = buildStudioApi((name, payload) => ipcRenderer.invoke(IPC_REQUEST_CHANNEL, name, payload) as Promise<ApiResult<unknown>>, on);

contextBridge.exposeInMainWorld('api', api);
