import { SETTINGS, type SettingKey } from '../../../shared/settings';

/**
 * How a setting's value is written where a policy store has only a few types (the Windows
 * registry; ADMX): strings, whole numbers, booleans, lists of strings, or JSON for the rest.
 */
export type SettingKind = 'string' | 'integer' | 'boolean' | 'string-list' | 'json';

/** Derived from the key's example (every setting has one), so the registry needs no second table. */
export function settingKind(key: SettingKey): SettingKind {
  const example: unknown = SETTINGS[key].example;
  if (typeof example === 'string') return 'string';
  if (typeof example === 'number') return 'integer';
  if (typeof example === 'boolean') return 'boolean';
  if (Array.isArray(example) && example.length > 0 && example.every((item) => typeof item === 'string'))
    return 'string-list';
  return 'json';
}
