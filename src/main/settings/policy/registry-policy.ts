import type { SettingsProblem } from '../../../shared/contract/settings';
import { isSettingKey, type SettingKey } from '../../../shared/settings';
import type { RegistryExport, RegistryValue } from './registry-export';
import { settingKind, type SettingKind } from './value-kinds';

export interface DecodedPolicy {
  /** Each value as the JSON it stands for, to be checked against the settings schema. */
  readonly raw: Record<string, unknown>;
  readonly problems: SettingsProblem[];
  /** Keys whose stored value could not even be decoded (wrong type, broken JSON). */
  readonly invalidKeys: SettingKey[];
}

type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

function parseJson(text: string, what: string): Decoded {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      reason: `expected ${what} as JSON text: ${error instanceof Error ? error.message : 'unreadable'}`,
    };
  }
}

/**
 * A registry value as the JSON it stands for. Nested values (the server list, the intake form)
 * are JSON text in REG_SZ; lists may also be REG_MULTI_SZ (one entry per line, as ADMX writes
 * them); numbers are REG_DWORD, booleans REG_DWORD 0 or 1.
 */
export function decodeRegistryValue(kind: SettingKind, value: RegistryValue): Decoded {
  const found = `found ${value.type}`;
  switch (kind) {
    case 'string':
      if (value.type === 'REG_SZ' || value.type === 'REG_EXPAND_SZ') return { ok: true, value: value.value };
      // A text over several lines (a PEM key) comes from a multi-line box: its lines, rejoined.
      if (value.type === 'REG_MULTI_SZ') return { ok: true, value: `${value.value.join('\n')}\n` };
      return { ok: false, reason: `expected REG_SZ, ${found}` };
    case 'integer':
      if (value.type === 'REG_DWORD') return { ok: true, value: value.value };
      if (value.type === 'REG_QWORD')
        return value.value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? { ok: true, value: Number(value.value) }
          : { ok: false, reason: 'the REG_QWORD is too large' };
      if (value.type === 'REG_SZ' && /^\s*-?\d{1,15}\s*$/.test(value.value))
        return { ok: true, value: Number(value.value) };
      return { ok: false, reason: `expected REG_DWORD, ${found}` };
    case 'boolean':
      if (value.type === 'REG_DWORD' && (value.value === 0 || value.value === 1))
        return { ok: true, value: value.value === 1 };
      if (value.type === 'REG_SZ' && /^(true|false)$/i.test(value.value.trim()))
        return { ok: true, value: value.value.trim().toLowerCase() === 'true' };
      return {
        ok: false,
        reason: `expected REG_DWORD 0 or 1, ${found}${value.type === 'REG_DWORD' ? ` ${value.value}` : ''}`,
      };
    case 'string-list':
      if (value.type === 'REG_MULTI_SZ') return { ok: true, value: value.value.filter((line) => line !== '') };
      if (value.type === 'REG_SZ') return parseJson(value.value, 'a list');
      return { ok: false, reason: `expected REG_MULTI_SZ or a JSON list in REG_SZ, ${found}` };
    case 'json':
      if (value.type === 'REG_SZ') return parseJson(value.value, 'a value');
      if (value.type === 'REG_MULTI_SZ') return parseJson(value.value.join('\n'), 'a value');
      return { ok: false, reason: `expected JSON text in REG_SZ or REG_MULTI_SZ, ${found}` };
  }
}

/** The values under HKLM\SOFTWARE\Policies\HotlineDesk, by setting key (value names are the keys). */
export function registryToPolicy(exported: RegistryExport, location: string): DecodedPolicy {
  const raw: Record<string, unknown> = {};
  const problems: SettingsProblem[] = [];
  const invalidKeys: SettingKey[] = [];
  for (const value of exported.values) {
    if (value.name === '') continue; // The key's default value: Group Policy never writes it.
    if (!isSettingKey(value.name)) {
      raw[value.name] = null; // Reported as an unknown setting by the validation that follows.
      continue;
    }
    const decoded = decodeRegistryValue(settingKind(value.name), value);
    if (decoded.ok) raw[value.name] = decoded.value;
    else {
      invalidKeys.push(value.name);
      problems.push({
        source: 'registry',
        file: location,
        key: value.name,
        code: 'invalid_value',
        message: `${decoded.reason}; ignored`,
      });
    }
  }
  for (const subkey of exported.subkeys)
    problems.push({
      source: 'registry',
      file: `${location}\\${subkey}`,
      key: null,
      code: 'unknown_key',
      message: 'subkeys are not read (every value goes directly under the policy key); ignored',
    });
  return { raw, problems, invalidKeys };
}
