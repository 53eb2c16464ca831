import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlist, PlistFormatError, type PlistValue } from '../../src/main/settings/policy/plist';
import { seededRandom, type SeededRandom } from '../support/random';
import { requirement } from '../support/requirements';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'policy');
const XML_FIXTURE = new Uint8Array(readFileSync(join(FIXTURES, 'managed-prefs.xml.plist')));
const BINARY_FIXTURE = new Uint8Array(readFileSync(join(FIXTURES, 'managed-prefs.binary.plist')));

/** What make-plists.py wrote, as parsePlist must give it back from either format. */
const EXPECTED: PlistValue = {
  PayloadUUID: '6F1C2A9E-3B7D-4E52-9A18-0C4D5E6F7A8B',
  'sip.servers': ['wss://pbx1.kreis.example:8089/ws', 'wss://pbx2.kreis.example:8089/ws'],
  'sip.registrationExpiry': 600,
  'sip.displayName': 'Bürgertelefon Gesundheitsamt ☎️ 📞',
  'retention.days': 14,
  'ui.language': 'de',
  'headset.enabled': true,
  'privacy.teamLeads': ['KREIS\\mueller', 'group:hotline-leads'],
  'reports.pseudonymKey': 'q0Vn3C6xKJrA8yqfXQmV1t2vCz3kP8sWn4hLr9bYd2E=',
  'reports.formats': ['xlsx', 'csv-de'],
  'intake.form': {
    id: 'vaccination-line',
    version: 2,
    title: { de: 'Impfhotline', en: 'Vaccination line' },
    sections: [{ id: 'call', title: { de: 'Anruf', en: 'Call' } }],
    dispositionField: 'topic',
    fields: [
      {
        id: 'topic',
        type: 'choice',
        section: 'call',
        tag: 'none',
        required: true,
        label: { de: 'Thema', en: 'Topic' },
        options: [
          { value: 'booking', label: { de: 'Termin', en: 'Booking' } },
          { value: 'side-effects', label: { de: 'Nebenwirkungen', en: 'Side effects' } },
        ],
      },
      {
        id: 'notes',
        type: 'text',
        section: 'call',
        tag: 'health',
        required: false,
        label: { de: 'Notizen (Größe, Gewicht, Beschwerden)', en: 'Notes' },
      },
    ],
  },
  'test.extensionNumbers': Array.from({ length: 20 }, (_, index) => 100 + index),
  'test.bigInteger': 2 ** 40 + 7,
  'test.negative': -42,
  'test.unsigned64': 2n ** 64n - 1n,
  'test.mostNegative': -(2n ** 63n),
  'test.real': 0.25,
  'test.issued': new Date('2026-01-02T03:04:05Z'),
  'test.blob': Uint8Array.from({ length: 37 }, (_, index) => index * 7),
};

