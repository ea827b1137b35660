// Contract, app domain: what the renderer needs to know about where it runs (transport, data folder,
// whether native dialogs exist), a native file/folder picker (Electron only), and a folder listing
// that lets a browser on another machine pick paths on the machine the app runs on.

import { z } from 'zod';
import { noPayload, request } from './define';

export const appInfoSchema = z.strictObject({
  appVersion: z.string(),
  /** electron: the desktop window; bridge: a browser talking HTTP to `npm run serve`. */
  transport: z.enum(['electron', 'bridge']),
  /** True where app.pickPath opens a native dialog (Electron); in a browser use files.list. */
  nativeDialogs: z.boolean(),
  dataDir: z.string(),
  dbPath: z.string(),
  /** The bundled demo model's folder, when it is present. */
  demoModelPath: z.string().nullable(),
  /** The user's home folder on the app's machine (a starting point for files.list). */
  homeDir: z.string(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const fileEntrySchema = z.strictObject({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['folder', 'file']),
  sizeBytes: z.number().nullable(),
  /** A folder holding config.json (a checkpoint the app may read). */
  isCheckpoint: z.boolean(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const folderListingSchema = z.strictObject({
  dir: z.string(),
  parent: z.string().nullable(),
  /** Folders first, then files, each by name; hidden entries (dot files) left out. */
  entries: z.array(fileEntrySchema),
});
export type FolderListing = z.infer<typeof folderListingSchema>;

export const appRequests = {
  'app.info': request(noPayload, appInfoSchema),
  /** A native open dialog; `path` null when the user cancels. A conflict error where there is none (browser). */
  'app.pickPath': request(
    z.strictObject({
      kind: z.enum(['folder', 'file']),
      title: z.string().max(200).optional(),
      /** File name extensions without the dot, e.g. ["csv"]. */
      extensions: z.array(z.string().regex(/^[A-Za-z0-9]+$/)).max(20).optional(),
      defaultPath: z.string().optional(),
    }),
    z.strictObject({ path: z.string().nullable() }),
  ),
  /** A folder's entries (default: the home folder), optionally only files with the given extensions. */
  'files.list': request(
    z.strictObject({ dir: z.string().optional(), extensions: z.array(z.string().regex(/^[A-Za-z0-9]+$/)).max(20).optional() }),
    folderListingSchema,
  ),
} as const;
