import { z } from 'zod';
import { UPDATE_MODES } from '../settings';
import { defineEvent, defineRequest } from './define';
import { noInput } from './app';

/**
 * How this copy was installed decides who updates it. Per machine (NSIS per machine, MSI, deb):
 * IT's software distribution, since an agent cannot approve an elevation prompt, so "auto"
 * acts as "notify". Per user (AppImage, a user's own copy on macOS): the app may update itself.
 * Development: run from the source tree, never updated.
 */
export const installKindSchema = z.enum(['per_machine', 'per_user', 'development']);
export type InstallKind = z.infer<typeof installKindSchema>;

export const updateStatusSchema = z.object({
  /** The mode policy (or the user) set: off, notify or auto. */
  mode: z.enum(UPDATE_MODES),
  /** What the console does: auto becomes notify where IT installs updates; off without a URL. */
  effectiveMode: z.enum(UPDATE_MODES),
  installKind: installKindSchema,
  currentVersion: z.string(),
  state: z.enum(['off', 'idle', 'checking', 'up_to_date', 'available', 'downloading', 'ready', 'error']),
  /** The newer version the update server offers, once known. */
  availableVersion: z.string().nullable(),
  /** When the server was last asked (ms since the epoch), or null. */
  checkedAt: z.number().nullable(),
  /** What went wrong at the last check (English, for IT), or null. */
  error: z.string().nullable(),
});
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

export const updatesRequests = {
  'updates.status': defineRequest({
    input: noInput,
    output: updateStatusSchema,
    summary: 'The update mode, how this copy was installed, and what the update server last said.',
  }),
  'updates.check': defineRequest({
    input: noInput,
    output: updateStatusSchema,
    summary: 'Asks the update server now; refused when updates are off or no update URL is set.',
  }),
  'updates.install': defineRequest({
    input: noInput,
    output: z.object({ restarting: z.boolean() }),
    summary: 'Restarts into the downloaded update (mode auto, per-user installs only, no call up).',
  }),
};

export const updatesEvents = {
  'updates.changed': defineEvent({
    payload: updateStatusSchema,
    summary: 'The update status changed (a check ran, a download finished, policy changed the mode).',
  }),
};
