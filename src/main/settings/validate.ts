import type { SettingsProblem } from '../../shared/contract/settings';
import { describeIssues } from '../../shared/result';
import { isSettingKey, SETTINGS, type SettingKey, type SettingsValues } from '../../shared/settings';
import { checkRecoveryPublicKey } from './recovery-key-check';

export interface ValidatedLayer {
  /** The keys that were valid, ready to lay over the defaults. */
  readonly values: Partial<SettingsValues>;
  readonly problems: SettingsProblem[];
  /** The parsed object as it was, kept so that writing back loses nothing we did not understand. */
  readonly raw: Record<string, unknown>;
  /** Keys present with a value that was refused (a policy's strict fallback may apply to them). */
  readonly invalidKeys?: readonly SettingKey[];
}

type Source = SettingsProblem['source'];

/** Checks that need main's own modules (node:crypto), beyond the shared schema. */
const MAIN_CHECKS: Partial<Record<SettingKey, (value: unknown) => string | null>> = {
  'security.recoveryPublicKey': (value) => (typeof value === 'string' ? checkRecoveryPublicKey(value) : null),
};

/**
 * Reads a settings layer (the user's settings file or a machine policy file): flat JSON with one
 * property per setting key. Invalid or unknown keys are reported by name and left out; the rest
 * still applies.
 */
export function validateLayer(text: string, source: Source, file: string): ValidatedLayer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unreadable';
    return {
      values: {},
      raw: {},
      problems: [{ source, file, key: null, code: 'invalid_json', message: `not valid JSON: ${reason}` }],
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      values: {},
      raw: {},
      problems: [
        {
          source,
          file,
          key: null,
          code: 'not_an_object',
          message: 'expected a JSON object with one property per setting',
        },
      ],
    };
  }
  return validateObject(parsed as Record<string, unknown>, source, file);
}

/**
 * Validates one layer's values, key by key, against the settings registry (the one schema every
 * source shares: JSON files, the Windows registry, macOS managed preferences).
 */
export function validateObject(
  raw: Record<string, unknown>,
  source: Source,
  file: string,
  earlier: { readonly problems?: readonly SettingsProblem[]; readonly invalidKeys?: readonly SettingKey[] } = {},
): ValidatedLayer {
  const values: Record<string, unknown> = {};
  const problems: SettingsProblem[] = [...(earlier.problems ?? [])];
  const invalidKeys: SettingKey[] = [...(earlier.invalidKeys ?? [])];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema') continue;
    if (!isSettingKey(key)) {
      problems.push({ source, file, key, code: 'unknown_key', message: 'unknown setting; ignored' });
      continue;
    }
    const checked = SETTINGS[key].schema.safeParse(value);
    const extra = checked.success ? (MAIN_CHECKS[key]?.(checked.data) ?? null) : null;
    if (checked.success && extra === null) {
      values[key] = checked.data;
      continue;
    }
    invalidKeys.push(key);
    problems.push({
      source,
      file,
      key,
      code: 'invalid_value',
      message: `${checked.success ? extra : describeIssues(checked.error, 'value')}; ignored`,
    });
  }
  return { values: values as Partial<SettingsValues>, problems, raw, invalidKeys };
}
