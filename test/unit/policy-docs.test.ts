import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_POLICY_KEY, type RegistryValue } from '../../src/main/settings/policy/registry-export';
import { decodeRegistryValue } from '../../src/main/settings/policy/registry-policy';
import { policyDocuments, renderAdml, renderAdmx, renderPolicyMarkdown } from '../../scripts/policy-docs/docs';
import { SETTING_SUMMARIES_DE } from '../../scripts/policy-docs/summaries-de';
import { settingKind } from '../../src/main/settings/policy/value-kinds';
import { SETTING_KEYS, SETTINGS, type SettingDefinition, type SettingKey } from '../../src/shared/settings';

const ROOT = join(import.meta.dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// A small, strict XML 1.0 reader: enough to check well-formedness and to walk the ADMX and ADML.

interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

class XmlError extends Error {}

const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function parseXml(source: string): XmlElement {
  for (const char of source)
    if (!isXmlChar(char.codePointAt(0) ?? 0)) throw new XmlError(`invalid character U+${char.codePointAt(0)}`);
  let at = 0;
  const fail = (what: string): never => {
    const line = source.slice(0, at).split('\n').length;
    throw new XmlError(`line ${line}: ${what}`);
  };
  const skipSpace = (): void => {
    while (at < source.length && /[ \t\r\n]/.test(source[at] as string)) at += 1;
  };
  const name = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    if (match === null) return fail('expected a name');
    at += match[0].length;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);?/g, (whole, entity: string) => {
      if (!whole.endsWith(';')) return fail(`unterminated reference ${whole}`);
      const predefined = PREDEFINED[entity];
      if (predefined !== undefined) return predefined;
      const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(entity);
      if (numeric === null) return fail(`unknown entity &${entity};`);
      const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
      if (!isXmlChar(code)) return fail(`reference to an invalid character &${entity};`);
      return String.fromCodePoint(code);
    });
  const skipComment = (): void => {
    const end = source.indexOf('-->', at + 4);
    if (end < 0) fail('unterminated comment');
    if (source.slice(at + 4, end).includes('--')) fail('"--" inside a comment');
    at = end + 3;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<!--', at)) skipComment();
      else if (source.startsWith('<?', at)) {
        if (/^<\?xml[ \t\r\n?]/i.test(source.slice(at, at + 6))) fail('XML declaration not at the start');
        const end = source.indexOf('?>', at);
        if (end < 0) fail('unterminated processing instruction');
        at = end + 2;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (source[at] !== '<') fail('expected an element');
    at += 1;
    const tag = name();
    const attributes = new Map<string, string>();
    for (;;) {
      const before = at;
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (source[at] === '>') {
        at += 1;
        break;
      }
      if (at === before) fail(`expected whitespace before an attribute of <${tag}>`);
      const attribute = name();
      skipSpace();
      if (source[at] !== '=') fail(`expected = after ${attribute}`);
      at += 1;
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") return fail(`expected a quoted value for ${attribute}`);
      const end = source.indexOf(quote, at + 1);
      if (end < 0) fail(`unterminated value of ${attribute}`);
      const raw = source.slice(at + 1, end);
      if (raw.includes('<')) fail(`"<" in the value of ${attribute}`);
      if (attributes.has(attribute)) fail(`duplicate attribute ${attribute} on <${tag}>`);
      attributes.set(attribute, decode(raw));
      at = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (at >= source.length) fail(`<${tag}> is not closed`);
      if (source.startsWith('</', at)) {
        at += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipSpace();
        if (source[at] !== '>') fail(`expected > after </${closing}`);
        at += 1;
        return { name: tag, attributes, children, text };
      }
      if (source.startsWith('<!--', at)) skipComment();
      else if (source.startsWith('<![CDATA[', at)) {
        const end = source.indexOf(']]>', at);
        if (end < 0) fail('unterminated CDATA section');
        text += source.slice(at + 9, end);
        at = end + 3;
      } else if (source.startsWith('<?', at)) {
        const end = source.indexOf('?>', at);
        if (end < 0) fail('unterminated processing instruction');
        at = end + 2;
      } else if (source[at] === '<') children.push(element());
      else {
        const end = source.indexOf('<', at);
        const raw = source.slice(at, end < 0 ? source.length : end);
        if (raw.includes(']]>')) fail('"]]>" in text');
        text += decode(raw);
        at += raw.length;
      }
    }
  };

  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    if (!/^<\?xml version="1\.0"( encoding="[A-Za-z0-9._-]+")?\s*\?>$/.test(source.slice(0, end + 2)))
      fail('malformed XML declaration');
    at = end + 2;
  }
  skipMisc();
  const root = element();
  skipMisc();
  if (at !== source.length) fail('content after the root element');
  return root;
}

function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

function child(element: XmlElement, name: string): XmlElement {
  const found = children(element, name);
  if (found.length !== 1) throw new Error(`expected one <${name}> in <${element.name}>, found ${found.length}`);
  return found[0] as XmlElement;
}

function attribute(element: XmlElement, name: string): string {
  const value = element.attributes.get(name);
  if (value === undefined) throw new Error(`<${element.name}> has no ${name}`);
  return value;
}

function descendants(element: XmlElement): XmlElement[] {
  return element.children.flatMap((each) => [each, ...descendants(each)]);
}

// ---------------------------------------------------------------------------------------------

const ADMX_PATH = 'docs/admx/HotlineDesk.admx';
const ADML_PATHS = { 'en-US': 'docs/admx/en-US/HotlineDesk.adml', 'de-DE': 'docs/admx/de-DE/HotlineDesk.adml' };
/** ADMX names and ids (itemName, resourceID in the ADMX schema): letters, digits, underscores. */
const ADMX_ID = /^[\p{L}\p{N}_]+$/u;

function definition(key: SettingKey): SettingDefinition {
  return SETTINGS[key] as SettingDefinition;
}

/** A committed file's text (line ends as in the repository), or null when it is missing. */
function committed(path: string): string | null {
  try {
    return readFileSync(join(ROOT, path), 'utf8').replace(/\r\n/g, '\n');
  } catch {
    return null;
  }
}

const admx = parseXml(renderAdmx());
const policies = children(child(admx, 'policies'), 'policy');

/** The policy that writes a key: its own valueName (booleans) or an element's. */
function policyFor(key: SettingKey): XmlElement {
  const found = policies.filter(
    (policy) =>
      policy.attributes.get('valueName') === key ||
      children(policy, 'elements').some((elements) =>
        elements.children.some((element) => element.attributes.get('valueName') === key),
      ),
  );
  expect(found, `policies writing ${key}`).toHaveLength(1);
  return found[0] as XmlElement;
}

function elementOf(policy: XmlElement): XmlElement | null {
  const elements = children(policy, 'elements');
  if (elements.length === 0) return null;
  const [only, ...rest] = (elements[0] as XmlElement).children;
  expect(rest, `${attribute(policy, 'name')}: one element per policy`).toHaveLength(0);
  return only ?? null;
}

function decimalValue(policy: XmlElement, name: 'enabledValue' | 'disabledValue'): number {
  return Number(attribute(child(child(policy, name), 'decimal'), 'value'));
}

/** The registry value Group Policy writes through the ADMX for `value`, as the reader decodes it. */
function registryValueFor(key: SettingKey, value: unknown): RegistryValue {
  const policy = policyFor(key);
  const element = elementOf(policy);
  if (element === null) {
    expect(typeof value).toBe('boolean');
    return {
      name: key,
      type: 'REG_DWORD',
      value: decimalValue(policy, value === true ? 'enabledValue' : 'disabledValue'),
    };
  }
  switch (element.name) {
    case 'decimal': {
      expect(typeof value).toBe('number');
      expect(attribute(element, 'storeAsText')).toBe('false');
      const number = value as number;
      expect(number).toBeGreaterThanOrEqual(Number(attribute(element, 'minValue')));
      expect(number).toBeLessThanOrEqual(Number(attribute(element, 'maxValue')));
      return { name: key, type: 'REG_DWORD', value: number };
    }
    case 'enum': {
      const item = children(element, 'item').find((each) => child(child(each, 'value'), 'string').text === value);
      expect(item, `${key}: an enum item for ${JSON.stringify(value)}`).toBeDefined();
      return { name: key, type: 'REG_SZ', value: child(child(item as XmlElement, 'value'), 'string').text };
    }
    case 'text': {
      // A list in a text element is JSON text (its entries have line breaks).
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      expect(text.length).toBeLessThanOrEqual(Number(element.attributes.get('maxLength') ?? 1023));
      return { name: key, type: 'REG_SZ', value: text };
    }
    case 'multiText': {
      const kind = settingKind(key);
      const lines =
        kind === 'json'
          ? JSON.stringify(value, null, 2).split('\n')
          : kind === 'string'
            ? String(value)
                .split('\n')
                .filter((line) => line !== '')
            : (value as unknown[]).map(String);
      // REG_MULTI_SZ cannot hold an empty entry, nor an entry with a line break (one per line).
      for (const line of lines) expect(line === '' || /[\r\n]/.test(line), `${key}: ${line}`).toBe(false);
      const maxStrings = Number(element.attributes.get('maxStrings') ?? 0);
      if (maxStrings > 0) expect(lines.length).toBeLessThanOrEqual(maxStrings);
      return { name: key, type: 'REG_MULTI_SZ', value: lines };
    }
    default:
      throw new Error(`${key}: unexpected element <${element.name}>`);
  }
}

function roundTrip(key: SettingKey, value: unknown): unknown {
  const decoded = decodeRegistryValue(settingKind(key), registryValueFor(key, value));
  if (!decoded.ok) throw new Error(`${key}: ${decoded.reason}`);
  const parsed = definition(key).schema.safeParse(decoded.value);
  if (!parsed.success) throw new Error(`${key}: ${parsed.error.message}`);
  return parsed.data;
}

describe('the generated policy documentation', () => {
  // Adding or changing a setting changes what the renderers produce, so this fails until
  // `npm run docs:policy` has regenerated the files (and they are committed with the change).
  it.each(policyDocuments())('$path is current', ({ path, content }) => {
    expect(committed(path), `${path} is out of date: run npm run docs:policy`).toBe(content);
  });

  it('renders deterministically', () => {
    expect(renderPolicyMarkdown()).toBe(renderPolicyMarkdown());
    expect(renderAdmx()).toBe(renderAdmx());
    expect(renderAdml('de-DE')).toBe(renderAdml('de-DE'));
  });

  it('docs/policy.md is already as Prettier formats it (npm run lint checks it)', async () => {
    const file = join(ROOT, 'docs/policy.md');
    const options = (await prettier.resolveConfig(file)) ?? {};
    const markdown = renderPolicyMarkdown();
    expect(await prettier.format(markdown, { ...options, filepath: file })).toBe(markdown);
  });

  it('docs/policy.md has a section for every key, in the table of contents too', () => {
    const markdown = renderPolicyMarkdown();
    for (const key of SETTING_KEYS) {
      expect(markdown.split('\n'), key).toContain(`### \`${key}\``);
      expect(markdown, key).toContain(`[\`${key}\`](#`);
    }
    const sections = markdown.split('\n').filter((line) => line.startsWith('### '));
    expect(sections).toHaveLength(SETTING_KEYS.length);
  });
});

describe('the XML files are well-formed', () => {
  const files = [
    { path: ADMX_PATH, text: renderAdmx() },
    { path: ADML_PATHS['en-US'], text: renderAdml('en-US') },
    { path: ADML_PATHS['de-DE'], text: renderAdml('de-DE') },
  ];

  it.each(files)('$path (checked here)', ({ text }) => {
    expect(() => parseXml(text)).not.toThrow();
  });

  it.each(files)('$path (checked by Python’s expat parser)', ({ path }) => {
    // The committed file: the first test says it equals the rendered one.
    const script = 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])';
    expect(() => execFileSync('python3', ['-c', script, join(ROOT, path)], { stdio: 'pipe' })).not.toThrow();
  });

  it('the checker refuses malformed XML', () => {
    for (const bad of [
      '<a><b></a></b>',
      '<a x="1" x="2"/>',
      '<a>&nbsp;</a>',
      '<a>x & y</a>',
      '<a x="<"/>',
      '<a/><b/>',
      '<a>',
      '<a><!-- a -- b --></a>',
      '<a>\u0001</a>',
      ' <?xml version="1.0"?><a/>',
    ])
      expect(() => parseXml(bad), bad).toThrow(XmlError);
    expect(parseXml('<?xml version="1.0" encoding="utf-8"?>\n<a x="&lt;&#65;">&amp;<b/></a>').attributes.get('x')).toBe(
      '<A',
    );
  });
});

