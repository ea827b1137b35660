// The exact messages the app must show for the test hub's refusals, built by the hub service's own
// message function from what the test hub answers (test/helpers/hub-server.ts).

import { hubRefusalError } from '../../src/main/hub/hub-errors';
import { GATED_REPO } from './hub-names';

/** A gated repo asked for without a token: the hub's 401 GatedRepo, as the service words it. */
export function gatedWithoutTokenMessage(endpoint: string): string {
  return hubRefusalError(
    {
      status: 401,
      errorCode: 'GatedRepo',
      errorMessage: `Access to model ${GATED_REPO} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
      url: '',
    },
    { endpoint, repoId: GATED_REPO, revision: 'main', tokenSource: null },
  ).message;
}
