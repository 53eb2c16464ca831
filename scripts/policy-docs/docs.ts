import { z } from 'zod';
import { SETTINGS, SETTING_KEYS, type SettingDefinition, type SettingKey } from '../../src/shared/settings';
import { PREFERENCES_DOMAIN } from '../../src/main/settings/policy/profile-policy';
import { DEFAULT_POLICY_KEY } from '../../src/main/settings/policy/registry-export';
import { SETTING_SUMMARIES_DE } from './summaries-de';
import { settingKind } from '../../src/main/settings/policy/value-kinds';

/**
 * The admin documentation of the machine policy, rendered from SETTINGS: docs/policy.md and the
 * Group Policy templates (docs/admx). Pure functions, no I/O: scripts/generate-policy-docs.ts
 * writes the files, and a unit test checks that the committed ones are what these render now.
 */

export type AdmlLanguage = 'en-US' | 'de-DE';

type Lang = 'en' | 'de';

interface Text {
  readonly en: string;
  readonly de: string;
}

/** The groups of docs/policy.md and the ADMX subcategories, in this order; keys are `prefix.name`. */
const CATEGORIES: readonly { readonly prefix: string; readonly title: Text }[] = [
  { prefix: 'ui', title: { en: 'User interface', de: 'Benutzeroberfläche' } },
  { prefix: 'sip', title: { en: 'SIP telephony', de: 'SIP-Telefonie' } },
  { prefix: 'audio', title: { en: 'Audio devices', de: 'Audiogeräte' } },
  { prefix: 'shortcuts', title: { en: 'Keyboard shortcuts', de: 'Tastenkürzel' } },
  { prefix: 'calls', title: { en: 'Calls', de: 'Anrufe' } },
  { prefix: 'retention', title: { en: 'Retention', de: 'Aufbewahrung' } },
  { prefix: 'intake', title: { en: 'Intake form', de: 'Aufnahmeformular' } },
  { prefix: 'privacy', title: { en: 'Privacy and roles', de: 'Datenschutz und Rollen' } },
  { prefix: 'headset', title: { en: 'Headset', de: 'Headset' } },
  { prefix: 'reports', title: { en: 'Reports and exports', de: 'Berichte und Exporte' } },
  { prefix: 'updates', title: { en: 'Updates', de: 'Aktualisierungen' } },
  { prefix: 'log', title: { en: 'Logging', de: 'Protokollierung' } },
  { prefix: 'security', title: { en: 'Security', de: 'Sicherheit' } },
];

/** Short titles: the policy names in the Group Policy editor (a Record, so every key has one). */
const TITLES: Record<SettingKey, Text> = {
  'ui.language': { en: 'Language of the user interface', de: 'Sprache der Benutzeroberfläche' },
  'sip.servers': { en: 'SIP servers', de: 'SIP-Server' },
  'sip.domain': { en: 'SIP domain', de: 'SIP-Domäne' },
  'sip.transport': { en: 'SIP transport (encryption)', de: 'SIP-Transport (Verschlüsselung)' },
  'sip.uri': { en: 'SIP address of the line', de: 'SIP-Adresse der Leitung' },
  'sip.authUser': { en: 'SIP authentication user name', de: 'Benutzername für die SIP-Anmeldung' },
  'sip.displayName': { en: 'Display name', de: 'Anzeigename' },
  'sip.registrationExpiry': {
    en: 'SIP registration expiry (seconds)',
    de: 'Gültigkeitsdauer der SIP-Registrierung (Sekunden)',
  },
  'audio.microphoneId': { en: 'Microphone', de: 'Mikrofon' },
  'audio.speakerId': { en: 'Speaker for the call', de: 'Lautsprecher für das Gespräch' },
  'audio.ringDeviceId': { en: 'Device for the ringtone', de: 'Gerät für den Klingelton' },
  'shortcuts.answer': { en: 'Shortcut: answer', de: 'Tastenkürzel: Annehmen' },
  'shortcuts.hangup': { en: 'Shortcut: hang up', de: 'Tastenkürzel: Auflegen' },
  'shortcuts.mute': { en: 'Shortcut: mute', de: 'Tastenkürzel: Stummschalten' },
  'shortcuts.hold': { en: 'Shortcut: hold', de: 'Tastenkürzel: Halten' },
  'calls.wrapUpSeconds': { en: 'After-call work (seconds)', de: 'Nachbearbeitungszeit (Sekunden)' },
  'retention.days': {
    en: 'Retention period of the call log (days)',
    de: 'Aufbewahrungsfrist des Anrufprotokolls (Tage)',
  },
  'retention.auditDays': {
    en: 'Retention period of the audit log (days)',
    de: 'Aufbewahrungsfrist des Prüfprotokolls (Tage)',
  },
  'intake.form': { en: 'Intake form', de: 'Aufnahmeformular' },
  'privacy.role': { en: 'Role at this console', de: 'Rolle an diesem Arbeitsplatz' },
  'security.requireProtectedSecrets': {
    en: 'Require the operating system’s keystore for secrets',
    de: 'Schlüsselspeicher des Betriebssystems für Geheimnisse verlangen',
  },
  'privacy.notificationCaller': {
    en: 'Caller shown in the incoming-call notification',
    de: 'Anrufende Person in der Benachrichtigung über eingehende Anrufe',
  },
  'sip.pingIntervalSeconds': { en: 'SIP ping interval (seconds)', de: 'Intervall des SIP-Pings (Sekunden)' },
  'headset.enabled': {
    en: 'Use the buttons and lights of a USB headset',
    de: 'Tasten und Leuchten eines USB-Headsets verwenden',
  },
  'headset.device': { en: 'Headset to use', de: 'Verwendetes Headset' },
  'reports.directory': { en: 'Export folder', de: 'Exportordner' },
  'reports.formats': { en: 'Export formats', de: 'Exportformate' },
  'reports.pseudonymKey': { en: 'Pseudonym key for exports', de: 'Pseudonymisierungsschlüssel für Exporte' },
  'privacy.teamLeads': { en: 'Team leads', de: 'Teamleitung' },
  'sip.extraCaCertificates': { en: 'Extra CA certificates', de: 'Zusätzliche CA-Zertifikate' },
  'updates.mode': { en: 'Updates', de: 'Aktualisierungen' },
  'updates.url': { en: 'Update server', de: 'Update-Server' },
  'log.level': { en: 'Log level', de: 'Protokollierungsstufe' },
  'security.recoveryPublicKey': { en: 'Recovery public key', de: 'Öffentlicher Wiederherstellungsschlüssel' },
};

