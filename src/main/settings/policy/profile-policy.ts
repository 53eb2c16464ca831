import type { SettingsProblem } from '../../../shared/contract/settings';
import { isSettingKey, type SettingKey } from '../../../shared/settings';
import type { PlistValue } from './plist';
import type { DecodedPolicy } from './registry-policy';
import { settingKind } from './value-kinds';

/** The app id (electron-builder.yml appId): macOS names managed preferences after it. */
export const PREFERENCES_DOMAIN = 'de.hotline-desk.console';

/** Keys macOS or the MDM add to a managed preferences file; not ours, not worth a warning. */
const FOREIGN_KEY = /^(Payload|mcx_|PolicyTimestamp$)/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plist value as JSON; dates, data and huge integers have no place in our settings. */
function toJson(value: PlistValue, path: string): Json {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      throw new Error(`${path}: the integer is too large`);
    return Number(value);
  }
  if (value instanceof Date) throw new Error(`${path}: a date is not a valid value here`);
  if (value instanceof Uint8Array) throw new Error(`${path}: data is not a valid value here`);
  if (Array.isArray(value)) return value.map((item, index) => toJson(item, `${path}[${index}]`));
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) out[key] = toJson(item, `${path}.${key}`);
  return out;
}

type PlistDict = { [key: string]: PlistValue };

function isDict(value: PlistValue | undefined): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/**
 * The settings a configuration profile (.mobileconfig) holds for this app: a custom-settings
 * payload (com.apple.ManagedClient.preferences → domain → Forced → mcx_preference_settings) or
 * a payload of the app's own type. For `policy check` on the profile IT is about to upload;
 * macOS itself turns either into the managed preferences file. Null when there are none.
 */
function profileSettings(payloads: PlistValue[]): PlistDict | null {
  let found: PlistDict | null = null;
  for (const payload of payloads) {
    if (!isDict(payload)) continue;
    if (payload.PayloadType === PREFERENCES_DOMAIN) found = { ...(found ?? {}), ...payload };
    if (payload.PayloadType !== 'com.apple.ManagedClient.preferences' || !isDict(payload.PayloadContent)) continue;
    const domain = payload.PayloadContent[PREFERENCES_DOMAIN];
    const forced = isDict(domain) && Array.isArray(domain.Forced) ? domain.Forced : [];
    for (const entry of forced)
      if (isDict(entry) && isDict(entry.mcx_preference_settings))
        found = { ...(found ?? {}), ...entry.mcx_preference_settings };
  }
  return found;
}

/**
 * A managed preferences plist (the dictionary a configuration profile's payload holds), by
 * setting key. Values are native plist types; a string holding JSON is also accepted where the
 * setting is a list or an object, as in the registry.
 */
export function plistToPolicy(root: PlistValue, location: string): DecodedPolicy {
  const problems: SettingsProblem[] = [];
  const invalidKeys: SettingKey[] = [];
  const raw: Record<string, unknown> = {};
  if (
    typeof root !== 'object' ||
    root === null ||
    Array.isArray(root) ||
    root instanceof Date ||
    root instanceof Uint8Array
  ) {
    problems.push({
      source: 'profile',
      file: location,
      key: null,
      code: 'not_an_object',
      message: 'expected a dictionary with one entry per setting',
    });
    return { raw, problems, invalidKeys };
  }
  const settings = Array.isArray(root.PayloadContent) ? profileSettings(root.PayloadContent) : root;
  if (settings === null) {
    problems.push({
      source: 'profile',
      file: location,
      key: null,
      code: 'not_an_object',
      message: `a configuration profile without settings for ${PREFERENCES_DOMAIN} (expected a com.apple.ManagedClient.preferences payload or a payload of type ${PREFERENCES_DOMAIN})`,
    });
    return { raw, problems, invalidKeys };
  }
  for (const [key, value] of Object.entries(settings)) {
    if (FOREIGN_KEY.test(key)) continue;
    if (!isSettingKey(key)) {
      raw[key] = null;
      continue;
    }
    try {
      const json = toJson(value, 'value');
      const kind = settingKind(key);
      if (typeof json === 'string' && (kind === 'json' || kind === 'string-list')) raw[key] = JSON.parse(json);
      else raw[key] = json;
    } catch (error) {
      invalidKeys.push(key);
      problems.push({
        source: 'profile',
        file: location,
        key,
        code: 'invalid_value',
        message: `${error instanceof Error ? error.message : 'unreadable'}; ignored`,
      });
    }
  }
  return { raw, problems, invalidKeys };
}
