// Pages of a Hugging Face hub a user is sent to: a model's page (to accept its licence) and the
// access-token settings. Shared by the download service's messages and the app's Models screen.

/** The model's page on the hub, where its licence is accepted. */
export function repoPageUrl(endpoint: string, repoId: string): string {
  return `${endpoint}/${repoId}`;
}

/** Where a user creates an access token (on the hub the endpoint points at). */
export function tokenSettingsUrl(endpoint: string): string {
  return `${endpoint}/settings/tokens`;
}
