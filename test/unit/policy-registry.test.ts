import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_EXPORT_BYTES,
  parseRegExport,
  RegistryFormatError,
  type RegistryValue,
} from '../../src/main/settings/policy/registry-export';
import { readRegistryPolicy, runRegExe, type RunResult } from '../../src/main/settings/policy/registry';
import { seededRandom, type SeededRandom } from '../support/random';
import { encodeRegExport, utf16le } from '../support/reg-export';
import { tempDir } from '../support/temp';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'policy');
const KEY = 'HKLM\\SOFTWARE\\Policies\\HotlineDesk';
const SECTION = '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\HotlineDesk]';
const HEADER = 'Windows Registry Editor Version 5.00';

/** What the hand-made fixture holds (see test/fixtures/policy/README.md). */
const FIXTURE_VALUES: RegistryValue[] = [
  {
    name: 'sip.servers',
    type: 'REG_SZ',
    value: '["wss://pbx1.example.org:8089/ws","wss://pbx2.example.org:8089/ws"]',
  },
  { name: 'sip.registrationExpiry', type: 'REG_DWORD', value: 600 },
  { name: 'retention.days', type: 'REG_DWORD', value: 14 },
  { name: 'ui.language', type: 'REG_SZ', value: 'de' },
  { name: 'headset.enabled', type: 'REG_DWORD', value: 1 },
  { name: 'privacy.teamLeads', type: 'REG_MULTI_SZ', value: ['KREIS\\mueller', 'group:hotline-leads'] },
  { name: 'reports.directory', type: 'REG_SZ', value: '\\\\fs01\\exports\\hotline' },
  { name: 'log.path', type: 'REG_EXPAND_SZ', value: '%ProgramData%\\HotlineDesk\\logs' },
  { name: 'sip.displayName', type: 'REG_SZ', value: 'Gesundheitsamt Müllerstraße' },
];

function fixture(name: string): Promise<Buffer> {
  return readFile(join(FIXTURES, name));
}

/** A file as reg export writes it, from its text lines (BOM, CRLF after every line). */
function regFile(...lines: string[]): Uint8Array {
  return utf16le('\uFEFF' + lines.map((line) => `${line}\r\n`).join(''));
}

function formatError(bytes: Uint8Array, keyPath = KEY): RegistryFormatError {
  try {
    parseRegExport(bytes, keyPath);
  } catch (error) {
    if (error instanceof RegistryFormatError) return error;
    throw error;
  }
  throw new Error('expected a RegistryFormatError, but the file parsed');
}

