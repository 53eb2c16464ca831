import type { SettingsProblem } from '../../shared/contract/settings';
import { describeIssues } from '../../shared/result';
import { isSettingKey, SETTINGS, type SettingsValues } from '../../shared/settings';

export interface ValidatedLayer {
  /** The keys that were valid, ready to lay over the defaults. */
  readonly values: Partial<SettingsValues>;
  readonly problems: SettingsProblem[];
  /** The parsed object as it was, kept so that writing back loses nothing we did not understand. */
  readonly raw: Record<string, unknown>;
}

/**
 * Reads a settings layer (the user's settings file or a machine policy file): flat JSON with one
 * property per setting key. Invalid or unknown keys are reported by name and left out; the rest
 * still applies.
 */
export function validateLayer(text: string, source: SettingsProblem['source'], file: string): ValidatedLayer {
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
  const raw = parsed as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const problems: SettingsProblem[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema') continue;
    if (!isSettingKey(key)) {
      problems.push({ source, file, key, code: 'unknown_key', message: 'unknown setting; ignored' });
      continue;
    }
    const checked = SETTINGS[key].schema.safeParse(value);
    if (checked.success) values[key] = checked.data;
    else
      problems.push({
        source,
        file,
        key,
        code: 'invalid_value',
        message: `${describeIssues(checked.error, 'value')}; ignored`,
      });
  }
  return { values: values as Partial<SettingsValues>, problems, raw };
}
