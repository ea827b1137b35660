// The renderer's StudioApi served in process by a real app (setupApp: real store, real engine
// processes): requests go through the same dispatch both transports use and through the bridge's
// wire encoding, so a component test sees exactly what a page would, without HTTP.
import { dispatchRequest } from '../../src/main/api/dispatch';
import { buildStudioApi, type StudioApi } from '../../src/shared/ipc/contract';
import type { ApiResult } from '../../src/shared/ipc/errors';
import type { EventListener, EventName } from '../../src/shared/ipc/events';
import { decodeWireJson, encodeWireJson } from '../../src/shared/ipc/wire-json';
import type { AppWorld } from '../app/app-fixtures';

export function inProcessApi(world: AppWorld): StudioApi {
  const wire = <T>(value: T): T => decodeWireJson(encodeWireJson(value)) as T;
  return buildStudioApi(
    async (name, payload) => wire(await dispatchRequest(world.app.handlers, name, wire(payload), () => undefined)) as ApiResult<unknown>,
    <E extends EventName>(event: E, listener: EventListener<E>) =>
      world.app.events.subscribe((name, payload) => {
        if (name === event) listener(wire(payload) as Parameters<EventListener<E>>[0]);
      }),
  );
}
