import { z } from 'zod';
import { SETTING_KEYS, settingChangeSchema, settingsValuesSchema } from '../settings';
import { defineEvent, defineRequest } from './define';
import { noInput } from './app';

export const settingKeySchema = z.enum(SETTING_KEYS as [string, ...string[]]);

export const settingsProblemSchema = z.object({
  /** Where the bad value came from: the policy file or the user's settings file. */
  source: z.enum(['policy', 'user']),
  /** The file that held it. */
  file: z.string(),
  /** The setting key, or null when the file as a whole could not be read. */
  key: z.string().nullable(),
  /** What kind of problem, for the UI to say in the user's language. */
  code: z.enum(['invalid_json', 'not_an_object', 'unknown_key', 'invalid_value', 'unreadable', 'missing']),
  /** The same in English with the technical detail, for the CLI and administrators. */
  message: z.string(),
});
export type SettingsProblem = z.infer<typeof settingsProblemSchema>;

export const settingsSnapshotSchema = z.object({
  values: settingsValuesSchema,
  /** Keys fixed by machine policy: read-only in Settings. */
  locked: z.array(settingKeySchema),
  problems: z.array(settingsProblemSchema),
});
export type SettingsSnapshot = z.infer<typeof settingsSnapshotSchema>;

export const settingsRequests = {
  'settings.get': defineRequest({
    input: noInput,
    output: settingsSnapshotSchema,
    summary: 'Effective settings (defaults ⊕ user ⊕ policy), the keys policy locks, and problems found.',
  }),
  'settings.update': defineRequest({
    input: settingChangeSchema,
    output: settingsSnapshotSchema,
    summary: 'Changes one user setting; refused with locked_by_policy when policy sets the key.',
  }),
};

export const settingsEvents = {
  'settings.changed': defineEvent({
    payload: settingsSnapshotSchema,
    summary: 'The effective settings changed (any client, or a policy reload).',
  }),
};
