// Requests of the Hugging Face hub domain, mapped to the hub services: downloads run as background
// jobs (app/hub-downloads.ts) reporting hub.progress; the token is found, saved and cleared by
// hub/hub-token.ts with the app's keychain codec (Electron's safeStorage) where there is one. No
// result, event or error message carries the token: only its masked form leaves this module.

import type { StudioError } from '../../shared/ipc/errors';
import type { HubTokenStatus } from '../../shared/ipc/hub';
import type { StudioContext } from '../app/context';
import type { EventHub } from '../app/event-hub';
import { HubDownloads } from '../app/hub-downloads';
import { hubEndpoint } from '../hub/hub-repo';
import { clearHubToken, findHubToken, hubTokenStatus, keychainUsable, maskToken, saveHubToken, type SecretCodec, type TokenPlaces } from '../hub/hub-token';
import type { ApiDeps } from './api-deps';
import { toStudioError, type ErrorLog, type Handlers } from './dispatch';
import { asField, withField } from './field-names';

type HubHandlers = Pick<Handlers, `hub.${string}` & keyof Handlers>;

/** The hub service names the revision by its command-line flag. */
const REVISION_FLAG = '--revision';

/** Where the app's token lives: the data folder, the process environment, the keychain codec. */
function tokenPlaces(ctx: StudioContext, secrets: SecretCodec | null): TokenPlaces {
  return { dataDir: ctx.paths.dataDir, env: ctx.env, codec: secrets ?? undefined };
}

export function hubHandlers({ ctx, downloads, secrets }: ApiDeps): HubHandlers {
  const places = tokenPlaces(ctx, secrets);
  const status = (): HubTokenStatus => ({
    ...hubTokenStatus(places),
    storage: keychainUsable(places.codec) ? 'keychain' : 'file',
    endpoint: hubEndpoint(ctx.env),
  });
  return {
    'hub.download': ({ repoId, revision }) => ({ id: withField(REVISION_FLAG, 'revision', () => downloads.start(repoId, revision)) }),
    'hub.downloads': () => downloads.list(),
    'hub.cancelDownload': ({ id }) => downloads.cancel(id),
    'hub.tokenStatus': status,
    'hub.setToken': ({ token }) => {
      // The service's messages never quote the token; they call it "Hugging Face token": here it is the field.
      withField('Hugging Face token', 'token', () => saveHubToken(token, places));
      return status();
    },
    'hub.clearToken': () => {
      clearHubToken(places);
      return status();
    },
  };
}

/** The app's downloads: every change goes out as hub.progress, a finished one as models.changed (a new cache entry). */
export function hubDownloads(ctx: StudioContext, events: EventHub, secrets: SecretCodec | null, log?: ErrorLog): HubDownloads {
  const token = () => findHubToken(tokenPlaces(ctx, secrets));
  return new HubDownloads({
    token,
    env: ctx.env,
    onChange: (job) => events.emit('hub.progress', job),
    toError: (err) => withoutToken(toStudioError(asField(err, REVISION_FLAG, 'revision'), 'hub.download', log), token),
    onDone: () => events.emit('models.changed', { modelId: null }),
  });
}

/** The hub service never quotes the token; this keeps it so for any message from below it too. */
function withoutToken(error: StudioError, token: () => { token: string } | null): StudioError {
  let secret: string | undefined;
  try {
    secret = token()?.token;
  } catch {
    secret = undefined; // an unusable token is named by the error itself, never quoted
  }
  return secret ? { ...error, message: error.message.split(secret).join(maskToken(secret)) } : error;
}
