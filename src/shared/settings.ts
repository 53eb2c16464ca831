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
    (value) => value === '' || /^sips?:[^@\s]+@[^@\s]+$/.test(value) || /^[^@\s:;]+$/.test(value),
    'expected a SIP URI such as sip:1001@pbx.example (or just the extension, with sip.domain set)',
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
  /** A value for the generated admin documentation (docs/policy.md, ADMX): what IT would write. */
  readonly example: z.output<S>;
  /**
   * Security-relevant keys: when a policy sets this key to an invalid value (and no other policy
   * source sets a valid one), the key is fixed at this value, never left to the user's choice.
   * An invalid retention period keeps the default purge; it never means "keep forever".
   */
  readonly policyFallback?: z.output<S>;
  /**
   * A user may only make this stricter than the organisation's value (the policy's, else the
   * default): `lower` for a number where less is stricter (retention), or the values from the
   * loosest to the strictest. The effective value is the stricter of the user's and that one.
   */
  readonly stricterOnly?: StricterOrder;
}

/** How a stricter-only setting orders its values: a smaller number, or this list (loosest first). */
export type StricterOrder = 'lower' | readonly string[];

interface SettingOptions<S extends z.ZodType> {
  readonly example: z.output<S>;
  readonly policyOnly?: true;
  readonly policyOnlySecret?: true;
  readonly policyFallback?: z.output<S>;
  readonly stricterOnly?: StricterOrder;
}

function setting<S extends z.ZodType>(
  schema: S,
  defaultValue: z.output<S>,
  summary: string,
  options: SettingOptions<S>,
): SettingDefinition<S> {
  return { schema, default: defaultValue, summary, ...options };
}

/** The export formats (as in the reports contract; repeated here so settings need not import it). */
const EXPORT_FORMAT_VALUES = ['csv-de', 'csv-iso', 'xlsx'] as const;

