// Electron entry: one window, contextIsolation + sandbox on, external navigation denied, the study
// store opened in the app data folder and the IPC contract registered. All logic lives in plain-Node
// modules (engine, store, studies) shared with the CLI; this is the only file importing 'electron'
// besides the IPC wiring.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, shell } from 'electron';
import { defaultDbPath } from './app-paths';
import { openStore } from './store/db';
import { fromMainFrame } from './ipc/dispatch';
import { registerIpc } from './ipc/register-ipc';
import { studyHandlers } from './ipc/study-handlers';

const here = dirname(fileURLToPath(import.meta.url));

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
    },
  });
  // Links open in the user's browser; the app window never navigates away from the bundled page.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  const store = openStore(defaultDbPath());
  const win = createWindow();
  registerIpc(studyHandlers(store), fromMainFrame(() => win.webContents.mainFrame));
  app.on('window-all-closed', () => {
    store.close();
    app.quit();
  });
});
