// The names of the local test hub's repositories and the tokens of its accounts: plain constants, so
// tests in a simulated browser (happy-dom, where Node's URL and file helpers are the page's) can use
// them without loading the repositories' files (hub-fixtures.ts).

import type { HubUser } from '../helpers/hub-server';

export const DEMO_REPO = 'studio-tests/demo-induction';
export const SHARDED_REPO = 'studio-tests/tiny-llama-sharded';
export const GATED_REPO = 'meta-llama/Tiny-Gated';
export const MAMBA_REPO = 'studio-tests/tiny-mamba';
export const BIN_ONLY_REPO = 'studio-tests/bin-only';
export const YARN_REPO = 'studio-tests/yarn-rope';
export const HUGE_REPO = 'studio-tests/huge';
export const NO_TOKENIZER_REPO = 'studio-tests/no-tokenizer';

/** Tokens the test hub knows: one whose account accepted the gated licence, one that did not. */
export const TOKEN_WITH_ACCESS = 'hf_testAccessGrantedToken0001';
export const TOKEN_WITHOUT_ACCESS = 'hf_testNoLicenceAcceptedToken02';
export const UNKNOWN_TOKEN = 'hf_testRevokedOrMistypedToken03';
export const USERS: Record<string, HubUser> = {
  [TOKEN_WITH_ACCESS]: { name: 'alice', access: [GATED_REPO] },
  [TOKEN_WITHOUT_ACCESS]: { name: 'bob', access: [] },
};