describe('parseRegExport: the recorded fixtures', () => {
  it('reads every value of the policy key with its type, and lists the subkey', async () => {
    const parsed = parseRegExport(await fixture('hklm-policies-hotlinedesk.reg'), KEY);
    expect(parsed.values).toEqual(FIXTURE_VALUES);
    expect(parsed.subkeys).toEqual(['Legacy']);
    // Spelled out, the points the fixture is there for:
    const byName = new Map(parsed.values.map((value) => [value.name, value]));
    expect(JSON.parse(String(byName.get('sip.servers')?.value))).toEqual([
      'wss://pbx1.example.org:8089/ws',
      'wss://pbx2.example.org:8089/ws',
    ]);
    expect(byName.get('sip.displayName')?.value).toBe('Gesundheitsamt M\u00fcllerstra\u00dfe');
    expect(byName.get('log.path')?.value).toBe('%ProgramData%\\HotlineDesk\\logs'); // not expanded
    expect(byName.get('reports.directory')?.value).toBe(String.raw`\\fs01\exports\hotline`);
  });

  it('agrees byte for byte with the test encoder, so the round trips below test the same format', async () => {
    const bytes = encodeRegExport([
      { path: SECTION.slice(1, -1), values: FIXTURE_VALUES },
      {
        path: `${SECTION.slice(1, -1)}\\Legacy`,
        values: [{ name: 'sip.server', type: 'REG_SZ', value: 'pbx-old.example.org' }],
      },
    ]);
    expect(Buffer.from(bytes).equals(await fixture('hklm-policies-hotlinedesk.reg'))).toBe(true);
  });

  it('reads a key without values as no values', async () => {
    expect(parseRegExport(await fixture('empty-key.reg'), KEY)).toEqual({ values: [], subkeys: [] });
  });

  it('finds the key under its short or full root name, in any case, with or without a trailing backslash', async () => {
    const bytes = await fixture('empty-key.reg');
    for (const keyPath of [
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\HotlineDesk',
      'hklm\\software\\policies\\hotlinedesk',
      'HKLM\\SOFTWARE\\Policies\\HotlineDesk\\',
    ]) {
      expect(parseRegExport(bytes, keyPath)).toEqual({ values: [], subkeys: [] });
    }
    expect(formatError(bytes, 'HKCU\\SOFTWARE\\Policies\\HotlineDesk').line).toBe(3);
  });

  it('reads a string and a number that reg export wrote as hex(1) and hex(4)', () => {
    // hex(1): a REG_SZ stored without its NUL (or with extra ones); hex(4): a REG_DWORD's bytes.
    const bytes = regFile(
      HEADER,
      '',
      SECTION,
      '"sip.domain"=hex(1):70,00,62,00,78,00',
      '"ui.language"=hex(1):64,00,65,00,00,00,00,00',
      '"retention.days"=hex(4):0e,00,00,00',
    );
    expect(parseRegExport(bytes, KEY).values).toEqual([
      { name: 'sip.domain', type: 'REG_SZ', value: 'pbx' },
      { name: 'ui.language', type: 'REG_SZ', value: 'de' },
      { name: 'retention.days', type: 'REG_DWORD', value: 14 },
    ]);
    expect(() => parseRegExport(regFile(HEADER, '', SECTION, '"a"=hex(4):0e,00'), KEY)).toThrow(
      /expected 4 bytes for the REG_DWORD/,
    );
    expect(() => parseRegExport(regFile(HEADER, '', SECTION, '"a"=hex(1):41,00,00,00,42,00'), KEY)).toThrow(
      /no NUL character inside/,
    );
  });

  it('reads the default value (@) and any hex(N) type it does not know as REG_UNKNOWN', () => {
    const parsed = parseRegExport(
      regFile(
        HEADER,
        '',
        SECTION,
        '@="default"',
        '"none"=hex(0):',
        '"big"=hex(5):00,00,01,00',
        '"res"=hex(ffff0001):ab',
        '',
      ),
      KEY,
    );
    expect(parsed.values).toEqual([
      { name: '', type: 'REG_SZ', value: 'default' },
      { name: 'none', type: 'REG_UNKNOWN', typeCode: 0, value: new Uint8Array() },
      { name: 'big', type: 'REG_UNKNOWN', typeCode: 5, value: Uint8Array.of(0, 0, 1, 0) },
      { name: 'res', type: 'REG_UNKNOWN', typeCode: 0xffff0001, value: Uint8Array.of(0xab) },
    ]);
  });

  it('reads the two forms of an empty REG_MULTI_SZ and a file whose last line has no CRLF', () => {
    const parsed = parseRegExport(
      utf16le(`\uFEFF${HEADER}\r\n\r\n${SECTION}\r\n"one"=hex(7):00,00\r\n"two"=hex(7):00,00,00,00\r\n"none"=hex(7):`),
      KEY,
    );
    expect(parsed.values.map((value) => value.value)).toEqual([[], [], []]);
  });

  it('lists nested subkeys by their path below the key and ignores their values', () => {
    const parsed = parseRegExport(
      regFile(
        HEADER,
        '',
        SECTION,
        '"a"="1"',
        '',
        `${SECTION.slice(0, -1)}\\Sub]`,
        '"a"="2"',
        '',
        `${SECTION.slice(0, -1)}\\Sub\\Deeper]`,
        '',
      ),
      KEY,
    );
    expect(parsed).toEqual({ values: [{ name: 'a', type: 'REG_SZ', value: '1' }], subkeys: ['Sub', 'Sub\\Deeper'] });
  });
});

