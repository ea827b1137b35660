// The Electron request pipeline in plain Node (no 'electron' import, so it is tested without
// Electron): refuse a sender that is not the app window, then the transport-independent dispatch
// (payload validation, handler, errors as data) that the browser bridge runs too.

import type { ApiResult } from '../../shared/ipc/errors';
import { fail } from '../../shared/ipc/errors';
import { dispatchRequest, type ErrorLog, type Handlers } from '../api/dispatch';

export type IpcDispatch<E> = (event: E, name: unknown, payload: unknown) => Promise<ApiResult<unknown>>;

export function createIpcDispatcher<E>(handlers: Handlers, isTrustedSender: (event: E) => boolean, log?: ErrorLog): IpcDispatch<E> {
  return async (event, name, payload) => {
    if (!isTrustedSender(event)) return fail({ kind: 'conflict', message: `${String(name)}: refused, the request did not come from the app window` });
    return dispatchRequest(handlers, String(name), payload, log);
  };
}

/** Trusts only the app window's top frame: no iframe, and no other window, may call in. */
export function fromMainFrame<F>(mainFrame: () => F): (event: { senderFrame: F | null }) => boolean {
  return (event) => event.senderFrame !== null && event.senderFrame === mainFrame();
}
