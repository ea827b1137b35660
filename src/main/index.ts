// Electron entry: the store, queue and services of createStudioApp behind the contract's IPC, one
// window with contextIsolation and sandbox on, a Content-Security-Policy (index.html's meta tag,
// and a header for the dev server), navigation, new windows and permission requests denied, and
// the engine in a utilityProcess, the saved Hugging Face token in the OS keychain. Quitting shuts
// down in order: queue, engines, store. This and
// ./electron, ./ipc are the only files importing 'electron'; all logic is plain Node.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { IPC_EVENT_CHANNEL } from '../shared/ipc/contract';
import { appDataDir } from './app-paths';
import { createStudioApp, defaultDemoModelDir, type StudioApp } from './app/studio-app';
import { keychainCodec } from './electron/keychain';
import { utilitySpawner } from './electron/utility-engine';
import { fromMainFrame } from './ipc/dispatch';
import { registerIpc } from './ipc/register-ipc';

const here = dirname(fileURLToPath(import.meta.url));
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Ablation Studio',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    },
  });
  // Links open in the user's browser; the app window never navigates away from the bundled page.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

async function start(): Promise<void> {
  lockDownSession();
  const studio: StudioApp = createStudioApp({
    dataDir: appDataDir(),
    transport: 'electron',
    spawner: utilitySpawner,
    secrets: keychainCodec(),
    demoModelDir: defaultDemoModelDir({ ...process.env, ABLATION_STUDIO_DEMO_MODEL: process.env.ABLATION_STUDIO_DEMO_MODEL || join(app.getAppPath(), 'resources', 'models', 'demo-induction') }),
    pickPath: async ({ kind, title, extensions, defaultPath }) => {
      const result = await dialog.showOpenDialog({
        title,
        defaultPath,
        properties: kind === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile'],
        filters: extensions ? [{ name: extensions.join(', '), extensions }] : undefined,
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  });
  const win = createWindow();
  const unregister = registerIpc(studio.handlers, fromMainFrame(() => win.webContents.mainFrame));
  const unsubscribe = studio.events.subscribe((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });

  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    // Quit only once the running study has paused after its batch and the store is closed.
    event.preventDefault();
    unsubscribe();
    unregister();
    void studio.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
}

void app.whenReady().then(start);
