// Every request of the contract mapped to the service that does it. Services are plain Node; this
// table is the only place that knows both the contract's names and the services.

import type { Store } from '../store/db';
import type { Handlers } from './dispatch';

export interface ApiContext {
  store: Store;
}

export function createHandlers(_ctx: ApiContext): Handlers {
  const pending = (name: string) => () => {
    throw new Error(`${name} is not available in this build`);
  };
  return Object.fromEntries(
    (Object.keys(handlerNames) as (keyof Handlers)[]).map((name) => [name, pending(name)]),
  ) as unknown as Handlers;
}

const handlerNames: Record<keyof Handlers, true> = {
  'app.info': true,
  'app.pickPath': true,
  'files.list': true,
  'models.list': true,
  'models.add': true,
  'models.remove': true,
  'models.details': true,
  'models.compile': true,
  'models.cancel': true,
  'scores.list': true,
  'scores.get': true,
  'scores.compute': true,
  'scores.import': true,
  'tokens.list': true,
  'tokens.import': true,
  'tokens.preview': true,
  'tokens.delete': true,
  'studies.validate': true,
  'studies.create': true,
  'studies.list': true,
  'studies.summary': true,
  'studies.trial': true,
  'studies.rename': true,
  'studies.annotate': true,
  'studies.duplicate': true,
  'studies.delete': true,
  'studies.export': true,
  'queue.state': true,
  'queue.enqueue': true,
  'queue.pause': true,
  'queue.resume': true,
  'queue.cancel': true,
  'queue.reorder': true,
};
