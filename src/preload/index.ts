// The renderer's only door to the main process: one named async function per contract request
// (window.api.<name>), never a raw ipcRenderer.

import { contextBridge, ipcRenderer } from 'electron';
import { REQUEST_NAMES, channelOf, type StudioApi } from '../shared/ipc/contract';

const api = Object.fromEntries(
  REQUEST_NAMES.map((name) => [name, (payload: unknown) => ipcRenderer.invoke(channelOf(name), payload)]),
) as StudioApi;

contextBridge.exposeInMainWorld('api', api);
