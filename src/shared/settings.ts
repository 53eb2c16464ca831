import { z } from 'zod';
import { formDefinitionSchema } from './intake/form';

/**
 * Every setting the console has, with its schema and default. Each key is also a policy key:
 * a machine policy that sets it fixes it, and Settings shows it as managed by the organisation.
 * Features add their keys here, so that settings, policy validation and (later) the generated
 * admin documentation all come from one place.
 */

export const LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const sipServerUrl = z
  .string()
  .trim()
  .max(512)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'expected a ws:// or wss:// URL');

const sipUri = z
  .string()
  .trim()
  .max(256)
  .refine(
    (value) => value === '' || /^sips?:[^@\s]+@[^@\s]+$/.test(value),
    'expected a SIP URI such as sip:1001@pbx.example',
  );

const pemCertificate = z
  .string()
  .max(16_384)
  .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, 'expected a PEM certificate');

/** An Electron accelerator such as CommandOrControl+Alt+A, or empty for none. */
const accelerator = z
  .string()
  .max(64)
  .regex(
    /^$|^(?:(?:CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+(?:[A-Z0-9]|F(?:[1-9]|1[0-9]|2[0-4])|Space|Enter|Backspace|Delete|Home|End|PageUp|PageDown|Up|Down|Left|Right|Plus|Minus)$/,
    'expected an accelerator such as CommandOrControl+Alt+A (or nothing)',
  );

export interface SettingDefinition<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly default: z.output<S>;
  readonly summary: string;
  /**
   * Set by machine policy only (who may see identified health data is the organisation's
   * decision, never the user's): a user's own value is ignored, and Settings cannot change it.
   */
  readonly policyOnly?: true;
  /**
   * Set by machine policy only, and never shown to a renderer (a key, not a preference): Settings
   * cannot change it, and snapshots carry the default in its place.
   */
  readonly policyOnlySecret?: true;
}

function setting<S extends z.ZodType>(
  schema: S,
  defaultValue: z.output<S>,
  summary: string,
  options: { readonly policyOnly?: true; readonly policyOnlySecret?: true } = {},
): SettingDefinition<S> {
  return { schema, default: defaultValue, summary, ...options };
}

/** The export formats (as in the reports contract; repeated here so settings need not import it). */
const EXPORT_FORMAT_VALUES = ['csv-de', 'csv-iso', 'xlsx'] as const;

export const SETTINGS = {
  'ui.language': setting(z.enum(LANGUAGES), 'de', 'Language of the user interface.'),
  'sip.servers': setting(
    z.array(sipServerUrl).max(8),
    [],
    'SIP servers (WebSocket URLs), in failover order. Empty means no account is set up.',
  ),
  'sip.uri': setting(sipUri, '', 'The agent line’s SIP address of record.'),
  'sip.authUser': setting(
    z.string().trim().max(128),
    '',
    'User name for digest authentication, if different from the URI user.',
  ),
  'sip.displayName': setting(z.string().trim().max(128), '', 'Display name sent with outgoing calls.'),
  'sip.registrationExpiry': setting(z.number().int().min(60).max(86_400), 600, 'Registration expiry in seconds.'),
  'audio.microphoneId': setting(z.string().max(256), '', 'The microphone (device id; empty: the system default).'),
  'audio.speakerId': setting(
    z.string().max(256),
    '',
    'Where the caller is heard (device id; empty: the system default).',
  ),
  'audio.ringDeviceId': setting(
    z.string().max(256),
    '',
    'Where the ringtone plays (device id; empty: the system default).',
  ),
  'shortcuts.answer': setting(
    accelerator,
    'CommandOrControl+Alt+A',
    'Global shortcut (any application in front): answer the ringing call. Empty: none.',
  ),
  'shortcuts.hangup': setting(accelerator, 'CommandOrControl+Alt+E', 'Global shortcut: hang up.'),
  'shortcuts.mute': setting(accelerator, 'CommandOrControl+Alt+M', 'Global shortcut: mute or unmute.'),
  'shortcuts.hold': setting(accelerator, 'CommandOrControl+Alt+H', 'Global shortcut: hold or resume.'),
  'calls.wrapUpSeconds': setting(
    z.number().int().min(0).max(3_600),
    30,
    'After-call work after each answered call, in seconds; incoming calls are declined with 486 meanwhile (0: none).',
  ),
  'retention.days': setting(
    z.number().int().min(1).max(3_650),
    28,
    'Days after a call when its personal and health fields are erased from the call log (the anonymous row stays for statistics).',
  ),
  'retention.auditDays': setting(
    z.number().int().min(365).max(3_650),
    730,
    'Days the audit log keeps its entries; older ones are removed, with an anchor that keeps the chain verifiable, and every removal is itself audited.',
  ),
  'intake.form': setting(
    formDefinitionSchema.nullable(),
    null,
    'The intake form definition (JSON, as in assets/intake/public-health.json); null: the default public-health form.',
  ),
  'privacy.role': setting(
    z.enum(['agent', 'team_lead']),
    'agent',
    'Who works at this console: a team lead answers data-subject requests (find, export and erase a caller’s records) and may make identified exports. Policy only; privacy.teamLeads, when set, decides instead.',
    { policyOnly: true },
  ),
  'sip.pingIntervalSeconds': setting(
    z.number().int().min(1).max(300),
    10,
    'How often a SIP OPTIONS ping checks that the server still answers; a silent connection is dropped after a missed ping.',
  ),
  'headset.enabled': setting(
    z.boolean(),
    true,
    'Use a USB headset’s call buttons and lights (HID): hook answers and hangs up, mute, hold; the lights follow the calls.',
  ),
  'headset.device': setting(
    z
      .string()
      .max(160)
      .regex(
        /^$|^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(?::\P{Cc}{1,150})?$/u,
        'expected VVVV:PPPP or VVVV:PPPP:serial (USB vendor and product ID in hexadecimal), or nothing for automatic',
      ),
    '',
    'The headset to use, by USB IDs and optionally its serial number (VVVV:PPPP or VVVV:PPPP:serial); empty: the first headset with call control.',
  ),
  'reports.directory': setting(
    z
      .string()
      .trim()
      .max(1_000)
      .regex(
        /^$|^\/|^[A-Za-z]:[\\/]|^\\\\/,
        'expected an absolute folder path (/srv/exports, C:\\Exports or \\\\server\\share), or nothing for the default',
      ),
    '',
    'Where exports are written (an absolute folder path, e.g. a share for team leads); empty: "exports" in the data directory (not Documents: it is often synced to a cloud drive).',
  ),
  'reports.formats': setting(
    z.array(z.enum(EXPORT_FORMAT_VALUES)).min(1).max(EXPORT_FORMAT_VALUES.length),
    [...EXPORT_FORMAT_VALUES],
    'The export formats offered: csv-de (Excel, German), csv-iso (CSV, ISO 8601, UTC), xlsx.',
  ),
  'reports.pseudonymKey': setting(
    z.union([
      z.literal(''),
      z
        .string()
        .regex(/^[A-Za-z0-9+/_-]{43,}={0,2}$/, 'expected at least 32 random bytes in Base64 (openssl rand -base64 32)'),
    ]),
    '',
    'The organisation’s pseudonym key for caller_ref in exports (Base64, at least 32 random bytes), the same on every laptop so that repeat callers can be counted across them; empty: each installation uses its own, and its exports cannot be linked with other laptops. Policy only.',
    { policyOnlySecret: true },
  ),
  'privacy.teamLeads': setting(
    z.array(z.string().trim().min(1).max(256)).max(200),
    [],
    'Who is a team lead (identified exports, data-subject requests): OS account names, or "group:NAME" for members of an OS group (Linux, macOS). Policy only. When set, it decides, and privacy.role is not asked.',
    { policyOnly: true },
  ),
  'sip.extraCaCertificates': setting(
    z.array(pemCertificate).max(16),
    [],
    'Extra CA certificates (PEM) trusted for wss:// servers, in addition to the operating system’s store.',
  ),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;
export type SettingsValues = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** The keys a renderer never sees the value of (policy-only secrets). */
export const SECRET_SETTING_KEYS = SETTING_KEYS.filter(
  (key) => (SETTINGS[key] as SettingDefinition).policyOnlySecret === true,
);

/** The keys only machine policy sets (a user's value is ignored; Settings shows them read-only). */
export const POLICY_ONLY_SETTING_KEYS = SETTING_KEYS.filter((key) => {
  const definition = SETTINGS[key] as SettingDefinition;
  return definition.policyOnly === true || definition.policyOnlySecret === true;
});

export function defaultSettings(): SettingsValues {
  const entries = SETTING_KEYS.map((key) => [key, structuredClone(SETTINGS[key].default)] as const);
  return Object.fromEntries(entries) as SettingsValues;
}

const settingsShape = Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key].schema])) as {
  [K in SettingKey]: (typeof SETTINGS)[K]['schema'];
};

export const settingsValuesSchema = z.object(settingsShape);

export type SettingChange = { [K in SettingKey]: { key: K; value: SettingValue<K> } }[SettingKey];

const [firstKey, ...otherKeys] = SETTING_KEYS.map((key) =>
  z.strictObject({ key: z.literal(key), value: SETTINGS[key].schema }),
);

/**
 * `{key, value}` for one setting, validated against that key's own schema. The runtime schema is
 * built from the registry, so its static type is stated here rather than inferred.
 */
export const settingChangeSchema = z.discriminatedUnion('key', [
  firstKey!,
  ...otherKeys,
]) as unknown as z.ZodType<SettingChange>;

/** True when enough is set to try a registration: a server and an address of record. */
export function hasSipAccount(values: Pick<SettingsValues, 'sip.servers' | 'sip.uri'>): boolean {
  return values['sip.servers'].length > 0 && values['sip.uri'] !== '';
}