/** JSON settings: what the object is, and the file that shows one (their examples are too long to print). */
const JSON_VALUES: Partial<Record<SettingKey, { readonly what: Text; readonly file: string }>> = {
  'intake.form': {
    what: { en: 'intake form definition', de: 'Definition des Aufnahmeformulars' },
    file: 'assets/intake/public-health.json',
  },
};

/** Where Group Policy writes (ADMX key attribute: the hive is the policy's class). */
const ADMX_KEY = 'Software\\Policies\\HotlineDesk';
const POWERSHELL_KEY = DEFAULT_POLICY_KEY.replace(/^HKLM\\/, 'HKLM:\\');
const ROOT_CATEGORY = 'HotlineDesk';
const SUPPORTED_ON = 'SUPPORTED_HotlineDesk_0_1';
const ADMX_NAMESPACE = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const GENERATED_XML = '<!-- Generated from src/shared/settings.ts by npm run docs:policy. Do not edit by hand. -->';

// ---------------------------------------------------------------------------------------------
// The zod schemas, as a shape the documentation can describe.

/** A setting's schema as documentation sees it: a few shapes, with their limits. */
export type SchemaShape =
  | { readonly type: 'enum'; readonly options: readonly string[] }
  | {
      readonly type: 'string';
      readonly maxLength: number | null;
      readonly orEmpty: boolean;
      /** The refinements' own messages ("expected a ws:// or wss:// URL"). */
      readonly formats: readonly string[];
    }
  | { readonly type: 'integer'; readonly min: number | null; readonly max: number | null }
  | { readonly type: 'boolean' }
  | {
      readonly type: 'list';
      readonly item: SchemaShape;
      readonly minItems: number | null;
      readonly maxItems: number | null;
    }
  | { readonly type: 'object' }
  | { readonly type: 'nullable'; readonly inner: SchemaShape }
  | { readonly type: 'other' };

/** The custom message of a regex or refine check (zod 4 keeps it as an error map). */
function checkMessage(def: z.core.$ZodCheckDef): string | null {
  const errorMap = def.error as ((issue: object) => unknown) | undefined;
  const result = errorMap?.({});
  if (typeof result === 'string') return result;
  if (typeof result === 'object' && result !== null && 'message' in result && typeof result.message === 'string')
    return result.message;
  return null;
}

function lengthLimits(schema: z.ZodType): { min: number | null; max: number | null; formats: string[] } {
  let min: number | null = null;
  let max: number | null = null;
  const formats: string[] = [];
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def;
    if (def.check === 'min_length') min = (def as z.core.$ZodCheckMinLengthDef).minimum;
    else if (def.check === 'max_length') max = (def as z.core.$ZodCheckMaxLengthDef).maximum;
    else if (def.check === 'length_equals') min = max = (def as z.core.$ZodCheckLengthEqualsDef).length;
    else if (def.check === 'string_format' || def.check === 'custom') {
      const message = checkMessage(def);
      if (message !== null) formats.push(message);
    }
  }
  return { min, max, formats };
}

export function schemaShape(schema: z.ZodType): SchemaShape {
  if (schema instanceof z.ZodEnum) return { type: 'enum', options: schema.options.map(String) };
  if (schema instanceof z.ZodString) {
    const { max, formats } = lengthLimits(schema);
    return { type: 'string', maxLength: max, orEmpty: false, formats };
  }
  if (schema instanceof z.ZodNumber && schema.isInt)
    return { type: 'integer', min: schema.minValue, max: schema.maxValue };
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' };
  if (schema instanceof z.ZodArray) {
    const { min, max } = lengthLimits(schema);
    return { type: 'list', item: schemaShape(schema.element as z.ZodType), minItems: min, maxItems: max };
  }
  if (schema instanceof z.ZodObject) return { type: 'object' };
  if (schema instanceof z.ZodNullable) return { type: 'nullable', inner: schemaShape(schema.unwrap() as z.ZodType) };
  if (schema instanceof z.ZodUnion) return unionShape(schema.options as readonly z.ZodType[]);
  return { type: 'other' };
}

/** A union of strings and the literal "" (e.g. "empty, or a Base64 key") reads as one string. */
function unionShape(options: readonly z.ZodType[]): SchemaShape {
  let orEmpty = false;
  let maxLength: number | null = 0;
  const formats: string[] = [];
  for (const option of options) {
    if (option instanceof z.ZodLiteral && [...option.values].every((value) => value === '')) {
      orEmpty = true;
      continue;
    }
    const shape = schemaShape(option);
    if (shape.type !== 'string') return { type: 'other' };
    maxLength = maxLength === null || shape.maxLength === null ? null : Math.max(maxLength, shape.maxLength);
    formats.push(...shape.formats);
  }
  return { type: 'string', maxLength, orEmpty, formats };
}

function definition(key: SettingKey): SettingDefinition {
  return SETTINGS[key] as SettingDefinition;
}

function shapeOf(key: SettingKey): SchemaShape {
  return schemaShape(definition(key).schema);
}

function countWords(min: number | null, max: number | null, lang: Lang): string {
  if (min !== null && min > 0 && max !== null) return ` (${min} – ${max})`;
  if (max !== null) return lang === 'en' ? ` (at most ${max})` : ` (höchstens ${max})`;
  if (min !== null && min > 0) return lang === 'en' ? ` (at least ${min})` : ` (mindestens ${min})`;
  return '';
}

