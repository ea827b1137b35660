// Every request of the contract mapped to the service that does it, one table per domain group.
// This is the only place that knows both the contract's names and the services.

import type { ApiDeps } from './api-deps';
import type { Handlers } from './dispatch';
import { hubHandlers } from './hub-handlers';
import { modelHandlers, tokenHandlers } from './model-handlers';
import { appHandlers, queueHandlers, studyHandlers } from './study-handlers';

export function createHandlers(deps: ApiDeps): Handlers {
  return { ...appHandlers(deps), ...modelHandlers(deps), ...tokenHandlers(deps), ...hubHandlers(deps), ...studyHandlers(deps), ...queueHandlers(deps) };
}
