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
  const tty = Boolean(stream.isTTY);
  let lastMessage = '';
  let open = false;
  return (e) => {
    // Hashing a small model is not news: only its result is printed.
    if (e.stage === 'hash' && e.fraction !== undefined && e.fraction < 1) return;
    const pct = e.stage === 'compile' && e.fraction !== undefined ? ` ${Math.round(e.fraction * 100)}%` : '';
    const line = `[${e.stage}] ${e.message}`;
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
