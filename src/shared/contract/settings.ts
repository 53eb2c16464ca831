import { z } from 'zod';
import { SETTING_KEYS, settingChangeSchema, settingsValuesSchema } from '../settings';
import { defineEvent, defineRequest } from './define';
import { noInput } from './app';

export const settingKeySchema = z.enum(SETTING_KEYS as [string, ...string[]]);

export const settingsProblemSchema = z.object({
  /**
   * Where the bad value came from: the machine policy file, the Windows registry (Group Policy),
   * macOS managed preferences (a configuration profile), or the user's settings file.
   */
  source: z.enum(['registry', 'profile', 'policy', 'user']),
  /** The file (or registry key) that held it. */
  file: z.string(),
  /** The setting key, or null when the file as a whole could not be read. */
  key: z.string().nullable(),
  /** What kind of problem, for the UI to say in the user's language. */
  code: z.enum([
    'invalid_json',
    'invalid_plist',
    'invalid_registry_export',
    'not_an_object',
    'unknown_key',
    'invalid_value',
    'unreadable',
    'missing',
    'too_large',
    'insecure_permissions',
    /** A security-relevant key had no valid policy value: it is fixed at its safe value. */
    'fallback_applied',
  ]),
  /** The same in English with the technical detail, for the CLI and administrators. */
  message: z.string(),
});
export type SettingsProblem = z.infer<typeof settingsProblemSchema>;

export const policySourceStateSchema = z.object({
  kind: z.enum(['registry', 'profile', 'policy']),
  /** The file path or registry key. */
  location: z.string(),
  /** absent: nothing there; read: applied (its problems aside); failed: could not be read. */
  state: z.enum(['absent', 'read', 'failed']),
});
export type PolicySourceState = z.infer<typeof policySourceStateSchema>;

export const settingsSnapshotSchema = z.object({
  values: settingsValuesSchema,
  /** Keys fixed by machine policy: read-only in Settings. */
  locked: z.array(settingKeySchema),
  problems: z.array(settingsProblemSchema),
  /** The policy sources this installation reads, highest precedence first, and what each held. */
  policySources: z.array(policySourceStateSchema),
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
