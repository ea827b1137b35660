// The store's public surface: open a database, then use the repository modules.

export { openStore, prepare, inTransaction, APPLICATION_ID, type Store, type OpenStoreOptions } from './db';
export { migrate, schemaVersion, latestVersion } from './migrate';
export * from './models-repo';
export * from './token-sets-repo';
export * from './score-sets-repo';
export * from './studies-repo';
export * from './conditions-repo';
export * from './results-repo';
