// The exact message the app must show when the test hub (test/helpers/hub-server.ts) refuses a
// gated repo asked for without a token, written out in full so that a change of wording fails.

import { GATED_REPO } from './hub-names';

/** A gated repo asked for without a token: the hub's 401 GatedRepo, as the user must read it. */
export function gatedWithoutTokenMessage(endpoint: string): string {
  return (
    `${GATED_REPO}: this model is gated: its files are only for signed-in users who accepted its licence. ` +
    `1) Open ${endpoint}/${GATED_REPO}, sign in and accept the licence; ` +
    `2) create a token with "read" access at ${endpoint}/settings/tokens and enter it on the Models screen (Hugging Face token) or set HF_TOKEN; ` +
    `3) download again. The hub says: "Access to model ${GATED_REPO} is restricted. You must have access to it and be authenticated to access it. Please log in."`
  );
}
