import { z } from 'zod';
import { defineEvent, defineRequest } from './define';

export const noInput = z.strictObject({});

export const hostKindSchema = z.enum(['electron', 'browser']);

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: hostKindSchema,
  platform: z.string(),
  /** Whether secrets (SIP password, database key) are protected by the operating system. */
  secretStorage: z.object({
    protected: z.boolean(),
    backend: z.string(),
    /** Where an unprotected store keeps the secrets (a file outside the data folder). */
    location: z.string().optional(),
    /** Why the operating system's keystore is not used, as the system said it (for IT). */
    reason: z.string().optional(),
    /** The same, as a code the UI puts in words. */
    reasonCode: z.enum(['no_keystore', 'keystore_locked', 'keystore_failed', 'basic_text']).optional(),
  }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const notificationSchema = z.object({
  title: z.string().max(200),
  body: z.string().max(1000),
  /** Names a notification that main may take back (an incoming call once it stops ringing). */
  tag: z.string().max(100).optional(),
});

export const appRequests = {
  'app.info': defineRequest({
    input: noInput,
    output: appInfoSchema,
    summary: 'Name, version, host kind and how secrets are protected.',
  }),
};

export const appEvents = {
  'app.notification': defineEvent({
    payload: notificationSchema,
    summary: 'Main asks the renderer to show a notification (browser host; Electron shows OS notifications itself).',
  }),
  'app.notificationWithdrawn': defineEvent({
    payload: z.object({ tag: z.string().max(100) }),
    summary: 'The notification with this tag is out of date (the call was answered or ended): take it down.',
  }),
};