function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function xml(body: string): Uint8Array {
  return utf8(
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n${body}\n</plist>\n`,
  );
}

/** The PlistFormatError parsePlist throws (fails the test if it returns or throws anything else). */
function refusal(bytes: Uint8Array): PlistFormatError {
  try {
    parsePlist(bytes);
  } catch (error) {
    if (error instanceof PlistFormatError) return error;
    throw error;
  }
  throw new Error('expected a PlistFormatError, but the input parsed');
}

function bigEndian(value: number, size: number): number[] {
  return Array.from({ length: size }, (_, index) => Math.floor(value / 256 ** (size - 1 - index)) % 256);
}

/**
 * A binary plist from hand-made objects (marker and payload bytes each, reference size `refSize`),
 * for the cases no writer makes: the offset table and trailer are computed, then `patch` may break them.
 */
function bplist(
  objects: readonly (readonly number[])[],
  { top = 0, refSize = 1, patch }: { top?: number; refSize?: number; patch?: (bytes: number[]) => void } = {},
): Uint8Array {
  const bytes = [...utf8('bplist00')];
  const offsets: number[] = [];
  for (const object of objects) {
    offsets.push(bytes.length);
    bytes.push(...object);
  }
  const tableOffset = bytes.length;
  const offsetSize = tableOffset < 256 ? 1 : tableOffset < 65_536 ? 2 : 4;
  for (const offset of offsets) bytes.push(...bigEndian(offset, offsetSize));
  bytes.push(0, 0, 0, 0, 0, 0, offsetSize, refSize);
  bytes.push(...bigEndian(objects.length, 8), ...bigEndian(top, 8), ...bigEndian(tableOffset, 8));
  patch?.(bytes);
  return Uint8Array.from(bytes);
}

/** An ASCII string object (short form). */
function ascii(text: string): number[] {
  return [0x50 | text.length, ...utf8(text)];
}

describe('parsePlist: the managed-preferences fixtures (written by Python plistlib)', () => {
  it('reads the XML fixture', () => {
    expect(parsePlist(XML_FIXTURE)).toEqual(EXPECTED);
  });

  it('reads the binary fixture (UTF-16 strings, counts that follow the marker, 8- and 16-byte integers)', () => {
    const binary = parsePlist(BINARY_FIXTURE);
    expect(binary).toEqual(EXPECTED);
    expect(hex(BINARY_FIXTURE.subarray(0, 8))).toBe(hex(utf8('bplist00')));
  });

  it('gives the same types from both: bigint beyond 2^53, Date, Uint8Array', () => {
    for (const parsed of [parsePlist(XML_FIXTURE), parsePlist(BINARY_FIXTURE)] as Record<string, PlistValue>[]) {
      expect(typeof parsed['test.bigInteger']).toBe('number');
      expect(typeof parsed['test.unsigned64']).toBe('bigint');
      expect(typeof parsed['test.mostNegative']).toBe('bigint');
      expect(parsed['test.issued']).toBeInstanceOf(Date);
      expect(parsed['test.blob']?.constructor).toBe(Uint8Array);
    }
  });

  it('reads a Buffer and an XML file with a BOM and CRLF line breaks', () => {
    expect(parsePlist(readFileSync(join(FIXTURES, 'managed-prefs.binary.plist')))).toEqual(EXPECTED);
    const crlf = new TextDecoder().decode(XML_FIXTURE).replace(/\n/g, '\r\n');
    expect(parsePlist(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(crlf)]))).toEqual(EXPECTED);
  });
});

// ---------------------------------------------------------------------------------------------
// Random values, written by plistlib in both formats, read back.

/** How the test tells python what to write: JSON cannot say int vs real, -0, dates or bytes. */
type Tagged =
  | ['i', string]
  | ['r', string]
  | ['s', string]
  | ['b', boolean]
  | ['d', number]
  | ['x', string]
  | ['a', Tagged[]]
  | ['o', [string, Tagged][]];

interface Sample {
  readonly tagged: Tagged;
  readonly expected: PlistValue;
}

const WRITER = `
import base64, datetime, json, plistlib, sys
EPOCH = datetime.datetime(1970, 1, 1)
def build(tagged):
    kind, value = tagged
    if kind == 'i': return int(value)
    if kind == 'r': return float(value)
    if kind in ('s', 'b'): return value
    if kind == 'd': return EPOCH + datetime.timedelta(seconds=value)
    if kind == 'x': return bytes.fromhex(value)
    if kind == 'a': return [build(item) for item in value]
    if kind == 'o': return {key: build(item) for key, item in value}
    raise ValueError(kind)
out = []
for tagged in json.loads(sys.stdin.buffer.read()):
    value = build(tagged)
    out.append([base64.b64encode(plistlib.dumps(value, fmt=fmt)).decode('ascii') for fmt in (plistlib.FMT_XML, plistlib.FMT_BINARY)])
sys.stdout.write(json.dumps(out))
`;

const python = requirement(
  'python3 with plistlib',
  spawnSync('python3', ['-c', 'import plistlib'], { stdio: 'ignore' }).status === 0,
  'Install python3 (apt-get install python3): plistlib writes the round-trip plists.',
);

/** Every sample as [XML, binary], written by one python process. */
function writeWithPlistlib(samples: readonly Sample[]): [Uint8Array, Uint8Array][] {
  const result = spawnSync('python3', ['-c', WRITER], {
    input: JSON.stringify(samples.map((sample) => sample.tagged)),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr.toString()}`);
  const written = JSON.parse(result.stdout.toString()) as [string, string][];
  return written.map(([xmlBase64, binaryBase64]) => [
    new Uint8Array(Buffer.from(xmlBase64, 'base64')),
    new Uint8Array(Buffer.from(binaryBase64, 'base64')),
  ]);
}

/** Characters plistlib writes in both formats: markup characters, non-ASCII, astral (surrogate pairs). */
const CHARACTERS = [
  ...'abcXYZ019 .-_/\\',
  '<',
  '>',
  '&',
  ']]>',
  '"',
  "'",
  '\t',
  '\n',
  'ä',
  'ß',
  '€',
  '\u00a0',
  '\ufffd',
];
const RARE_CHARACTERS = ['😀', '📞', '中', '文', '\u{10ffff}', '\u{1f1e9}\u{1f1ea}'];

function randomString(random: SeededRandom): string {
  const length = random.next() < 0.15 ? 15 + random.int(40) : random.int(12);
  let text = '';
  for (let index = 0; index < length; index += 1)
    text += random.next() < 0.1 ? random.pick(RARE_CHARACTERS) : random.pick(CHARACTERS);
  return text;
}

function expectedInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function randomInteger(random: SeededRandom): bigint {
  const bits = (count: number) =>
    Array.from({ length: count }, () => BigInt(random.int(2))).reduce((sum, bit) => (sum << 1n) | bit, 0n);
  switch (random.int(6)) {
    case 0:
      return BigInt(random.int(300));
    case 1:
      return -BigInt(random.int(300));
    case 2: // around the 1/2/4/8-byte and safe-integer boundaries
      return (
        random.pick([2n ** 8n, 2n ** 16n, 2n ** 32n, 2n ** 53n, 2n ** 63n, -(2n ** 53n)]) + BigInt(random.int(5) - 2)
      );
    case 3:
      return random.pick([2n ** 64n - 1n, -(2n ** 63n), 2n ** 63n - 1n, 0n]);
    case 4:
      return BigInt.asIntN(64, bits(64));
    default:
      return BigInt.asUintN(64, bits(64));
  }
}

function randomReal(random: SeededRandom): number {
  if (random.next() < 0.2)
    // No -0: plistlib's binary writer shares equal scalars, and 0.0 == -0.0 in Python, so one of
    // them would come back as the other (the hand-made XML test reads -0.0).
    return random.pick([0, Infinity, -Infinity, Number.NaN, Number.MAX_VALUE, Number.MIN_VALUE, 0.1, 1e21]);
  return (random.next() - 0.5) * 10 ** (random.int(40) - 20);
}

/** Whole seconds between the years 1000 and 9999: what plistlib's XML dates hold. */
function randomDate(random: SeededRandom): number {
  const from = Date.UTC(1000, 0, 1) / 1000;
  const to = Date.UTC(9999, 11, 31) / 1000;
  return from + Math.floor(random.next() * (to - from));
}

function randomSample(random: SeededRandom, depth: number): Sample {
  const kind = random.int(depth < 5 ? 10 : 7);
  switch (kind) {
    case 0: {
      const value = randomInteger(random);
      return { tagged: ['i', value.toString()], expected: expectedInteger(value) };
    }
    case 1: {
      const value = randomReal(random);
      return { tagged: ['r', String(value)], expected: value };
    }
    case 2:
    case 3: {
      const value = randomString(random);
      return { tagged: ['s', value], expected: value };
    }
    case 4: {
      const value = random.next() < 0.5;
      return { tagged: ['b', value], expected: value };
    }
    case 5: {
      const seconds = randomDate(random);
      return { tagged: ['d', seconds], expected: new Date(seconds * 1000) };
    }
    case 6: {
      const value = random.bytes(random.next() < 0.2 ? 15 + random.int(300) : random.int(15));
      return { tagged: ['x', hex(value)], expected: value };
    }
    case 7:
    case 8: {
      const items = Array.from({ length: random.next() < 0.2 ? 15 + random.int(20) : random.int(6) }, () =>
        randomSample(random, depth + 1),
      );
      return { tagged: ['a', items.map((item) => item.tagged)], expected: items.map((item) => item.expected) };
    }
    default: {
      const keys = new Set(
        Array.from({ length: random.next() < 0.2 ? 15 + random.int(20) : random.int(6) }, () => randomString(random)),
      );
      const entries = [...keys].map((key) => [key, randomSample(random, depth + 1)] as const);
      return {
        tagged: ['o', entries.map(([key, item]) => [key, item.tagged])],
        expected: Object.fromEntries(entries.map(([key, item]) => [key, item.expected])),
      };
    }
  }
}

/** More than 65,535 objects and offsets: the 2- and 4-byte reference and offset sizes. */
function largeSample(): Sample {
  const items = Array.from({ length: 70_000 }, (_, index) =>
    index % 2 === 0
      ? { tagged: ['i', String(index * 1_000_003)] as Tagged, expected: index * 1_000_003 }
      : { tagged: ['s', `k${index}`] as Tagged, expected: `k${index}` },
  );
  return { tagged: ['a', items.map((item) => item.tagged)], expected: items.map((item) => item.expected) };
}