/** The type in words, e.g. "integer 60 – 86400" or "list of strings (at most 8)". */
export function typeInWords(key: SettingKey, lang: Lang): string {
  const json = JSON_VALUES[key];
  const describe = (shape: SchemaShape): string => {
    switch (shape.type) {
      case 'enum':
        return lang === 'en'
          ? `string, one of: ${shape.options.join(', ')}`
          : `Zeichenkette, einer der Werte: ${shape.options.join(', ')}`;
      case 'string': {
        let words = lang === 'en' ? 'string' : 'Zeichenkette';
        if (shape.maxLength !== null)
          words += lang === 'en' ? `, at most ${shape.maxLength} characters` : `, höchstens ${shape.maxLength} Zeichen`;
        if (shape.orEmpty) words += lang === 'en' ? ', or empty' : ', oder leer';
        return words;
      }
      case 'integer': {
        const name = lang === 'en' ? 'integer' : 'Ganzzahl';
        if (shape.min !== null && shape.max !== null) return `${name} ${shape.min} – ${shape.max}`;
        if (shape.min !== null) return lang === 'en' ? `${name}, at least ${shape.min}` : `${name} ab ${shape.min}`;
        if (shape.max !== null) return lang === 'en' ? `${name}, at most ${shape.max}` : `${name} bis ${shape.max}`;
        return name;
      }
      case 'boolean':
        return lang === 'en' ? 'boolean' : 'Wahrheitswert';
      case 'list': {
        const count = countWords(shape.minItems, shape.maxItems, lang);
        const item = shape.item;
        if (item.type === 'enum')
          return lang === 'en'
            ? `list of strings${count}, each one of: ${item.options.join(', ')}`
            : `Liste von Zeichenketten${count}, jeweils einer der Werte: ${item.options.join(', ')}`;
        if (item.type === 'string') {
          const each =
            item.maxLength === null
              ? ''
              : lang === 'en'
                ? `, each at most ${item.maxLength} characters`
                : `, jeweils höchstens ${item.maxLength} Zeichen`;
          return lang === 'en' ? `list of strings${count}${each}` : `Liste von Zeichenketten${count}${each}`;
        }
        return lang === 'en' ? `JSON list${count}` : `JSON-Liste${count}`;
      }
      case 'object':
        return lang === 'en'
          ? `JSON object${json === undefined ? '' : ` (${json.what.en})`}`
          : `JSON-Objekt${json === undefined ? '' : ` (${json.what.de})`}`;
      case 'nullable':
        return `${describe(shape.inner)}${lang === 'en' ? ', or null' : ', oder null'}`;
      case 'other':
        return lang === 'en' ? 'JSON value' : 'JSON-Wert';
    }
  };
  return describe(shapeOf(key));
}

/** The refinements' messages (English), for the reader who needs the exact format. */
function formatsOf(key: SettingKey): string[] {
  const shape = shapeOf(key);
  if (shape.type === 'string') return [...shape.formats];
  if (shape.type === 'list' && shape.item.type === 'string') return [...shape.item.formats];
  return [];
}

// ---------------------------------------------------------------------------------------------
// How each key is written in each policy source.

/** The Group Policy element for a key: what the ADMX offers the administrator. */
export type AdmxElementKind = 'boolean' | 'decimal' | 'enum' | 'text' | 'json-text' | 'multiText';

/**
 * string → text (enum for z.enum), integer → decimal, boolean → the policy's own value,
 * string-list → multiText (REG_MULTI_SZ, one entry per line), json → multiText (the lines are
 * joined). A list whose entries hold line breaks (PEM certificates) cannot be one entry per
 * line: it is JSON text in a REG_SZ, which the registry decoder also reads.
 */
export function admxElementKind(key: SettingKey): AdmxElementKind {
  const kind = settingKind(key);
  switch (kind) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'decimal';
    case 'string':
      if (shapeOf(key).type === 'enum') return 'enum';
      // A PEM key spans lines: a multi-line box (REG_MULTI_SZ, read back joined with line breaks).
      return stringHasLineBreaks(key) ? 'multiText' : 'text';
    case 'string-list':
      return listHasLineBreaks(key) ? 'json-text' : 'multiText';
    case 'json':
      return 'multiText';
  }
}

function stringHasLineBreaks(key: SettingKey): boolean {
  const example: unknown = definition(key).example;
  return typeof example === 'string' && /[\r\n]/.test(example);
}

function listHasLineBreaks(key: SettingKey): boolean {
  const example: unknown = definition(key).example;
  return Array.isArray(example) && example.some((item) => typeof item === 'string' && /[\r\n]/.test(item));
}

/**
 * An ADMX id (policy, element, presentation, string and category names: letters, digits and
 * underscores only) from a key or a value: sip.servers → sip_servers.
 */