describe('parseRegExport: round trips', () => {
  // Characters that stress the escapes, the UTF-16 handling and the syntax around them.
  const CHARACTERS = [
    'a',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '=',
    '@',
    '[',
    ']',
    ',',
    ':',
    ';',
    'ä',
    'ß',
    '€',
    '中',
    '😀',
    '🇩',
    '\u00a0',
    '\uFEFF',
  ];

  function text(random: SeededRandom, maxLength: number, minLength = 0): string {
    const length = minLength + random.int(maxLength - minLength + 1);
    return Array.from({ length }, () => random.pick(CHARACTERS)).join('');
  }

  function randomValue(random: SeededRandom, name: string): RegistryValue {
    switch (random.int(7)) {
      case 0:
        return { name, type: 'REG_SZ', value: text(random, 40) };
      case 1:
        return { name, type: 'REG_EXPAND_SZ', value: random.pick(['', '%TEMP%\\x', text(random, 60)]) };
      case 2:
        // A REG_MULTI_SZ cannot hold an empty string (it would end the list).
        return { name, type: 'REG_MULTI_SZ', value: Array.from({ length: random.int(4) }, () => text(random, 20, 1)) };
      case 3:
        return { name, type: 'REG_DWORD', value: random.pick([0, 1, 0xffffffff, random.int(2 ** 32)]) };
      case 4: {
        const random64 = (BigInt(random.int(2 ** 32)) << 32n) | BigInt(random.int(2 ** 32));
        return { name, type: 'REG_QWORD', value: random.pick([0n, 2n ** 64n - 1n, random64]) };
      }
      case 5:
        return { name, type: 'REG_BINARY', value: random.bytes(random.int(120)) };
      default:
        return {
          name,
          type: 'REG_UNKNOWN',
          typeCode: random.pick([0, 3, 5, 8, 9, 0xa, 0x1000, 0xffffffff]),
          value: random.bytes(random.int(40)),
        };
    }
  }

  function randomValues(random: SeededRandom): RegistryValue[] {
    const names = new Set<string>();
    const values: RegistryValue[] = [];
    for (let count = random.int(8); count > 0; count--) {
      const name = random.int(6) === 0 ? '' : text(random, 16, 1);
      if (names.has(name.toUpperCase())) continue; // the registry holds one value per name
      names.add(name.toUpperCase());
      values.push(randomValue(random, name));
    }
    return values;
  }

  it('reads back random values exactly, with hex wrapped at various widths', () => {
    const random = seededRandom(0x5eed_2e6);
    for (let round = 0; round < 400; round++) {
      const values = randomValues(random);
      const subkeys = random.int(3) === 0 ? ['Legacy', 'Legacy\\Deeper'] : [];
      const sections = [
        { path: SECTION.slice(1, -1), values },
        ...subkeys.map((subkey) => ({ path: `${SECTION.slice(1, -1)}\\${subkey}`, values: randomValues(random) })),
      ];
      const wrapAt = random.pick([1, 5, 20, 40, 77, 80, 200, 100_000]);
      const parsed = parseRegExport(encodeRegExport(sections, { wrapAt }), KEY);
      expect(parsed, `round ${round}, wrapped at ${wrapAt}`).toEqual({ values, subkeys });
    }
  });

  it('reads back the edge values', () => {
    const values: RegistryValue[] = [
      { name: '', type: 'REG_SZ', value: '' },
      { name: 'quote " and \\ backslash \\"', type: 'REG_SZ', value: '"\\"\\\\"' },
      { name: 'emoji 😀', type: 'REG_EXPAND_SZ', value: '😀🇩🇪' },
      { name: 'empty expand', type: 'REG_EXPAND_SZ', value: '' },
      { name: 'empty list', type: 'REG_MULTI_SZ', value: [] },
      { name: 'dword 0', type: 'REG_DWORD', value: 0 },
      { name: 'dword max', type: 'REG_DWORD', value: 0xffffffff },
      { name: 'qword max', type: 'REG_QWORD', value: 0xffff_ffff_ffff_ffffn },
      { name: 'empty binary', type: 'REG_BINARY', value: new Uint8Array() },
    ];
    for (const wrapAt of [1, 77]) {
      expect(parseRegExport(encodeRegExport([{ path: SECTION.slice(1, -1), values }], { wrapAt }), KEY).values).toEqual(
        values,
      );
    }
  });
});