describe.skipIf(python.skip)('parsePlist: random values written by Python plistlib', () => {
  const random = seededRandom(0x91157);
  const samples = [...Array.from({ length: 400 }, () => randomSample(random, 0)), largeSample()];
  let written: [Uint8Array, Uint8Array][] = [];

  beforeAll(() => {
    python.assert();
    // One python process for all of them: starting one per value would take longer than the test.
    written = writeWithPlistlib(samples);
    expect(written).toHaveLength(samples.length);
  });

  function readsBack(index: number): void {
    const sample = samples[index];
    const [xmlBytes, binaryBytes] = written[index] ?? [];
    if (sample === undefined || xmlBytes === undefined || binaryBytes === undefined)
      throw new Error(`sample ${index} not written`);
    const what = JSON.stringify(sample.tagged).slice(0, 300);
    expect(parsePlist(xmlBytes), `sample ${index}, XML: ${what}`).toEqual(sample.expected);
    expect(parsePlist(binaryBytes), `sample ${index}, binary: ${what}`).toEqual(sample.expected);
  }

  it('reads back 400 random values from both formats', () => {
    for (let index = 0; index < samples.length - 1; index += 1) readsBack(index);
  });

  it('reads back an array of 70,000 values (2- and 4-byte references and offsets in binary)', () => {
    readsBack(samples.length - 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed input: PlistFormatError, and only that.

interface Outcome {
  parsed: number;
  refused: number;
  /** Anything thrown that is not a PlistFormatError. */
  failures: string[];
}

function attempt(bytes: Uint8Array, outcome: Outcome, label: string): void {
  try {
    parsePlist(bytes);
    outcome.parsed += 1;
  } catch (error) {
    if (error instanceof PlistFormatError && error.message.length > 0) outcome.refused += 1;
    else outcome.failures.push(`${label}: ${String(error)} for ${hex(bytes).slice(0, 400)}`);
  }
}

function flipped(source: Uint8Array, random: SeededRandom, tailBias: boolean): Uint8Array {
  const bytes = new Uint8Array(source);
  const flips = 1 + random.int(3);
  for (let flip = 0; flip < flips; flip += 1) {
    // The trailer and offset table steer everything: hit them more often than their share.
    const at = tailBias && random.next() < 0.4 ? bytes.length - 1 - random.int(64) : random.int(bytes.length);
    bytes[at] = random.next() < 0.5 ? (bytes[at] ?? 0) ^ (1 << random.int(8)) : random.int(256);
  }
  return bytes;
}

describe('parsePlist: damaged files', () => {
  it('refuses every truncation of the binary fixture', () => {
    for (let length = 0; length < BINARY_FIXTURE.length; length += 1)
      expect(refusal(BINARY_FIXTURE.subarray(0, length)).message).not.toBe('');
  });

  it('refuses every truncation of the XML fixture before its </plist>', () => {
    const end = new TextDecoder().decode(XML_FIXTURE).lastIndexOf('</plist>') + '</plist>'.length;
    for (let length = 0; length < end; length += 1) refusal(XML_FIXTURE.subarray(0, length));
  });

  it('gives a value or a PlistFormatError for 5,000 randomly damaged binary files and 2,000 XML files', () => {
    const random = seededRandom(0xb71157);
    const outcome: Outcome = { parsed: 0, refused: 0, failures: [] };
    for (let round = 0; round < 5_000; round += 1)
      attempt(flipped(BINARY_FIXTURE, random, true), outcome, `binary round ${round}`);
    for (let round = 0; round < 2_000; round += 1)
      attempt(flipped(XML_FIXTURE, random, false), outcome, `XML round ${round}`);
    for (let round = 0; round < 1_000; round += 1) {
      const noise = random.bytes(41 + random.int(200));
      noise.set(utf8('bplist00'));
      attempt(noise, outcome, `noise round ${round}`);
    }
    expect(outcome.failures).toEqual([]);
    // Both happen, so the damage reaches the readers' every path and not only the first check.
    expect(outcome.parsed).toBeGreaterThan(100);
    expect(outcome.refused).toBeGreaterThan(1_000);
  });

  it('refuses files over 4 MiB before reading them', () => {
    const big = new Uint8Array(4 * 1024 * 1024 + 1);
    big.set(utf8('bplist00'));
    expect(refusal(big).message).toMatch(/at most 4194304 bytes/);
    expect(refusal(utf8(`<plist><string>${'a'.repeat(4 * 1024 * 1024)}</string></plist>`)).message).toMatch(/at most/);
  });

  it('refuses what is no plist at all', () => {
    expect(refusal(new Uint8Array()).message).toMatch(/not a property list/);
    expect(refusal(utf8('{"ui.language": "de"}')).message).toMatch(/not a property list/);
    expect(refusal(Uint8Array.from([0xff, 0xfe, ...utf8('<plist/>')])).message).toMatch(/not a property list/);
  });
});

describe('parsePlist: binary plists no writer makes', () => {
  it('reads a hand-made file: 4-byte real, 16-byte integer, count that follows, shared string', () => {
    const float = new DataView(new ArrayBuffer(4));
    float.setFloat32(0, 1.5);
    const sixteen = [0x14, ...new Array<number>(8).fill(0), ...new Array<number>(8).fill(0xff)];
    const file = bplist([
      [0xaf, 0x10, 5, 1, 2, 3, 3, 4],
      [0x22, ...new Uint8Array(float.buffer)],
      sixteen,
      ascii('shared'),
      [0x5f, 0x10, 16, ...utf8('sixteen chars!!!')],
    ]);
    expect(parsePlist(file)).toEqual([1.5, 2n ** 64n - 1n, 'shared', 'shared', 'sixteen chars!!!']);
  });

  it('keeps "__proto__" an ordinary key, in binary and XML', () => {
    const binary = parsePlist(bplist([[0xd1, 1, 2], ascii('__proto__'), [0x09]])) as Record<string, PlistValue>;
    const fromXml = parsePlist(xml('<dict><key>__proto__</key><true/></dict>')) as Record<string, PlistValue>;
    for (const parsed of [binary, fromXml]) {
      expect(Object.keys(parsed)).toEqual(['__proto__']);
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe(true);
    }
  });

  it('refuses a wrong magic or version', () => {
    expect(refusal(bplist([[0x09]], { patch: (bytes) => (bytes[7] = 0x31) })).message).toMatch(
      /byte offset 6: expected the version "00".*"01"/,
    );
    expect(refusal(bplist([[0x09]], { patch: (bytes) => (bytes[0] = 0x63) })).message).toMatch(/not a property list/);
  });

  it('refuses an offset table entry that points outside the objects', () => {
    const message = refusal(bplist([[0xa1, 1], [0x09]], { patch: (bytes) => (bytes[12] = 200) })).message;
    expect(message).toMatch(/byte offset 12: object 1's offset 200 is outside the object area/);
  });

  it('refuses an offset table offset beyond the file, and impossible sizes in the trailer', () => {
    const last = (bytes: number[]) => bytes.length - 1;
    expect(refusal(bplist([[0x09]], { patch: (bytes) => (bytes[last(bytes)] = 250) })).message).toMatch(
      /offset table offset 250 is outside the file/,
    );
    expect(refusal(bplist([[0x09]], { patch: (bytes) => (bytes[last(bytes) - 25] = 9) })).message).toMatch(
      /offset size of 1 to 8/,
    );
    expect(
      refusal(bplist([[0x09]], { patch: (bytes) => bytes.splice(-24, 8, 0x7f, 0, 0, 0, 0, 0, 0, 0) })).message,
    ).toMatch(/object count \d+ does not fit/);
    expect(refusal(bplist([[0x09]], { top: 3 })).message).toMatch(/top object 3 does not exist/);
  });

  it('refuses an array that contains itself, directly or through another', () => {
    expect(refusal(bplist([[0xa1, 0]])).message).toMatch(/object 0 contains itself/);
    expect(refusal(bplist([[0xa1, 1], [0xd1, 2, 0], ascii('loop')])).message).toMatch(/object 0 contains itself/);
  });

  it('refuses a dict with a key that is no string, and duplicate keys', () => {
    expect(refusal(bplist([[0xd1, 1, 2], [0x10, 5], [0x09]])).message).toMatch(
      /expected a string as dict key 0, found marker 0x10/,
    );
    expect(refusal(bplist([[0xd2, 1, 2, 3, 3], ascii('a'), [0x61, 0, 0x61], [0x09]])).message).toMatch(
      /duplicate dict key "a"/,
    );
  });

  it('refuses null, UID, sets, unknown markers, bad text and references past the object count', () => {
    expect(refusal(bplist([[0x00]])).message).toMatch(/byte offset 8: expected a value, found null/);
    expect(refusal(bplist([[0x80, 1]])).message).toMatch(/UID/);
    expect(refusal(bplist([[0xc1, 0]])).message).toMatch(/expected an object marker, found 0xc1/);
    expect(refusal(bplist([[0x51, 0xe4]])).message).toMatch(/expected ASCII.*0xe4/);
    expect(refusal(bplist([[0x61, 0xd8, 0x3d]])).message).toMatch(/high surrogate without a low surrogate/);
    expect(refusal(bplist([[0xa1, 7]])).message).toMatch(/byte offset 9: expected an object reference below 1/);
    expect(refusal(bplist([[0x5f, 0x23, 0, 0, 0, 0, 0, 0, 0, 1]])).message).toMatch(/integer object.*count/);
    expect(refusal(bplist([[0x5f, 0x13, 0x7f, 0, 0, 0, 0, 0, 0, 0]])).message).toMatch(/runs past the object area/);
    expect(refusal(bplist([[0x14, ...new Array<number>(16).fill(0x7f)]])).message).toMatch(/outside the 64-bit range/);
  });

  it('refuses nesting 1,000 deep, without a stack overflow', () => {
    const objects = Array.from({ length: 1_000 }, (_, index) =>
      index === 999 ? [0x09] : [0xa1, ...bigEndian(index + 1, 2)],
    );
    expect(refusal(bplist(objects, { refSize: 2 })).message).toMatch(/nested deeper than 64 levels/);
  });

  it('refuses shared containers that would expand exponentially, quickly', () => {
    // Each array holds the next twice: 2^40 values from 41 objects.
    const objects = Array.from({ length: 41 }, (_, index) => (index === 40 ? [0x09] : [0xa2, index + 1, index + 1]));
    const started = performance.now();
    expect(refusal(bplist(objects)).message).toMatch(/expand to far more values/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('parsePlist: XML no writer makes', () => {
  it('reads entities, character references, CDATA, comments and self-closing elements', () => {
    const parsed = parsePlist(
      xml(`<!-- managed by MDM -->
<dict>
  <key>text</key><string>&lt;&amp;&gt;&quot;&apos; &#228;&#xE4;&#x1F4DE; <![CDATA[<raw>&amp;]]><!-- note --></string>
  <key></key><string/>
  <key>empty</key><dict/>
  <key>none</key><array/>
  <key>nothing</key><data/>
  <key>data</key><data>
    aGVs
    bG8=
  </data>
  <key>numbers</key><array><integer> -17 </integer><integer>+9007199254740993</integer><real>-1.5e3</real><real>nan</real><real>-inf</real><real>-0.0</real></array>
  <key>when</key><date>0999-12-31T23:59:59Z</date>
</dict>`),
    );
    expect(parsed).toEqual({
      text: '<&>"\' ää📞 <raw>&amp;',
      '': '',
      empty: {},
      none: [],
      nothing: new Uint8Array(),
      data: utf8('hello'),
      numbers: [-17, 9007199254740993n, -1500, Number.NaN, -Infinity, -0],
      when: new Date('0999-12-31T23:59:59Z'),
    });
  });

  it('refuses an unknown element, naming its line and column', () => {
    expect(refusal(xml('<dict>\n  <key>a</key>\n  <foo/>\n</dict>')).message).toMatch(
      /^XML plist, line 6, column 3: unknown element <foo> after <key>a<\/key>/,
    );
    expect(refusal(xml('<array><plist/></array>')).message).toMatch(/unknown element <plist> inside <array>/);
  });

  it('refuses entity declarations and never expands an external entity', () => {
    const declared = `<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<plist><string>&xxe;</string></plist>`;
    expect(refusal(utf8(declared)).message).toMatch(/line 2, column 17: .*<!ENTITY> declaration in the DOCTYPE/);
    const external = `<!DOCTYPE plist SYSTEM "file:///etc/passwd">\n<plist><string>&xxe;</string></plist>`;
    expect(refusal(utf8(external)).message).toMatch(/line 2, column 16: unknown entity &xxe;/);
    expect(refusal(xml('<string>&nbsp;</string>')).message).toMatch(/unknown entity &nbsp;/);
    expect(refusal(xml('<string>a & b</string>')).message).toMatch(/expected a reference/);
    expect(refusal(xml('<string>&#0;</string>')).message).toMatch(/names no character/);
  });

  it('refuses mismatched tags', () => {
    expect(refusal(xml('<array>\n<true/>\n</dict>')).message).toMatch(
      /line 6, column 1: expected <\/array> to close <array> from line 4, column 1, found <\/dict>/,
    );
    expect(refusal(xml('<string>a</strong>')).message).toMatch(/expected <\/string>.*found <\/strong>/);
    expect(refusal(utf8('<plist><true/>')).message).toMatch(/expected <\/plist> to close <plist>, found the end/);
  });

  it('refuses duplicate keys and a key without a value', () => {
    expect(refusal(xml('<dict><key>a</key><true/><key>a</key><false/></dict>')).message).toMatch(
      /line 4, column 26: duplicate key "a" in <dict>/,
    );
    expect(refusal(xml('<dict><key>a</key></dict>')).message).toMatch(/expected a value after <key>a<\/key>/);
    expect(refusal(xml('<dict><key>a</key><key>b</key><true/></dict>')).message).toMatch(
      /expected a value after <key>a<\/key>, found <key>/,
    );
    expect(refusal(xml('<dict><true/></dict>')).message).toMatch(/expected <key> or <\/dict>/);
  });

  it('refuses nesting 1,000 deep without a stack overflow', () => {
    expect(refusal(xml(`${'<array>'.repeat(1_000)}${'</array>'.repeat(1_000)}`)).message).toMatch(
      /nested deeper than 64 levels/,
    );
    expect(parsePlist(xml(`${'<array>'.repeat(64)}${'</array>'.repeat(64)}`))).toBeInstanceOf(Array);
  });

  it('refuses text outside elements, trailing content, a second root and bad values', () => {
    const cases: [string, RegExp][] = [
      ['<array>hello<true/></array>', /found text "hello.*inside <array>/],
      ['<true/><true/>', /expected <\/plist> after the one value/],
      ['<dict><key>a</key><string>x</string>b</dict>', /found text "b<\/dict>/],
      ['<integer>12a</integer>', /expected a decimal integer in <integer>, found "12a"/],
      ['<integer>18446744073709551616</integer>', /outside the 64-bit range/],
      ['<integer/>', /expected a decimal integer/],
      ['<real>1,5</real>', /expected a number in <real>/],
      ['<date>2026-02-30T00:00:00Z</date>', /no calendar date/],
      ['<date>2026-01-02</date>', /expected a date like/],
      ['<data>aGVsbG8</data>', /expected Base64/],
      ['<true>yes</true>', /expected <true\/> to be empty/],
      ['<string attr="1">x</string>', /takes no attributes/],
      ['<string>a<b/>c</string>', /expected text inside <string>/],
      ['<string>a]]>b</string>', /found "\]\]>"/],
      ['<!-- a -- b --><true/>', /found "--" inside a comment/],
      ['<?php ?><true/>', /expected an element or <\/plist>/],
      ['<key>a</key>', /expected a value inside <plist>, found <key>/],
    ];
    for (const [body, pattern] of cases) expect(refusal(xml(body)).message, body).toMatch(pattern);
    expect(refusal(utf8('<plist><true/></plist>garbage')).message).toMatch(/expected nothing after <\/plist>/);
    expect(refusal(utf8('<plist><true/></plist><plist/>')).message).toMatch(/expected nothing after <\/plist>/);
    expect(refusal(utf8('<plist version="2.0"><true/></plist>')).message).toMatch(/version="1.0"/);
    expect(refusal(utf8('<?xml version="1.0" encoding="ISO-8859-1"?><plist><true/></plist>')).message).toMatch(
      /a plist is UTF-8/,
    );
    expect(refusal(utf8(' <?xml version="1.0"?><plist><true/></plist>')).message).toMatch(/processing instruction/);
    expect(refusal(utf8('<plist><string>\u0001</string></plist>')).message).toMatch(/line 1, column 16: .*U\+0001/);
  });

  it('refuses invalid UTF-8, naming where', () => {
    const bytes = Uint8Array.from([...utf8('<plist>\n<string>ok '), 0xc3, 0x28, ...utf8('</string></plist>')]);
    expect(refusal(bytes).message).toMatch(/^XML plist, line 2, column 12: expected UTF-8 text/);
  });
});
