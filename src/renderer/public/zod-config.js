// Runs before the app's modules (a classic script in index.html): zod's fast path compiles
// validators with `new Function`, which the page's Content-Security-Policy forbids, and merely
// probing for it logs a CSP violation. zod reads this global configuration when it loads.
globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };
