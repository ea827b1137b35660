// Where the app keeps its data on each platform: the database, compiled graphs and hash memos.
// The CLI and the desktop app both call these, so a study run from either lands in the same place.
// `ABLATION_STUDIO_HOME` overrides everything (tests, portable installs, a GPU server's big disk).

import os from 'node:os';
import path from 'node:path';

const APP_FOLDER = 'ablation-studio';

/** The app's data folder; the arguments exist so tests can exercise every platform's rule. */
export function appDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.ABLATION_STUDIO_HOME) return path.resolve(env.ABLATION_STUDIO_HOME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER);
  if (platform === 'win32') {
    // %APPDATA% is the roaming profile folder; fall back to its usual place when the variable is unset.
    return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  }
  // XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(base, APP_FOLDER);
}

/** Compiled ONNX graphs, one subfolder per checkpoint hash (see engine/runtime/graph-cache.ts). */
export function graphCacheDir(): string {
  return path.join(appDataDir(), 'graphs');
}

/** The study database. */
export function defaultDbPath(): string {
  return path.join(appDataDir(), 'studio.sqlite');
}
