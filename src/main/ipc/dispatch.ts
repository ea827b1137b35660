// The request pipeline every transport shares: refuse a sender that is not the app window, validate
// the payload against the contract's schema, then run the request's handler. Pure Node (no
// 'electron' import), so the sender check and the validation are tested without Electron.

import { parseRequest, type RequestName, type ResponseTypes } from '../../shared/ipc/contract';
import type { Handlers } from './study-handlers';

export type Dispatch<E> = <K extends RequestName>(name: K, event: E, payload: unknown) => ResponseTypes[K];

export function createDispatcher<E>(handlers: Handlers, isTrustedSender: (event: E) => boolean): Dispatch<E> {
  return (name, event, payload) => {
    if (!isTrustedSender(event)) throw new Error(`${name}: refused, the sender is not the app window`);
    return handlers[name](parseRequest(name, payload));
  };
}

/** Trusts only the app window's top frame: no iframe, and no other window, may call in. */
export function fromMainFrame<F>(mainFrame: () => F): (event: { senderFrame: F | null }) => boolean {
  return (event) => event.senderFrame !== null && event.senderFrame === mainFrame();
}
