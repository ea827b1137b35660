// The built renderer (electron-vite's out/renderer) served to a browser: files by path inside the
// folder only (no `..` escapes), index.html for `/` and for in-app paths without an extension.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** The file for a URL path, or null (absent, or outside the folder). */
export function readStaticFile(rootDir: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const root = resolve(rootDir);
  const wanted = decoded === '/' || extname(decoded) === '' ? '/index.html' : decoded;
  const file = resolve(join(root, normalize(wanted)));
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (!existsSync(file) || !statSync(file).isFile()) return null;
  return { body: readFileSync(file), contentType: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

/** Whether the folder holds a built renderer. */
export function hasRenderer(rootDir: string): boolean {
  return existsSync(join(rootDir, 'index.html'));
}
