// The main process's side of the contract's events: typed emit, and listeners per transport (the
// Electron window, each bridge event stream). A listener that throws never stops the others.

import type { EventName, EventPayload } from '../../shared/ipc/events';

export type AnyEventListener = (name: EventName, payload: unknown) => void;

export class EventHub {
  private readonly listeners = new Set<AnyEventListener>();

  subscribe(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(name, payload);
      } catch (err) {
        console.error(`event ${name}: a listener failed`, err);
      }
    }
  }
}