describe('HotlineDesk.admx', () => {
  it('is one Machine policy per setting key, under HKLM\\Software\\Policies\\HotlineDesk', () => {
    expect(policies).toHaveLength(SETTING_KEYS.length);
    const expectedKey = DEFAULT_POLICY_KEY.replace(/^HKLM\\/, '').toLowerCase();
    for (const key of SETTING_KEYS) {
      const policy = policyFor(key);
      expect(attribute(policy, 'class')).toBe('Machine');
      expect(attribute(policy, 'key').toLowerCase()).toBe(expectedKey);
      expect(attribute(policy, 'name')).toMatch(ADMX_ID);
    }
    const names = policies.map((policy) => attribute(policy, 'name'));
    expect(new Set(names).size).toBe(names.length);
  });

  it('declares its namespace, revision and the references it uses', () => {
    expect(admx.name).toBe('policyDefinitions');
    expect(attribute(admx, 'revision')).toBe('1.0');
    expect(attribute(admx, 'schemaVersion')).toBe('1.0');
    const target = child(child(admx, 'policyNamespaces'), 'target');
    expect(attribute(target, 'prefix')).toBe('hotlinedesk');
    expect(attribute(target, 'namespace')).toBe('HotlineDesk.Policies');
    expect(children(child(admx, 'policyNamespaces'), 'using')).toHaveLength(0);
    const categories = new Set(children(child(admx, 'categories'), 'category').map((each) => attribute(each, 'name')));
    const supported = new Set(
      children(child(child(admx, 'supportedOn'), 'definitions'), 'definition').map((each) => attribute(each, 'name')),
    );
    for (const name of [...categories, ...supported]) expect(name).toMatch(ADMX_ID);
    for (const each of descendants(admx).filter((element) => element.name === 'parentCategory'))
      expect(categories.has(attribute(each, 'ref')), attribute(each, 'ref')).toBe(true);
    for (const policy of policies) {
      expect(supported.has(attribute(child(policy, 'supportedOn'), 'ref'))).toBe(true);
      // The schema's order: parentCategory, supportedOn, enabledValue, disabledValue, elements.
      const order = ['parentCategory', 'supportedOn', 'enabledValue', 'disabledValue', 'elements'];
      const indexes = policy.children.map((each) => order.indexOf(each.name));
      expect(
        indexes.every((index, position) => index >= 0 && (position === 0 || index > (indexes[position - 1] ?? -1))),
      ).toBe(true);
    }
  });

  it('gives each key the element its kind needs, with the schema’s limits', () => {
    for (const key of SETTING_KEYS) {
      const policy = policyFor(key);
      const element = elementOf(policy);
      const schema = definition(key).schema;
      const kind = settingKind(key);
      if (element !== null) {
        expect(attribute(element, 'valueName')).toBe(key);
        expect(attribute(element, 'id')).toMatch(ADMX_ID);
      }
      switch (kind) {
        case 'boolean':
          expect(element, key).toBeNull();
          expect(policy.attributes.has('presentation'), key).toBe(false);
          expect(decimalValue(policy, 'enabledValue')).toBe(1);
          expect(decimalValue(policy, 'disabledValue')).toBe(0);
          break;
        case 'integer': {
          expect(element?.name, key).toBe('decimal');
          const number = schema as z.ZodNumber;
          expect(Number(attribute(element as XmlElement, 'minValue')), key).toBe(number.minValue);
          expect(Number(attribute(element as XmlElement, 'maxValue')), key).toBe(number.maxValue);
          break;
        }
        case 'string':
          if (schema instanceof z.ZodEnum) {
            expect(element?.name, key).toBe('enum');
            const values = children(element as XmlElement, 'item').map(
              (item) => child(child(item, 'value'), 'string').text,
            );
            expect(values, key).toEqual(schema.options);
          } else {
            // A text over several lines (a PEM key) gets a multi-line box; its lines are rejoined.
            const example = definition(key).example as string;
            expect(element?.name, key).toBe(/[\r\n]/.test(example) ? 'multiText' : 'text');
          }
          break;
        case 'string-list': {
          // One entry per line, unless an entry has line breaks itself (PEM): then JSON text.
          const example = definition(key).example as string[];
          const multiLine = example.some((item) => /[\r\n]/.test(item));
          expect(element?.name, key).toBe(multiLine ? 'text' : 'multiText');
          const maxItems = (schema as z.ZodArray)._zod.def.checks
            ?.map((check) => check._zod.def)
            .find((def) => def.check === 'max_length') as z.core.$ZodCheckMaxLengthDef | undefined;
          if (!multiLine) expect(Number(attribute(element as XmlElement, 'maxStrings')), key).toBe(maxItems?.maximum);
          break;
        }
        case 'json':
          expect(element?.name, key).toBe('multiText');
          break;
      }
    }
  });

  it('writes what the registry reader decodes back to each key’s example', () => {
    for (const key of SETTING_KEYS) {
      const example: unknown = definition(key).example;
      if (settingKind(key) === 'json' && example === null) continue;
      expect(roundTrip(key, example), key).toEqual(example);
    }
  });

  it('carries a whole intake form through REG_MULTI_SZ lines', () => {
    const form: unknown = JSON.parse(readFileSync(join(ROOT, 'assets/intake/public-health.json'), 'utf8'));
    expect(roundTrip('intake.form', form)).toEqual(definition('intake.form').schema.parse(form));
  });

  it('writes booleans both ways', () => {
    const booleans = SETTING_KEYS.filter((key) => settingKind(key) === 'boolean');
    expect(booleans.length).toBeGreaterThan(0);
    for (const key of booleans) {
      expect(roundTrip(key, true)).toBe(true);
      expect(roundTrip(key, false)).toBe(false);
    }
  });
});

