// End-to-end harness: the real app in Debian's Chromium. Starts the browser bridge (the real
// main-process code, engine processes and SQLite store) on a temporary data folder, serving the
// BUILT renderer (out/renderer, built by global-setup.ts when missing or stale), launches
// /usr/bin/chromium through playwright-core, and offers page helpers: open a screen, wait for text,
// restart the server on the same data, and write a screenshot of a screen to
// test-output/screenshots/.
//
// Use: `const world = suiteWorld('name')` inside `describeE2e(...)` (instead of describe: it skips,
// saying why, where Chromium is absent, and fails under CI, which installs it), then `world()` in tests.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { startBridge, type Bridge, type BridgeOptions } from '../../src/main/bridge/bridge-server';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');
export const CHROMIUM = process.env.ABLATION_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** The window size the app is designed for. */
export const VIEWPORT = { width: 1280, height: 800 };

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** describe, or describe.skip with the reason printed, where Chromium is not installed. */
export function describeE2e(name: string, body: () => void): void {
  if (hasChromium) {
    describe(name, body);
    return;
  }
  // CI installs Chromium (.ci/run): there a missing browser is a failure, not a reason to skip.
  if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM} for the end-to-end tests "${name}" (apt-get install chromium)`);
  console.warn(`skipping the end-to-end tests "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  describe.skip(name, body);
}

export interface World {
  /** Temporary folder holding the data folder and anything the test writes. */
  readonly dir: string;
  readonly dataDir: string;
  readonly bridge: Bridge;
  readonly page: Page;
  readonly browser: Browser;
  /** Every console error and page error the app produced (a test may assert there are none). */
  readonly pageErrors: string[];
  /** Opens a screen by its route (`/models`, `/results/3`) and waits for the app to mount. */
  open(route: string): Promise<void>;
  /** Writes test-output/screenshots/<name>.png (full page) and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Stops the server (a running study pauses after its batch) and starts it again on the same data, port and token. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Bridge options (e.g. induction parameters); data folder, port and renderer are the harness's. */
  bridge?: Partial<BridgeOptions>;
}

/** A world for the enclosing describe block: opened before its tests, closed after them. */
export function suiteWorld(prefix: string, options: WorldOptions = {}): () => World {
  let world: World | undefined;
  beforeAll(async () => {
    world = await openWorld(prefix, options);
  });
  afterAll(async () => {
    await world?.close();
  });
  return () => {
    if (!world) throw new Error(`the "${prefix}" world is not open (used outside a test?)`);
    return world;
  };
}

export async function openWorld(prefix: string, options: WorldOptions = {}): Promise<World> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`the renderer is not built (${RENDERER_DIR}): test/e2e/global-setup.ts builds it; run the e2e tests through vitest`);
  }
  const dir = mkdtempSync(join(tmpdir(), `e2e-${prefix}-`));
  const dataDir = join(dir, 'data');
  const start = (port: number, token?: string) =>
    startBridge({ log: () => undefined, ...options.bridge, dataDir, rendererDir: RENDERER_DIR, port, token });
  let bridge = await start(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context: BrowserContext = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  let opened = false;

  const world: World = {
    dir,
    dataDir,
    get bridge() {
      return bridge;
    },
    page,
    browser,
    pageErrors,
    async open(route) {
      // The first visit carries the token (the page keeps it); later ones change the hash only.
      const url = opened ? `${bridge.url}/#${route}` : `${bridge.openUrl}#${route}`;
      opened = true;
      await page.goto(url);
      await page.waitForSelector('nav.sidebar');
    },
    async screenshot(name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      // From the top, so sticky parts (the sidebar) sit where a user sees them.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async restart() {
      const { port, token } = bridge;
      await bridge.close();
      bridge = await start(port, token);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await bridge.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The text of the first element matching `selector`, trimmed ('' when absent). */
export async function textOf(page: Page, selector: string): Promise<string> {
  const el = await page.$(selector);
  return el ? ((await el.textContent()) ?? '').trim() : '';
}