export const SIP_TRANSPORTS = ['ws-or-wss', 'wss'] as const;
/** What an incoming call's OS notification may show of the caller. */
export const NOTIFICATION_CALLER_DETAILS = ['none', 'number', 'name_and_number'] as const;
export type NotificationCallerDetails = (typeof NOTIFICATION_CALLER_DETAILS)[number];
export const UPDATE_MODES = ['off', 'notify', 'auto'] as const;
export type UpdateMode = (typeof UPDATE_MODES)[number];
/** The log levels (as in main's logger; repeated here so settings need not import main). */
const LOG_LEVEL_VALUES = ['error', 'warn', 'info', 'debug'] as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An update server: https, or http on this machine only (a test server); empty for none. */
function isUpdateUrl(value: string): boolean {
  if (value === '') return true;
  try {
    const url = new URL(value);
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}

export const SETTINGS = {
  'ui.language': setting(
    z.enum(LANGUAGES),
    'de',
    'Language of the user interface. Set by policy, it is locked for every user of the machine.',
    { example: 'de' },
  ),
  'sip.servers': setting(
    z.array(sipServerUrl).max(8),
    [],
    'SIP servers (WebSocket URLs), in failover order. Empty means no account is set up.',
    { example: ['wss://pbx1.example.org:8089/ws', 'wss://pbx2.example.org:8089/ws'], policyFallback: [] },
  ),
  'sip.domain': setting(
    z
      .string()
      .trim()
      .max(253)
      .regex(
        /^$|^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
        'expected a domain name such as pbx.example.org (or nothing)',
      ),
    '',
    'The SIP domain of the agents’ addresses. When set, an agent enters only the extension (1001 becomes sip:1001@domain), and an address in another domain is not used.',
    { example: 'pbx.example.org', policyFallback: '' },
  ),
  'sip.transport': setting(
    z.enum(SIP_TRANSPORTS),
    'ws-or-wss',
    'wss: only encrypted servers (wss://) are used, ws:// ones are left out. ws-or-wss: each server’s URL decides. A user may only choose wss.',
    { example: 'wss', policyFallback: 'wss', stricterOnly: SIP_TRANSPORTS },
  ),
  'sip.uri': setting(
    sipUri,
    '',
    'The agent line’s SIP address of record, or just the extension when sip.domain is set.',
    {
      example: 'sip:1001@pbx.example.org',
    },
  ),
  'sip.authUser': setting(
    z.string().trim().max(128),
    '',
    'User name for digest authentication, if different from the URI user.',
    { example: '1001' },
  ),
  'sip.displayName': setting(z.string().trim().max(128), '', 'Display name sent with outgoing calls.', {
    example: 'Gesundheitsamt Hotline',
  }),
  'sip.registrationExpiry': setting(z.number().int().min(60).max(86_400), 600, 'Registration expiry in seconds.', {
    example: 300,
  }),
  'audio.microphoneId': setting(z.string().max(256), '', 'The microphone (device id; empty: the system default).', {
    example: '',
  }),
  'audio.speakerId': setting(
    z.string().max(256),
    '',
    'Where the caller is heard (device id; empty: the system default).',
    { example: '' },
  ),
  'audio.ringDeviceId': setting(
    z.string().max(256),
    '',
    'Where the ringtone plays (device id; empty: the system default).',
    { example: '' },
  ),
  'shortcuts.answer': setting(
    accelerator,
    'CommandOrControl+Alt+A',
    'Global shortcut (any application in front): answer the ringing call. Empty: none.',
    { example: 'CommandOrControl+Alt+A' },
  ),
  'shortcuts.hangup': setting(accelerator, 'CommandOrControl+Alt+E', 'Global shortcut: hang up.', {
    example: 'CommandOrControl+Alt+E',
  }),
  'shortcuts.mute': setting(accelerator, 'CommandOrControl+Alt+M', 'Global shortcut: mute or unmute.', {
    example: 'CommandOrControl+Alt+M',
  }),
  'shortcuts.hold': setting(accelerator, 'CommandOrControl+Alt+H', 'Global shortcut: hold or resume.', {
    example: 'CommandOrControl+Alt+H',
  }),
  'calls.wrapUpSeconds': setting(
    z.number().int().min(0).max(3_600),
    30,
    'After-call work after each answered call, in seconds; incoming calls are declined with 486 meanwhile (0: none).',
    { example: 60 },
  ),
  'retention.days': setting(
    z.number().int().min(1).max(3_650),
    28,
    'Days after a call when its personal and health fields are erased from the call log (the anonymous row stays for statistics); the console’s own export files are removed this long after they were written. A user may only choose fewer days.',
    { example: 14, policyFallback: 28, stricterOnly: 'lower' },
  ),
  'retention.auditDays': setting(
    z.number().int().min(365).max(3_650),
    730,
    'Days the audit log keeps its entries; older ones are removed, with an anchor that keeps the chain verifiable, and every removal is itself audited. Policy only (a shorter audit is weaker accountability).',
    { example: 1_095, policyFallback: 730, policyOnly: true },
  ),
  'intake.form': setting(
    formDefinitionSchema.nullable(),
    null,
    'The intake form definition (JSON, as in assets/intake/public-health.json); null: the default public-health form. Policy only: the form’s tags decide what retention and erasure remove.',
    { example: null, policyFallback: null, policyOnly: true },
  ),
  'privacy.role': setting(
    z.enum(['agent', 'team_lead']),
    'agent',
    'Who works at this console: a team lead answers data-subject requests (find, export and erase a caller’s records) and may make identified exports. Policy only; privacy.teamLeads, when set, decides instead.',
    { example: 'agent', policyOnly: true, policyFallback: 'agent' },
  ),
  'privacy.notificationCaller': setting(
    z.enum(NOTIFICATION_CALLER_DETAILS),
    'none',
    'What the operating system’s “incoming call” notification shows of the caller: none (the default: the notification history lies outside the encrypted call log), number, or name_and_number. Policy only.',
    { example: 'none', policyOnly: true, policyFallback: 'none' },
  ),
  'sip.pingIntervalSeconds': setting(
    z.number().int().min(1).max(300),
    10,
    'How often a SIP OPTIONS ping checks that the server still answers; a silent connection is dropped after a missed ping.',
    { example: 10 },
  ),
  'headset.enabled': setting(
    z.boolean(),
    true,
    'Use a USB headset’s call buttons and lights (HID): hook answers and hangs up, mute, hold; the lights follow the calls.',
    { example: true },
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
    { example: '0b0e:245e' },
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
    'Where exports are written (an absolute folder path, e.g. a share for team leads); empty: "exports" in the data directory (not Documents: it is often synced to a cloud drive). Policy only.',
    { example: '\\\\fs01\\hotline\\exports', policyFallback: '', policyOnly: true },
  ),
  'reports.formats': setting(
    z.array(z.enum(EXPORT_FORMAT_VALUES)).min(1).max(EXPORT_FORMAT_VALUES.length),
    [...EXPORT_FORMAT_VALUES],
    'The export formats offered: csv-de (Excel, German), csv-iso (CSV, ISO 8601, UTC), xlsx.',
    { example: ['xlsx', 'csv-de'] },
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
    { example: 'q0Vn3C6xKJrA8yqfXQmV1t2vCz3kP8sWn4hLr9bYd2E=', policyOnlySecret: true, policyFallback: '' },
  ),
  'privacy.teamLeads': setting(
    z.array(z.string().trim().min(1).max(256)).max(200),
    [],
    'Who is a team lead (identified exports, data-subject requests): OS account names (KREIS\\mueller), or "group:NAME" for members of an OS group (Linux and macOS: the group name; Windows: DOMAIN\\group, the group name or its SID). Policy only. When set, it decides, and privacy.role is not asked.',
    { example: ['KREIS\\mueller', 'group:hotline-leads'], policyOnly: true, policyFallback: [] },
  ),
  'sip.extraCaCertificates': setting(
    z.array(pemCertificate).max(16),
    [],
    'Extra CA certificates (PEM) trusted for wss:// servers, in addition to the operating system’s store. Policy only (a CA the agent adds could read every call’s signalling).',
    {
      example: ['-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n'],
      policyFallback: [],
      policyOnly: true,
    },
  ),
  'updates.mode': setting(
    z.enum(UPDATE_MODES),
    'notify',
    'off: no update request at all. notify: the console looks for a new version at updates.url and tells the agent. auto: it also downloads and installs it at the next restart — only where the agent may update the app (AppImage, per-user installs); per-machine installs (NSIS per machine, MSI, deb) are updated by IT, so there auto acts as notify. Policy only.',
    // An invalid mode (Group Policy's "Off") must not mean requests: off.
    { example: 'notify', policyOnly: true, policyFallback: 'off' },
  ),
  'updates.url': setting(
    z
      .string()
      .trim()
      .max(1_000)
      .refine(isUpdateUrl, 'expected an https:// URL (http:// only on this machine: localhost), or nothing'),
    '',
    'The internal update server (electron-updater’s generic provider: the folder with latest.yml, latest-linux.yml and latest-mac.yml). Empty: no update request. Policy only.',
    // Policy only: an agent who could name the server could have the console install anything.
    { example: 'https://updates.example.org/hotline-desk/', policyOnly: true, policyFallback: '' },
  ),
  'log.level': setting(
    z.enum(LOG_LEVEL_VALUES),
    'info',
    'How much the console logs (error, warn, info, debug). Logs never hold personal data, passwords or keys at any level (debug adds events, never the text of error messages).',
    { example: 'info', policyFallback: 'info' },
  ),
  'security.requireProtectedSecrets': setting(
    z.boolean(),
    false,
    'true: the call log’s key and the SIP password must be kept by the operating system’s keystore (DPAPI, Keychain, the Secret Service or KWallet). Where there is none (a Linux machine without a keyring, Electron’s basic_text), the call log refuses to open and no SIP password is stored, each with a message that says why. Policy only.',
    { example: true, policyOnly: true, policyFallback: true },
  ),
  'security.recoveryPublicKey': setting(
    z
      .string()
      .max(16_384)
      .regex(
        /^$|^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/,
        'expected an RSA public key in PEM (-----BEGIN PUBLIC KEY-----), or nothing',
      ),
    '',
    'The organisation’s recovery public key (RSA, at least 3072 bits, PEM). When set, the call log’s database key is also stored encrypted to it, so that IT can recover a log after a lost OS profile with the private key. Policy only.',
    {
      example: '-----BEGIN PUBLIC KEY-----\nMIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA…\n-----END PUBLIC KEY-----\n',
      policyOnly: true,
      policyFallback: '',
    },
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

/** The keys a user may only make stricter (retention.days, sip.transport). */
export const STRICTER_ONLY_SETTING_KEYS = SETTING_KEYS.filter(
  (key) => (SETTINGS[key] as SettingDefinition).stricterOnly !== undefined,
);

/** How strict a value is under its order: a higher rank is stricter. */
function strictness(order: StricterOrder, value: unknown): number {
  if (order === 'lower') return -Number(value);
  return order.indexOf(String(value));
}

/** Whether `value` is at least as strict as `bound` for this stricter-only key (true for other keys). */
export function isAtLeastAsStrict(key: SettingKey, value: unknown, bound: unknown): boolean {
  const order = (SETTINGS[key] as SettingDefinition).stricterOnly;
  return order === undefined || strictness(order, value) >= strictness(order, bound);
}

/** The stricter of two values of a stricter-only key. */
export function stricterOf<K extends SettingKey>(key: K, a: SettingValue<K>, b: SettingValue<K>): SettingValue<K> {
  return isAtLeastAsStrict(key, a, b) ? a : b;
}

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

type SipAddressValues = Pick<SettingsValues, 'sip.servers' | 'sip.uri' | 'sip.domain' | 'sip.transport'>;

/** The host of a SIP URI (sip:1001@pbx.example.org:5060;transport=ws → pbx.example.org). */
function sipUriHost(uri: string): string {
  const host = uri.slice(uri.indexOf('@') + 1);
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(/[:;?>]/)[0] ?? '';
}

/**
 * The address of record to register: sip.uri as written, or the extension in sip.domain. Null
 * when there is none, or when it lies outside the domain the organisation set.
 */
export function addressOfRecord(values: Pick<SettingsValues, 'sip.uri' | 'sip.domain'>): string | null {
  const uri = values['sip.uri'];
  const domain = values['sip.domain'];
  if (uri === '') return null;
  if (!/^sips?:/.test(uri)) return domain === '' ? null : `sip:${uri}@${domain}`;
  if (domain !== '' && sipUriHost(uri).toLowerCase() !== domain.toLowerCase()) return null;
  return uri;
}

/** The servers to use: with sip.transport = wss, unencrypted ws:// servers are left out. */
export function usableSipServers(values: Pick<SettingsValues, 'sip.servers' | 'sip.transport'>): string[] {
  const servers = values['sip.servers'];
  return values['sip.transport'] === 'wss' ? servers.filter((server) => /^wss:/i.test(server)) : [...servers];
}

/** True when enough is set to try a registration: a usable server and an address of record. */
export function hasSipAccount(values: SipAddressValues): boolean {
  return usableSipServers(values).length > 0 && addressOfRecord(values) !== null;
}