describe('parseRegExport: malformed files', () => {
  const cases: { what: string; bytes: () => Uint8Array; line: number; message: RegExp }[] = [
    {
      what: 'no byte-order mark',
      bytes: () => utf16le(`${HEADER}\r\n\r\n${SECTION}\r\n`),
      line: 1,
      message: /byte-order mark FF FE/,
    },
    {
      what: 'a UTF-8 file',
      bytes: () => new TextEncoder().encode(`${HEADER}\r\n\r\n${SECTION}\r\n`),
      line: 1,
      message: /UTF-8 or ANSI/,
    },
    {
      what: 'a UTF-8 file with its BOM',
      bytes: () => new TextEncoder().encode(`\uFEFF${HEADER}\r\n`),
      line: 1,
      message: /UTF-8 byte-order mark/,
    },
    { what: 'an empty file', bytes: () => new Uint8Array(), line: 1, message: /found an empty file/ },
    { what: 'a wrong header', bytes: () => regFile('REGEDIT4', '', SECTION), line: 1, message: /expected the header/ },
    { what: 'a header and nothing else', bytes: () => regFile(HEADER, ''), line: 2, message: /file ends before it/ },
    {
      what: 'an odd byte count',
      bytes: () => Uint8Array.from([...regFile(HEADER, '', SECTION), 0x41]),
      line: 3,
      message: /half a character/,
    },
    {
      what: 'a bare LF',
      bytes: () => utf16le(`\uFEFF${HEADER}\r\n\n${SECTION}\r\n`),
      line: 2,
      message: /line feed \(LF\) without CR/,
    },
    {
      what: 'an unpaired surrogate',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="\uD83D"'),
      line: 4,
      message: /unpaired high surrogate/,
    },
    {
      what: 'a value before any section',
      bytes: () => regFile(HEADER, '', '"a"="b"', SECTION),
      line: 3,
      message: /section line .* before the first value/,
    },
    {
      what: 'a first section that is not the key',
      bytes: () => regFile(HEADER, '', `${SECTION.slice(0, -1)}\\Sub]`),
      line: 3,
      message: /first section to be/,
    },
    {
      what: 'a section outside the key',
      bytes: () => regFile(HEADER, '', SECTION, '', '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]'),
      line: 5,
      message: /or one of its subkeys/,
    },
    {
      what: 'a key deletion',
      bytes: () => regFile(HEADER, '', SECTION, '[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\HotlineDesk\\X]'),
      line: 4,
      message: /key deletion/,
    },
    {
      what: 'a section twice',
      bytes: () => regFile(HEADER, '', SECTION, '', SECTION.toUpperCase()),
      line: 5,
      message: /appears twice/,
    },
    {
      what: 'a bad escape \\q',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="b"', '"c"="x\\qy"'),
      line: 5,
      message: /found "\\q"/,
    },
    {
      what: 'a bad escape in a name',
      bytes: () => regFile(HEADER, '', SECTION, '"a\\n"="b"'),
      line: 4,
      message: /value name, found "\\n"/,
    },
    {
      what: 'an unterminated string',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="b'),
      line: 4,
      message: /unterminated string/,
    },
    {
      what: 'an unterminated name',
      bytes: () => regFile(HEADER, '', SECTION, '"a=dword:00000001'),
      line: 4,
      message: /unterminated value name/,
    },
    {
      what: 'text after a string',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="b" '),
      line: 4,
      message: /end after the closing/,
    },
    {
      what: 'no = after the name',
      bytes: () => regFile(HEADER, '', SECTION, '"a" ="b"'),
      line: 4,
      message: /expected '=' after the value name "a"/,
    },
    {
      what: 'dword:123',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=dword:123'),
      line: 4,
      message: /exactly 8 hex digits .* "dword:123"/,
    },
    {
      what: 'a dword of 9 digits',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=dword:000000001'),
      line: 4,
      message: /exactly 8 hex digits/,
    },
    {
      what: 'an unknown data form',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=qword:1'),
      line: 4,
      message: /a quoted string, dword:, hex: or hex\(N\):/,
    },
    {
      what: 'a bad hex type',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(z):00'),
      line: 4,
      message: /hex\(N\): with N the type/,
    },
    {
      what: 'a value deletion',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=-'),
      line: 4,
      message: /value deletion/,
    },
    {
      what: 'an odd hex digit count on a continuation line',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex:00,01,\\', '  02,3,04'),
      line: 5,
      message: /two hex digits per byte .* found "3"/,
    },
    {
      what: 'three hex digits',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex:000'),
      line: 4,
      message: /two hex digits per byte/,
    },
    {
      what: 'an empty hex entry',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex:00,,01'),
      line: 4,
      message: /found an empty entry/,
    },
    {
      what: 'a trailing comma',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex:00,01,'),
      line: 4,
      message: /after the last ','/,
    },
    {
      what: 'a wrap without comma',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex:00\\', '  01'),
      line: 4,
      message: /',\\' at the end of a wrapped/,
    },
    {
      what: 'hex(7) with an odd byte count',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="b"', '"list"=hex(7):41,00,00,\\', '  00,00'),
      line: 5,
      message: /REG_MULTI_SZ value "list" to be UTF-16LE, an even number of bytes, found 5/,
    },
    {
      what: 'hex(7) without its final NUL',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(7):41,00,00,00'),
      line: 4,
      message: /two NUL characters/,
    },
    {
      what: 'hex(7) with an empty string inside',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(7):41,00,00,00,00,00,42,00,00,00,00,00'),
      line: 4,
      message: /no empty string/,
    },
    {
      what: 'hex(2) without its NUL',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(2):41,00'),
      line: 4,
      message: /end with a NUL character/,
    },
    {
      what: 'hex(2) with an inner NUL',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(2):41,00,00,00,42,00,00,00'),
      line: 4,
      message: /found one before it/,
    },
    {
      what: 'hex(2) with an unpaired surrogate',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(2):3d,d8,00,00'),
      line: 4,
      message: /unpaired surrogate/,
    },
    {
      what: 'hex(b) of 4 bytes',
      bytes: () => regFile(HEADER, '', SECTION, '"a"=hex(b):01,00,00,00'),
      line: 4,
      message: /8 bytes for the REG_QWORD value "a", found 4/,
    },
    {
      what: 'a wrap at the end of the file',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="b"', '"bin"=hex:00,01,\\'),
      line: 5,
      message: /wraps .* but the file ends/,
    },
    {
      what: 'a wrap followed by a blank line',
      bytes: () => regFile(HEADER, '', SECTION, '"bin"=hex:00,01,\\', ''),
      line: 5,
      message: /continuation line starting with two spaces \(line 4 ends with ',\\'\)/,
    },
    {
      what: 'a continuation line with three spaces',
      bytes: () => regFile(HEADER, '', SECTION, '"bin"=hex:00,\\', '   01'),
      line: 5,
      message: /two spaces/,
    },
    {
      what: 'a stray continuation line',
      bytes: () => regFile(HEADER, '', SECTION, '"a"="b"', '  00'),
      line: 5,
      message: /unexpected continuation line/,
    },
    {
      what: 'a comment',
      bytes: () => regFile(HEADER, '', SECTION, '; note'),
      line: 4,
      message: /expected a section line/,
    },
    {
      what: 'a duplicate name (case-insensitively)',
      bytes: () => regFile(HEADER, '', SECTION, '"ui.language"="de"', '"a"=dword:00000001', '"UI.Language"="en"'),
      line: 6,
      message: /value "UI.Language" appears twice/,
    },
    {
      what: 'the default value twice',
      bytes: () => regFile(HEADER, '', SECTION, '@="a"', '@=hex:00'),
      line: 5,
      message: /@ \(the default value\) appears twice/,
    },
    {
      what: 'an oversize file',
      bytes: () => {
        const bytes = new Uint8Array(MAX_EXPORT_BYTES + 2);
        bytes.set(regFile(HEADER, '', SECTION));
        return bytes;
      },
      line: 1,
      message: /at most 4194304 bytes, found 4194306/,
    },
  ];

  for (const { what, bytes, line, message } of cases) {
    it(`${what}: line ${line}`, () => {
      const error = formatError(bytes());
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`line ${line}: `)).toBe(true);
    });
  }

  it('takes an export of exactly the size limit', () => {
    const head = regFile(HEADER, '', SECTION, '"a"=hex:');
    const bytes = new Uint8Array(MAX_EXPORT_BYTES);
    bytes.set(head);
    expect(formatError(bytes).problem).not.toMatch(/at most/);
  });
});

describe('readRegistryPolicy', () => {
  type Call = { file: string; args: readonly string[] };

  /** A stand-in for reg.exe: `export` and `query` answer as told; every call is recorded. */
  function fakeReg(roles: {
    export: (file: string) => Promise<RunResult> | RunResult;
    query?: RunResult;
    /** `reg query` of our own key (default: exit 1, the key is not there). */
    queryOwn?: RunResult;
  }): {
    run: (file: string, args: readonly string[]) => Promise<RunResult>;
    calls: Call[];
  } {
    const calls: Call[] = [];
    return {
      calls,
      run: async (file, args) => {
        calls.push({ file, args });
        if (args[0] === 'export') return roles.export(args[2] as string);
        if (args[0] === 'query' && args[1] !== 'HKLM\\SOFTWARE\\Policies') return roles.queryOwn ?? { exitCode: 1 };
        if (args[0] === 'query' && roles.query !== undefined) return roles.query;
        throw new Error(`unexpected reg call: ${args.join(' ')}`);
      },
    };
  }

  const EXPORT_ARGS = (file: string) => ['export', KEY, file, '/y', '/reg:64'];
  const QUERY_ARGS = ['query', 'HKLM\\SOFTWARE\\Policies', '/reg:64'];

  it('reads the key when reg export succeeds, with the exact command line', async () => {
    const dir = await tempDir();
    const fixtureBytes = await fixture('hklm-policies-hotlinedesk.reg');
    const reg = fakeReg({
      export: async (file) => {
        await writeFile(file, fixtureBytes);
        return { exitCode: 0 };
      },
    });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: dir });
    expect(result).toEqual({ state: 'read', export: { values: FIXTURE_VALUES, subkeys: ['Legacy'] } });
    expect(reg.calls).toHaveLength(1);
    const [call] = reg.calls as [Call];
    expect(basename(call.file).toLowerCase()).toMatch(/^reg(\.exe)?$/);
    expect(call.args).toEqual(EXPORT_ARGS(call.args[2] as string));
    // The export goes to a private folder made inside tempDir.
    expect((call.args[2] as string).startsWith(join(dir, 'hotline-desk-reg-'))).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('exports the key it is given', async () => {
    const dir = await tempDir();
    const reg = fakeReg({ export: () => ({ exitCode: 1 }), query: { exitCode: 0 } });
    await readRegistryPolicy({ run: reg.run, tempDir: dir, keyPath: 'HKCU\\Software\\Policies\\HotlineDesk' });
    expect(reg.calls[0]?.args.slice(0, 2)).toEqual(['export', 'HKCU\\Software\\Policies\\HotlineDesk']);
  });

  it('is absent when reg export fails and reg query of HKLM\\SOFTWARE\\Policies works', async () => {
    const dir = await tempDir();
    const reg = fakeReg({ export: () => ({ exitCode: 1 }), query: { exitCode: 0 } });
    expect(await readRegistryPolicy({ run: reg.run, tempDir: dir })).toEqual({ state: 'absent' });
    expect(reg.calls.map((call) => call.args)).toEqual([
      EXPORT_ARGS(reg.calls[0]?.args[2] as string),
      QUERY_ARGS,
      ['query', KEY, '/reg:64'],
    ]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails, never "absent", when the export fails but the key is there (an ACL, a full disk)', async () => {
    const dir = await tempDir();
    const reg = fakeReg({ export: () => ({ exitCode: 1 }), query: { exitCode: 0 }, queryOwn: { exitCode: 0 } });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: dir });
    expect(result).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/exists but reg export failed \(exit 1\)/),
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails, naming both exit codes, when reg query fails too', async () => {
    const dir = await tempDir();
    const reg = fakeReg({ export: () => ({ exitCode: 1 }), query: { exitCode: 5 } });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: dir });
    expect(result.state).toBe('failed');
    expect(result).toMatchObject({ reason: expect.stringContaining('(reg export exit 1, reg query exit 5)') });
    expect(result).toMatchObject({ reason: expect.stringMatching(/disabled by policy/) });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails, naming the code, when reg.exe cannot be started', async () => {
    const dir = await tempDir();
    const reg = fakeReg({ export: () => ({ exitCode: null, error: 'ENOENT' }) });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: dir });
    expect(result).toMatchObject({ state: 'failed', reason: expect.stringMatching(/could not run reg\.exe .*ENOENT/) });
    expect(reg.calls).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails, naming the line, when the export is not in the expected format', async () => {
    const dir = await tempDir();
    const reg = fakeReg({
      export: async (file) => {
        await writeFile(file, regFile(HEADER, '', SECTION, '"a"=dword:12'));
        return { exitCode: 0 };
      },
    });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: dir });
    expect(result).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/not in the expected format: line 4: /),
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails when reg export exits 0 but wrote no file, and when the runner itself throws', async () => {
    const dir = await tempDir();
    const silent = fakeReg({ export: () => ({ exitCode: 0 }) });
    expect(await readRegistryPolicy({ run: silent.run, tempDir: dir })).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/exited 0 but its file .* could not be read: ENOENT/),
    });
    const throwing = fakeReg({
      export: () => {
        throw new Error('runner broke');
      },
    });
    expect(await readRegistryPolicy({ run: throwing.run, tempDir: dir })).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/runner broke/),
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an oversize export without reading all of it', async () => {
    const dir = await tempDir();
    const reg = fakeReg({
      export: async (file) => {
        await writeFile(file, new Uint8Array(MAX_EXPORT_BYTES * 2));
        return { exitCode: 0 };
      },
    });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: dir });
    expect(result).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/line 1: expected at most 4194304 bytes, found 4194305/),
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails when it cannot make its temporary folder', async () => {
    const dir = await tempDir();
    const reg = fakeReg({ export: () => ({ exitCode: 0 }) });
    const result = await readRegistryPolicy({ run: reg.run, tempDir: join(dir, 'missing') });
    expect(result).toMatchObject({ state: 'failed', reason: expect.stringMatching(/temporary folder .*ENOENT/) });
    expect(reg.calls).toEqual([]);
  });
});

describe('runRegExe', () => {
  it('resolves a missing executable as a spawn failure, never rejecting', async () => {
    const dir = await tempDir();
    expect(await runRegExe(join(dir, 'reg'), ['query', 'HKLM\\SOFTWARE\\Policies', '/reg:64'])).toEqual({
      exitCode: null,
      error: 'ENOENT',
    });
  });

  it.skipIf(process.platform === 'win32')('resolves ENOENT for reg itself where there is no reg.exe', async () => {
    expect(
      await runRegExe('reg', ['export', 'HKLM\\SOFTWARE\\Policies\\HotlineDesk', 'x.reg', '/y', '/reg:64']),
    ).toEqual({
      exitCode: null,
      error: 'ENOENT',
    });
  });

  it('resolves the exit code of a process that runs', async () => {
    expect(await runRegExe(process.execPath, ['-e', 'process.exit(0)'])).toEqual({ exitCode: 0 });
    expect(await runRegExe(process.execPath, ['-e', 'process.exit(3)'])).toEqual({ exitCode: 3 });
  });
});
