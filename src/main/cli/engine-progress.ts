// Engine loading for every CLI command (`probe`, `induction`, `run`, `demo`, `studies resume`):
// hash / compile / load progress on stderr, compile percentages updated in place on a terminal and
// one plain line per step on a pipe.

import type { Engine, EngineOptions, EngineProgress } from '../engine/engine-types';
import { loadEngine } from '../engine/load-engine';

/** loadEngine with its progress printed to stderr. */
export function loadEngineWithProgress(options: Omit<EngineOptions, 'onProgress'>): Promise<Engine> {
  return loadEngine({ ...options, onProgress: engineProgressPrinter(process.stderr) });
}

/** A progress callback writing `[stage] message` lines (and, on a terminal, compile percentages) to `stream`. */
export function engineProgressPrinter(stream: NodeJS.WriteStream): (e: EngineProgress) => void {
  const print = stepPrinter(stream);
  return (e) => {
    // Hashing a small model is not news: only its result is printed.
    if (e.stage === 'hash' && e.fraction !== undefined && e.fraction < 1) return;
    print(e.stage, e.message, e.stage === 'compile' ? e.fraction : undefined);
  };
}

/**
 * `[label] message` lines on `stream`, a repeated line once; with a fraction, on a terminal, one
 * line updated in place with its percentage (a pipe gets the plain line).
 */
export function stepPrinter(stream: NodeJS.WriteStream): (label: string, message: string, fraction?: number) => void {
  const tty = Boolean(stream.isTTY);
  let lastMessage = '';
  let open = false;
  return (label, message, fraction) => {
    const pct = fraction !== undefined ? ` ${Math.round(fraction * 100)}%` : '';
    const line = `[${label}] ${message}`;
    if (tty && pct) {
      stream.write(`\r${line}${pct}\x1b[K`);
      open = true;
    } else if (line !== lastMessage) {
      stream.write(`${open ? '\n' : ''}${line}\n`);
      open = false;
    }
    lastMessage = line;
  };
}
