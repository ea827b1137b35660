// The app data folder on each platform, and the override that tests and portable installs use.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDataDir } from '../../src/main/app-paths';

describe('appDataDir', () => {
  it('honours ABLATION_STUDIO_HOME on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(appDataDir({ ABLATION_STUDIO_HOME: '/data/studio' }, platform, '/home/u')).toBe(path.resolve('/data/studio'));
    }
  });
  it('uses XDG_DATA_HOME when absolute, else ~/.local/share, on Linux', () => {
    expect(appDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe(path.join('/xdg', 'ablation-studio'));
    expect(appDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe(path.join('/home/u', '.local', 'share', 'ablation-studio'));
    expect(appDataDir({}, 'linux', '/home/u')).toBe(path.join('/home/u', '.local', 'share', 'ablation-studio'));
  });
  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(appDataDir({}, 'darwin', '/Users/u')).toBe(path.join('/Users/u', 'Library', 'Application Support', 'ablation-studio'));
    expect(appDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(path.join('C:\\Users\\u\\AppData\\Roaming', 'ablation-studio'));
  });
});