describe('the ADML files', () => {
  const admxText = renderAdmx();
  const stringRefs = new Set([...admxText.matchAll(/\$\(string\.([^)]*)\)/g)].map((match) => match[1] as string));
  const presentationRefs = new Set(
    [...admxText.matchAll(/\$\(presentation\.([^)]*)\)/g)].map((match) => match[1] as string),
  );

  it.each(['en-US', 'de-DE'] as const)(
    '%s holds every string and presentation the ADMX uses, and no others',
    (language) => {
      const adml = parseXml(renderAdml(language));
      expect(adml.name).toBe('policyDefinitionResources');
      const resources = child(adml, 'resources');
      const strings = children(child(resources, 'stringTable'), 'string');
      const ids = strings.map((each) => attribute(each, 'id'));
      expect(new Set(ids).size, 'duplicate string ids').toBe(ids.length);
      for (const id of ids) expect(id).toMatch(ADMX_ID);
      expect(new Set(ids)).toEqual(stringRefs);
      for (const each of strings) expect(each.text.trim(), attribute(each, 'id')).not.toBe('');

      const presentations = children(child(resources, 'presentationTable'), 'presentation');
      const presentationIds = presentations.map((each) => attribute(each, 'id'));
      expect(new Set(presentationIds).size, 'duplicate presentation ids').toBe(presentationIds.length);
      expect(new Set(presentationIds)).toEqual(presentationRefs);

      // Each presentation shows its policy's element with the matching control.
      const controlFor: Record<string, string> = {
        text: 'textBox',
        enum: 'dropdownList',
        decimal: 'decimalTextBox',
        multiText: 'multiTextBox',
      };
      for (const policy of policies) {
        const reference = policy.attributes.get('presentation');
        const element = elementOf(policy);
        if (element === null) {
          expect(reference).toBeUndefined();
          continue;
        }
        const presentation = presentations.find((each) => `$(presentation.${attribute(each, 'id')})` === reference);
        expect(presentation, reference).toBeDefined();
        const controls = (presentation as XmlElement).children.filter((each) => each.attributes.has('refId'));
        expect(controls.map((each) => [each.name, attribute(each, 'refId')])).toEqual([
          [controlFor[element.name], attribute(element, 'id')],
        ]);
      }
    },
  );

  it('the explanations name each key, in both languages', () => {
    for (const language of ['en-US', 'de-DE'] as const) {
      const adml = renderAdml(language);
      for (const key of SETTING_KEYS) expect(adml, `${language}: ${key}`).toContain(`: ${key}\n`);
    }
  });
});

describe('SETTING_SUMMARIES_DE', () => {
  it('translates every summary (not a copy of the English one)', () => {
    for (const key of SETTING_KEYS) {
      const english = definition(key).summary;
      const german = SETTING_SUMMARIES_DE[key];
      expect(german.trim(), key).not.toBe('');
      if (/\p{L}/u.test(english)) expect(german, key).not.toBe(english);
    }
    expect(Object.keys(SETTING_SUMMARIES_DE).sort()).toEqual([...SETTING_KEYS].sort());
  });
});
