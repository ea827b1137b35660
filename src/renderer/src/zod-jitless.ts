// Imported first by main.ts: zod's fast path compiles validators with `new Function`, which the
// page's Content-Security-Policy forbids; without this, merely probing for it logs a CSP violation.
import { z } from 'zod';

z.config({ jitless: true });