export function admxName(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

/** A value as JSON on one line, as Prettier prints it in a json code block (spaces after commas). */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inlineJson(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

const PRINT_WIDTH = 120;

/** A policy file holding just this key, laid out as Prettier formats JSON (so docs/policy.md stays formatted). */
function policyFileExample(key: SettingKey, value: unknown): string {
  const oneLine = `{ ${JSON.stringify(key)}: ${inlineJson(value)} }`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  const member = `  ${JSON.stringify(key)}: ${inlineJson(value)}`;
  if (member.length <= PRINT_WIDTH || !Array.isArray(value)) return `{\n${member}\n}`;
  const items = value.map((item, index) => `    ${inlineJson(item)}${index < value.length - 1 ? ',' : ''}`);
  return `{\n  ${JSON.stringify(key)}: [\n${items.join('\n')}\n  ]\n}`;
}

/** A `reg add` argument, quoted by the C runtime's rules reg.exe parses with (\" for a quote). */
function cmdQuote(text: string): string {
  let quoted = '"';
  let backslashes = 0;
  for (const char of text) {
    if (char === '\\') {
      backslashes += 1;
      continue;
    }
    quoted += char === '"' ? `${'\\'.repeat(backslashes * 2 + 1)}"` : `${'\\'.repeat(backslashes)}${char}`;
    backslashes = 0;
  }
  return `${quoted}${'\\'.repeat(backslashes * 2)}"`;
}

function regAdd(key: SettingKey, type: string, data: string): string {
  return `reg add ${cmdQuote(DEFAULT_POLICY_KEY)} /v ${key} /t ${type} /d ${data} /f /reg:64`;
}

/** Text with line breaks: reg add cannot write it, a PowerShell here-string can. */
function powershellString(key: SettingKey, text: string): string {
  const body = text.replace(/\r?\n$/, '');
  return [
    `New-ItemProperty -Path '${POWERSHELL_KEY}' -Name '${key}' -PropertyType String -Force -Value @'`,
    body,
    `'@`,
  ].join('\n');
}

interface RegistryExample {
  /** REG_SZ, REG_DWORD or REG_MULTI_SZ, with a word on how the data is laid out. */
  readonly how: string;
  /** A code block's language and text (bat: reg add; powershell: New-ItemProperty). */
  readonly language: 'bat' | 'powershell';
  readonly code: string;
}

function registryExample(key: SettingKey): RegistryExample {
  const example: unknown = definition(key).example;
  const element = admxElementKind(key);
  if (element === 'boolean')
    return {
      how: 'REG_DWORD, 1 (on) or 0 (off)',
      language: 'bat',
      code: regAdd(key, 'REG_DWORD', example === true ? '1' : '0'),
    };
  if (element === 'decimal')
    return { how: 'REG_DWORD', language: 'bat', code: regAdd(key, 'REG_DWORD', String(example)) };
  if (element === 'enum' || element === 'text') {
    const text = String(example);
    if (/[\r\n]/.test(text))
      return {
        how: 'REG_SZ with line breaks (reg add cannot write them; PowerShell can)',
        language: 'powershell',
        code: powershellString(key, text),
      };
    return { how: 'REG_SZ', language: 'bat', code: regAdd(key, 'REG_SZ', cmdQuote(text)) };
  }
  if (element === 'json-text')
    return {
      how: 'REG_SZ holding the list as JSON text (the entries have line breaks, so one entry per line cannot work)',
      language: 'bat',
      code: regAdd(key, 'REG_SZ', cmdQuote(JSON.stringify(example))),
    };
  if (settingKind(key) === 'string') {
    // A text over several lines (a PEM key): the multi-line box's REG_MULTI_SZ, one line each.
    return {
      how: 'REG_MULTI_SZ, one line of the text per entry (the multi-line box in the Group Policy editor; the lines are joined with line breaks)',
      language: 'powershell',
      code: `New-ItemProperty -Path '${POWERSHELL_KEY}' -Name '${key}' -PropertyType MultiString -Force -Value (Get-Content 'C:\\Policy\\recovery-public.pem' | Where-Object { $_ -ne '' })`,
    };
  }
  if (settingKind(key) === 'string-list') {
    const items = Array.isArray(example) ? example.map(String) : [];
    return {
      how: 'REG_MULTI_SZ, one entry per line (a JSON list as text in a REG_SZ works too)',
      language: 'bat',
      code: regAdd(key, 'REG_MULTI_SZ', cmdQuote(items.join('\\0'))),
    };
  }
  const file = JSON_VALUES[key]?.file ?? 'value.json';
  const name = file.slice(file.lastIndexOf('/') + 1);
  return {
    how: 'REG_MULTI_SZ holding the JSON text, one line per entry (the lines are joined), or the whole JSON text in a REG_SZ',
    language: 'powershell',
    code: `New-ItemProperty -Path '${POWERSHELL_KEY}' -Name '${key}' -PropertyType MultiString -Force -Value (Get-Content -Encoding UTF8 'C:\\Policy\\${name}')`,
  };
}

/** A plist value, as a configuration profile's payload holds it; null has no plist form. */
function plistLines(value: unknown): string[] | null {
  if (typeof value === 'string') return [`<string>${escapeXml(value)}</string>`];
  if (typeof value === 'number')
    return [Number.isInteger(value) ? `<integer>${value}</integer>` : `<real>${value}</real>`];
  if (typeof value === 'boolean') return [value ? '<true/>' : '<false/>'];
  if (Array.isArray(value)) {
    if (value.length === 0) return ['<array/>'];
    const items: string[] = [];
    for (const item of value) {
      const lines = plistLines(item);
      if (lines === null) return null;
      items.push(...lines.map((line) => `  ${line}`));
    }
    return ['<array>', ...items, '</array>'];
  }
  if (typeof value === 'object' && value !== null) {
    const entries: string[] = [];
    for (const [name, item] of Object.entries(value)) {
      const lines = plistLines(item);
      if (lines === null) return null;
      entries.push(`  <key>${escapeXml(name)}</key>`, ...lines.map((line) => `  ${line}`));
    }
    return ['<dict>', ...entries, '</dict>'];
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// XML.

/** Text for XML content; characters XML 1.0 cannot hold are a bug here, not something to hide. */
function escapeXml(text: string): string {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const allowed = code >= 0x20 ? code !== 0xfffe && code !== 0xffff : code === 0x9 || code === 0xa || code === 0xd;
    if (!allowed) throw new Error(`a character XML cannot hold: ${JSON.stringify(text)}`);
  }
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, '&quot;');
}

function attributes(values: Record<string, string | number | boolean>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Grouping.

function prefixOf(key: SettingKey): string {
  return key.slice(0, key.indexOf('.'));
}

/** The keys by category, in CATEGORIES' order; a key with no category is a bug in this file. */
function groups(): { readonly prefix: string; readonly title: Text; readonly keys: SettingKey[] }[] {
  for (const key of SETTING_KEYS)
    if (!CATEGORIES.some((category) => category.prefix === prefixOf(key)))
      throw new Error(`${key}: add its prefix "${prefixOf(key)}" to CATEGORIES in src/main/settings/policy/docs.ts`);
  return CATEGORIES.map((category) => ({
    ...category,
    keys: SETTING_KEYS.filter((key) => prefixOf(key) === category.prefix),
  })).filter((group) => group.keys.length > 0);
}

function summary(key: SettingKey, lang: Lang): string {
  return lang === 'en' ? definition(key).summary : SETTING_SUMMARIES_DE[key];
}

function policyOnlyNote(key: SettingKey, lang: Lang): string | null {
  const setting = definition(key);
  if (setting.policyOnlySecret === true)
    return lang === 'en'
      ? "Policy only, never shown in the UI: a user's own value is ignored, and the console never shows the value."
      : 'Nur per Richtlinie, nie in der Oberfläche angezeigt: Ein eigener Wert der Benutzer wird ignoriert, und die Konsole zeigt den Wert nie an.';
  if (setting.policyOnly === true)
    return lang === 'en'
      ? "Policy only: a user's own value is ignored, and Settings shows the value read-only."
      : 'Nur per Richtlinie: Ein eigener Wert der Benutzer wird ignoriert, und die Einstellungen zeigen den Wert nur an.';
  return null;
}

/** For a stricter-only key: what a user may still choose, and what then applies. */
function stricterOnlyNote(key: SettingKey, lang: Lang, code: (text: string) => string): string | null {
  const order = definition(key).stricterOnly;
  if (order === undefined) return null;
  if (order === 'lower')
    return lang === 'en'
      ? "Stricter only: a user may choose a smaller value, never a larger one; the smaller of the user's value and the policy's (or the default) applies."
      : 'Nur strenger: Benutzer können einen kleineren Wert wählen, nie einen größeren; es gilt der kleinere aus dem Wert der Benutzer und dem der Richtlinie (oder dem Standardwert).';
  const strictest = code(JSON.stringify(order.at(-1)));
  return lang === 'en'
    ? `Stricter only: a user may only choose ${strictest} (or keep the policy's value or the default).`
    : `Nur strenger: Benutzer können nur ${strictest} wählen (oder den Wert der Richtlinie bzw. den Standardwert behalten).`;
}

function fallbackNote(key: SettingKey, lang: Lang, code: (text: string) => string): string | null {
  const setting = definition(key);
  if (!Object.hasOwn(setting, 'policyFallback')) return null;
  const value = code(JSON.stringify(setting.policyFallback));
  return lang === 'en'
    ? `If the policy value is invalid: fixed at ${value}, not left to the user.`
    : `Bei einem ungültigen Wert in der Richtlinie: fest auf ${value} gesetzt, nicht der Entscheidung der Benutzer überlassen.`;
}

// ---------------------------------------------------------------------------------------------
// docs/policy.md

/** An inline code span that holds any text (a longer fence when the text has backticks). */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest === 0 ? `${fence}${text}${fence}` : `${fence} ${text} ${fence}`;
}

/** Plain text in Markdown: backslashes (C:\\Exports) and markup characters stay literal. */
function prose(text: string): string {
  return text.replace(/[\\<*`[\]]/g, '\\$&');
}

/** The anchor GitHub gives a heading. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function fenced(language: string, text: string): string {
  return `\`\`\`${language}\n${text}\n\`\`\``;
}

function groupHeading(group: { prefix: string; title: Text }): string {
  return `${group.title.en} (\`${group.prefix}.*\`)`;
}

function keySection(key: SettingKey): string {
  const setting = definition(key);
  const json = JSON_VALUES[key];
  const exampleIsLong = settingKind(key) === 'json';
  const facts = [`- Type: ${typeInWords(key, 'en')}`];
  for (const format of formatsOf(key)) facts.push(`- Format: ${prose(format)}`);
  facts.push(`- Default: ${code(JSON.stringify(setting.default))}`);
  if (exampleIsLong && json !== undefined) facts.push(`- Example: see [\`${json.file}\`](../${json.file})`);
  else facts.push(`- Example: ${code(JSON.stringify(setting.example))}`);
  const policyOnly = policyOnlyNote(key, 'en');
  if (policyOnly !== null) facts.push(`- ${policyOnly}`);
  const stricterOnly = stricterOnlyNote(key, 'en', code);
  if (stricterOnly !== null) facts.push(`- ${stricterOnly}`);
  const fallback = fallbackNote(key, 'en', code);
  if (fallback !== null) facts.push(`- ${fallback}`);

  const registry = registryExample(key);
  const parts = [
    `### \`${key}\``,
    prose(setting.summary),
    `Deutsch: ${prose(SETTING_SUMMARIES_DE[key])}`,
    facts.join('\n'),
  ];
  if (exampleIsLong && json !== undefined) {
    parts.push(
      `Policy file: the value is the ${json.what.en} itself, a JSON object like [\`${json.file}\`](../${json.file}); \`null\` means the built-in one.`,
      fenced('json', policyFileExample(key, setting.example)),
      `Registry (Group Policy): ${registry.how}. With PowerShell, from a file without blank lines:`,
      fenced(registry.language, registry.code),
      `macOS configuration profile: a \`<dict>\` with the structure of [\`${json.file}\`](../${json.file}), or its JSON text in a \`<string>\`, under the key \`${key}\`.`,
    );
    return parts.join('\n\n');
  }
  parts.push('Policy file:', fenced('json', policyFileExample(key, setting.example)));
  parts.push(`Registry (Group Policy): ${registry.how}.`, fenced(registry.language, registry.code));
  const plist = plistLines(setting.example);
  if (plist !== null)
    parts.push('macOS configuration profile:', fenced('xml', [`<key>${escapeXml(key)}</key>`, ...plist].join('\n')));
  return parts.join('\n\n');
}

const MARKDOWN_INTRO = `# Machine policy

_Generated from \`src/shared/settings.ts\` by \`npm run docs:policy\`. Do not edit by hand: a unit test checks that this file is current._

A machine policy is how IT sets up and locks Hotline Desk for every user of a computer. Every setting of the console is also a policy key, and what a policy sets wins over the user's choice.

## Sources and precedence

Hotline Desk reads, highest precedence first:

1. **Group Policy (Windows)**: registry values under \`${DEFAULT_POLICY_KEY}\`, one per setting, named after the setting key (for example \`sip.servers\`). The ADMX templates in [\`docs/admx\`](admx/) (English and German) offer every key in the Group Policy Management Console. **Configuration profile (macOS)**: managed preferences for the domain \`${PREFERENCES_DOMAIN}\`, one key per setting key, installed by your MDM.
2. **Policy file**: a flat JSON object with one property per setting key, \`{ "sip.servers": [...], ... }\`, at \`%ProgramData%\\HotlineDesk\\policy.json\` (Windows), \`/etc/hotline-desk/policy.json\` (Linux) or \`/Library/Application Support/HotlineDesk/policy.json\` (macOS). On Linux and macOS it should belong to root and be writable by root only.
3. The user's own settings.
4. The defaults listed below.

The sources are merged key by key: a key set by a higher source wins. Changes apply while the console runs.

## What a policy does

- Every key a policy sets is locked: Settings shows it read-only, with the badge "Managed by your organisation" ("Von Ihrer Organisation verwaltet").
- A key with an invalid value is ignored, and the rest of the policy still applies. The error is shown to administrators in Settings → "Hinweise für die IT" ("Notes for IT"), and \`npm run -s cli -- policy check FILE\` prints it: run it on a JSON policy file, a registry export (\`reg export "${DEFAULT_POLICY_KEY}" policy.reg /y /reg:64\`) or a managed preferences plist before you roll it out.
- Unknown keys are reported as a warning and ignored.
- Strict fallback for security-relevant keys: where a key below says "If the policy value is invalid: fixed at …", an invalid value does not hand the key back to the user. Unless another policy source gives a valid value, the key is fixed at that safe value (an invalid retention period keeps the default purge; it never means "keep forever").
- "Policy only" keys are never taken from the user's settings; keys marked "never shown in the UI" are secrets that the console's windows never receive.

## Writing the values

- Strings: a JSON string; REG_SZ; \`<string>\`.
- Integers: a JSON number; REG_DWORD; \`<integer>\`.
- Booleans: \`true\` or \`false\`; REG_DWORD 1 or 0; \`<true/>\` or \`<false/>\`.
- Lists of strings: a JSON array; REG_MULTI_SZ with one entry per line (or a JSON list as text in a REG_SZ); an \`<array>\` of \`<string>\`.
- JSON objects: the object; the JSON text in a REG_SZ, or in a REG_MULTI_SZ whose lines are joined; a \`<dict>\`, or the JSON text in a \`<string>\`.

The registry examples below run in an elevated command prompt or PowerShell; create the key once with \`reg add "${DEFAULT_POLICY_KEY}" /f /reg:64\`. Group Policy writes the same values through the ADMX templates. A value with line breaks (a PEM key) has a multi-line box in the Group Policy editor: paste it there, one line per line.`;

/** docs/policy.md: what policy is, its sources, and one section per key (Prettier-formatted as it is). */
export function renderPolicyMarkdown(): string {
  const grouped = groups();
  const contents = grouped.flatMap((group) => [
    `- [${groupHeading(group)}](#${anchor(groupHeading(group))})`,
    ...group.keys.map((key) => `  - [\`${key}\`](#${anchor(key)})`),
  ]);
  const sections = grouped.flatMap((group) => [`## ${groupHeading(group)}`, ...group.keys.map(keySection)]);
  return `${[MARKDOWN_INTRO, '## Contents', contents.join('\n'), ...sections].join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// docs/admx/HotlineDesk.admx

function categoryName(prefix: string): string {
  return `${ROOT_CATEGORY}_${admxName(prefix)}`;
}

function enumItemString(key: SettingKey, option: string): string {
  return `${admxName(key)}_Item_${admxName(option)}`;
}

function admxElement(key: SettingKey): string[] {
  const name = admxName(key);
  const shape = shapeOf(key);
  const element = admxElementKind(key);
  const base = { id: name, valueName: key };
  switch (element) {
    case 'boolean':
      return [];
    case 'decimal': {
      const limits = shape.type === 'integer' ? shape : { min: null, max: null };
      return [
        `<decimal${attributes({ ...base, required: true, minValue: limits.min ?? 0, maxValue: limits.max ?? 4_294_967_295, storeAsText: false })} />`,
      ];
    }
    case 'enum': {
      const options = shape.type === 'enum' ? shape.options : [];
      return [
        `<enum${attributes({ ...base, required: true })}>`,
        ...options.flatMap((option) => [
          `  <item displayName="$(string.${enumItemString(key, option)})">`,
          `    <value>`,
          `      <string>${escapeXml(option)}</string>`,
          `    </value>`,
          `  </item>`,
        ]),
        `</enum>`,
      ];
    }
    case 'text': {
      const maxLength = shape.type === 'string' && shape.maxLength !== null ? shape.maxLength : 1023;
      return [`<text${attributes({ ...base, maxLength })} />`];
    }
    case 'json-text': {
      // JSON escapes at most double an entry (\n for a line break, \" and \\ for the rest).
      const item = shape.type === 'list' && shape.item.type === 'string' ? shape.item.maxLength : null;
      const maxItems = shape.type === 'list' ? shape.maxItems : null;
      const maxLength = item !== null && maxItems !== null ? maxItems * (item * 2 + 3) + 2 : 1_000_000;
      return [`<text${attributes({ ...base, maxLength })} />`];
    }
    case 'multiText': {
      if (shape.type === 'list') {
        const item = shape.item.type === 'string' ? shape.item.maxLength : null;
        const required = shape.minItems !== null && shape.minItems > 0;
        // maxLength is per entry or for the whole text, depending on the reader: allow the whole.
        const maxLength = item !== null && shape.maxItems !== null ? shape.maxItems * (item + 1) : 1_000_000;
        return [
          `<multiText${attributes({ ...base, ...(required ? { required: true } : {}), maxLength, maxStrings: shape.maxItems ?? 0 })} />`,
        ];
      }
      return [`<multiText${attributes({ ...base, maxLength: 1_000_000, maxStrings: 0 })} />`];
    }
  }
}

function admxPolicy(key: SettingKey): string[] {
  const name = admxName(key);
  const element = admxElementKind(key);
  const head = {
    name,
    class: 'Machine',
    displayName: `$(string.${name})`,
    explainText: `$(string.${name}_Explain)`,
    ...(element === 'boolean' ? {} : { presentation: `$(presentation.${name})` }),
    key: ADMX_KEY,
    ...(element === 'boolean' ? { valueName: key } : {}),
  };
  const lines = [
    `<policy${attributes(head)}>`,
    `  <parentCategory ref="${categoryName(prefixOf(key))}" />`,
    `  <supportedOn ref="${SUPPORTED_ON}" />`,
  ];
  if (element === 'boolean')
    lines.push(
      `  <enabledValue>`,
      `    <decimal value="1" />`,
      `  </enabledValue>`,
      `  <disabledValue>`,
      `    <decimal value="0" />`,
      `  </disabledValue>`,
    );
  else lines.push(`  <elements>`, ...admxElement(key).map((line) => `    ${line}`), `  </elements>`);
  lines.push(`</policy>`);
  return lines;
}

/** docs/admx/HotlineDesk.admx: one Machine policy per setting key, by category. */
export function renderAdmx(): string {
  const grouped = groups();
  checkUniqueNames();
  const categories = [
    `<category name="${ROOT_CATEGORY}" displayName="$(string.Category_${ROOT_CATEGORY})" />`,
    ...grouped.flatMap((group) => [
      `<category name="${categoryName(group.prefix)}" displayName="$(string.Category_${admxName(group.prefix)})">`,
      `  <parentCategory ref="${ROOT_CATEGORY}" />`,
      `</category>`,
    ]),
  ];
  const policies = grouped.flatMap((group) => group.keys.flatMap(admxPolicy));
  const indent = (lines: readonly string[], by: string): string[] => lines.map((line) => `${by}${line}`);
  return `${[
    '<?xml version="1.0" encoding="utf-8"?>',
    GENERATED_XML,
    `<policyDefinitions revision="1.0" schemaVersion="1.0" xmlns="${ADMX_NAMESPACE}">`,
    '  <policyNamespaces>',
    '    <target prefix="hotlinedesk" namespace="HotlineDesk.Policies" />',
    '  </policyNamespaces>',
    '  <resources minRequiredRevision="1.0" />',
    '  <supportedOn>',
    '    <definitions>',
    `      <definition name="${SUPPORTED_ON}" displayName="$(string.${SUPPORTED_ON})" />`,
    '    </definitions>',
    '  </supportedOn>',
    '  <categories>',
    ...indent(categories, '    '),
    '  </categories>',
    '  <policies>',
    ...indent(policies, '    '),
    '  </policies>',
    '</policyDefinitions>',
  ].join('\n')}\n`;
}

/** Two keys that differ only in punctuation would share an ADMX name: refuse rather than collide. */
function checkUniqueNames(): void {
  const seen = new Map<string, SettingKey>();
  for (const key of SETTING_KEYS) {
    const name = admxName(key);
    const other = seen.get(name);
    if (other !== undefined) throw new Error(`${key} and ${other} have the same ADMX name ${name}`);
    seen.set(name, key);
  }
}

// ---------------------------------------------------------------------------------------------
// docs/admx/<language>/HotlineDesk.adml

function explainText(key: SettingKey, lang: Lang): string {
  const setting = definition(key);
  const element = admxElementKind(key);
  const json = JSON_VALUES[key];
  const en = lang === 'en';
  const plain = (text: string): string => text;
  const paragraphs = [summary(key, lang)];

  const facts = [
    `${en ? 'Setting key' : 'Schlüssel der Einstellung'}: ${key}`,
    `${en ? 'Type' : 'Typ'}: ${typeInWords(key, lang)}`,
  ];
  if (en) for (const format of formatsOf(key)) facts.push(`Format: ${format}`);
  facts.push(`${en ? 'Default' : 'Standardwert'}: ${JSON.stringify(setting.default)}`);
  if (json !== undefined && settingKind(key) === 'json')
    facts.push(`${en ? 'Example' : 'Beispiel'}: ${en ? 'see' : 'siehe'} ${json.file}`);
  else facts.push(`${en ? 'Example' : 'Beispiel'}: ${JSON.stringify(setting.example)}`);
  const policyOnly = policyOnlyNote(key, lang);
  if (policyOnly !== null) facts.push(policyOnly);
  const stricterOnly = stricterOnlyNote(key, lang, plain);
  if (stricterOnly !== null) facts.push(stricterOnly);
  const fallback = fallbackNote(key, lang, plain);
  if (fallback !== null) facts.push(fallback);
  paragraphs.push(facts.join('\n'));

  const registry = `${DEFAULT_POLICY_KEY}\\${key}`;
  switch (element) {
    case 'boolean':
      paragraphs.push(
        en
          ? `Enabled: on (REG_DWORD ${registry} = 1). Disabled: off (0). Either way the setting is locked in the console. Not configured: this policy does not set it.`
          : `Aktiviert: ein (REG_DWORD ${registry} = 1). Deaktiviert: aus (0). In beiden Fällen ist die Einstellung in der Konsole gesperrt. Nicht konfiguriert: Diese Richtlinie legt sie nicht fest.`,
      );
      break;
    case 'multiText':
      paragraphs.push(
        settingKind(key) === 'string'
          ? en
            ? `Paste the text (a PEM key) line by line; the lines are joined with line breaks. Stored as REG_MULTI_SZ ${registry}.`
            : `Fügen Sie den Text (einen PEM-Schlüssel) Zeile für Zeile ein; die Zeilen werden mit Zeilenumbrüchen zusammengefügt. Gespeichert als REG_MULTI_SZ ${registry}.`
          : settingKind(key) === 'json'
            ? en
              ? `Enter the JSON text (for example the content of ${json?.file ?? 'a JSON file'}); its lines are joined. Stored as REG_MULTI_SZ ${registry}.`
              : `Geben Sie den JSON-Text ein (zum Beispiel den Inhalt von ${json?.file ?? 'einer JSON-Datei'}); die Zeilen werden zusammengefügt. Gespeichert als REG_MULTI_SZ ${registry}.`
            : en
              ? `Enter one entry per line. Stored as REG_MULTI_SZ ${registry}.`
              : `Geben Sie einen Eintrag pro Zeile ein. Gespeichert als REG_MULTI_SZ ${registry}.`,
      );
      break;
    case 'json-text':
      paragraphs.push(
        en
          ? `Enter the list as JSON text on one line, with each line break inside an entry written as \\n, for example ${JSON.stringify(setting.example)}. Stored as REG_SZ ${registry}.`
          : `Geben Sie die Liste als JSON-Text in einer Zeile ein, jeden Zeilenumbruch innerhalb eines Eintrags als \\n geschrieben, zum Beispiel ${JSON.stringify(setting.example)}. Gespeichert als REG_SZ ${registry}.`,
      );
      break;
    case 'text':
      paragraphs.push(en ? `Stored as REG_SZ ${registry}.` : `Gespeichert als REG_SZ ${registry}.`);
      if (/[\r\n]/.test(String(setting.example)))
        paragraphs.push(
          en
            ? 'This value needs line breaks, and the text box takes one line: set it with PowerShell or in the policy file instead (see docs/policy.md).'
            : 'Dieser Wert braucht Zeilenumbrüche, das Textfeld nimmt aber nur eine Zeile auf: Legen Sie ihn stattdessen mit PowerShell oder in der Richtliniendatei fest (siehe docs/policy.md).',
        );
      break;
    case 'enum':
      paragraphs.push(en ? `Stored as REG_SZ ${registry}.` : `Gespeichert als REG_SZ ${registry}.`);
      break;
    case 'decimal':
      paragraphs.push(en ? `Stored as REG_DWORD ${registry}.` : `Gespeichert als REG_DWORD ${registry}.`);
      break;
  }
  if (element !== 'boolean') {
    // A policy-only key never falls back to the user's value.
    const userDecides = policyOnlyNote(key, lang) === null;
    const others = en
      ? userDecides
        ? 'the policy file, the user or the default decides'
        : 'the policy file or the default decides'
      : userDecides
        ? 'es entscheiden die Richtliniendatei, die Benutzer oder der Standardwert'
        : 'es entscheiden die Richtliniendatei oder der Standardwert';
    const stricter = definition(key).stricterOnly !== undefined;
    paragraphs.push(
      stricter
        ? en
          ? `Enabled: the value set here applies to every user of this computer; a user may only make it stricter. Disabled or Not configured: this policy does not set it (${others}; the user only stricter than the default).`
          : `Aktiviert: Der hier festgelegte Wert gilt für alle Benutzer dieses Computers; Benutzer können ihn nur strenger machen. Deaktiviert oder Nicht konfiguriert: Diese Richtlinie legt ihn nicht fest (${others}; die Benutzer nur strenger als der Standardwert).`
        : en
          ? `Enabled: the value set here applies to every user of this computer and is locked in the console. Disabled or Not configured: this policy does not set it (${others}).`
          : `Aktiviert: Der hier festgelegte Wert gilt für alle Benutzer dieses Computers und ist in der Konsole gesperrt. Deaktiviert oder Nicht konfiguriert: Diese Richtlinie legt ihn nicht fest (${others}).`,
    );
  }
  return paragraphs.join('\n\n');
}

function presentation(key: SettingKey, lang: Lang): string[] {
  const name = admxName(key);
  const setting = definition(key);
  const shape = shapeOf(key);
  const title = escapeXml(TITLES[key][lang]);
  const en = lang === 'en';
  const controls: string[] = [];
  switch (admxElementKind(key)) {
    case 'boolean':
      return [];
    case 'decimal':
      controls.push(
        `<decimalTextBox refId="${name}" defaultValue="${Number(setting.default)}" spinStep="1">${title}</decimalTextBox>`,
      );
      break;
    case 'enum': {
      const index = shape.type === 'enum' ? shape.options.indexOf(String(setting.default)) : -1;
      const defaultItem = index >= 0 ? ` defaultItem="${index}"` : '';
      controls.push(`<dropdownList refId="${name}" noSort="true"${defaultItem}>${title}</dropdownList>`);
      break;
    }
    case 'text': {
      const text = String(setting.default);
      controls.push(
        `<textBox refId="${name}">`,
        `  <label>${title}</label>`,
        ...(text === '' ? [] : [`  <defaultValue>${escapeXml(text)}</defaultValue>`]),
        `</textBox>`,
      );
      break;
    }
    case 'json-text':
      controls.push(
        `<textBox refId="${name}">`,
        `  <label>${title} (${en ? 'JSON list' : 'JSON-Liste'})</label>`,
        `</textBox>`,
      );
      break;
    case 'multiText':
      // The label is a text of its own: the schema gives multiTextBox no content.
      controls.push(
        `<text>${title}: ${
          settingKind(key) === 'string'
            ? en
              ? 'the PEM text, line by line'
              : 'der PEM-Text, Zeile für Zeile'
            : settingKind(key) === 'json'
              ? en
                ? 'JSON text'
                : 'JSON-Text'
              : en
                ? 'one entry per line'
                : 'ein Eintrag pro Zeile'
        }</text>`,
        `<multiTextBox refId="${name}" defaultHeight="${settingKind(key) === 'string' ? 12 : settingKind(key) === 'json' ? 20 : 6}" />`,
      );
      break;
  }
  return [`<presentation id="${name}">`, ...controls.map((line) => `  ${line}`), `</presentation>`];
}

/** docs/admx/<language>/HotlineDesk.adml: every string and presentation the ADMX references. */
export function renderAdml(language: AdmlLanguage): string {
  const lang: Lang = language === 'en-US' ? 'en' : 'de';
  const en = lang === 'en';
  const grouped = groups();
  const strings: [string, string][] = [
    [`Category_${ROOT_CATEGORY}`, 'Hotline Desk'],
    [SUPPORTED_ON, en ? 'At least Hotline Desk 0.1' : 'Mindestens Hotline Desk 0.1'],
  ];
  for (const group of grouped) strings.push([`Category_${admxName(group.prefix)}`, group.title[lang]]);
  for (const group of grouped)
    for (const key of group.keys) {
      const name = admxName(key);
      strings.push([name, TITLES[key][lang]], [`${name}_Explain`, explainText(key, lang)]);
      const shape = shapeOf(key);
      if (admxElementKind(key) === 'enum' && shape.type === 'enum')
        for (const option of shape.options) strings.push([enumItemString(key, option), option]);
    }
  const presentations = grouped.flatMap((group) => group.keys.flatMap((key) => presentation(key, lang)));
  return `${[
    '<?xml version="1.0" encoding="utf-8"?>',
    GENERATED_XML,
    `<policyDefinitionResources revision="1.0" schemaVersion="1.0" xmlns="${ADMX_NAMESPACE}">`,
    `  <displayName>Hotline Desk</displayName>`,
    `  <description>${
      en
        ? 'Machine policy for Hotline Desk, the agent console for public-health hotlines.'
        : 'Richtlinien für Hotline Desk, die Agentenkonsole für Hotlines des öffentlichen Gesundheitsdienstes.'
    }</description>`,
    '  <resources>',
    '    <stringTable>',
    ...strings.map(([id, text]) => `      <string id="${id}">${escapeXml(text)}</string>`),
    '    </stringTable>',
    '    <presentationTable>',
    ...presentations.map((line) => `      ${line}`),
    '    </presentationTable>',
    '  </resources>',
    '</policyDefinitionResources>',
  ].join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

/** The generated files, by path from the repository root: what the script writes and the test compares. */
export function policyDocuments(): { readonly path: string; readonly content: string }[] {
  return [
    { path: 'docs/policy.md', content: renderPolicyMarkdown() },
    { path: 'docs/admx/HotlineDesk.admx', content: renderAdmx() },
    { path: 'docs/admx/en-US/HotlineDesk.adml', content: renderAdml('en-US') },
    { path: 'docs/admx/de-DE/HotlineDesk.adml', content: renderAdml('de-DE') },
  ];
}
