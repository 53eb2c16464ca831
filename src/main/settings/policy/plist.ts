/**
 * Reads a property list: a macOS managed-preferences file (`/Library/Managed Preferences/<domain>.plist`,
 * written by MDM from a configuration profile). It is usually binary (bplist00), sometimes XML. We
 * read it in Node, without plutil or other macOS tools, so that the same code runs (and is tested)
 * everywhere.
 *
 * The file is machine input from outside the app: every malformed file, however odd, ends in a
 * PlistFormatError that says where (byte offset, or line and column) and what was expected.
 */

export type PlistValue =
  string | number | bigint | boolean | Date | Uint8Array | PlistValue[] | { [key: string]: PlistValue };

export class PlistFormatError extends Error {
  override name = 'PlistFormatError';
}

/** A policy is kilobytes; this is far above any real one and keeps a hostile file's cost bounded. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Nested dicts and arrays; recursion stays this shallow, so no input can overflow the stack. */
const MAX_DEPTH = 64;
/** Integers CFPropertyList can hold: signed or unsigned 64-bit. */
const MIN_INTEGER = -(2n ** 63n);
const MAX_INTEGER = 2n ** 64n - 1n;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const XML_STARTS = ['<?xml', '<!DOCTYPE', '<plist', '<!--'];

export function parsePlist(bytes: Uint8Array): PlistValue {
  if (!(bytes instanceof Uint8Array)) throw new PlistFormatError('expected the file contents as bytes (a Uint8Array)');
  if (bytes.byteLength > MAX_FILE_BYTES)
    throw new PlistFormatError(
      `the file is ${bytes.byteLength} bytes; a property list may have at most ${MAX_FILE_BYTES} bytes (4 MiB)`,
    );
  if (startsWithAscii(bytes, 0, 'bplist')) return new BinaryPlist(bytes).read();
  const start = UTF8_BOM.every((byte, index) => bytes[index] === byte) ? UTF8_BOM.length : 0;
  let probe = start;
  while (probe < bytes.length && isXmlSpace(bytes[probe] ?? 0)) probe += 1;
  if (XML_STARTS.some((prefix) => startsWithAscii(bytes, probe, prefix)))
    return new XmlPlist(decodeUtf8(bytes.subarray(start))).read();
  throw new PlistFormatError(
    'not a property list: expected "bplist00" (binary) or "<?xml", "<!DOCTYPE" or "<plist" (XML) at byte offset 0',
  );
}

function startsWithAscii(bytes: Uint8Array, at: number, prefix: string): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let index = 0; index < prefix.length; index += 1)
    if (bytes[at + index] !== prefix.charCodeAt(index)) return false;
  return true;
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function hexByte(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** Integers come back as numbers when exact, else as bigint (never a silently rounded number). */
function integerValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Own data properties, so that a key like "__proto__" is an ordinary key and never a prototype. */
function setEntry(target: { [key: string]: PlistValue }, key: string, value: PlistValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** String.fromCharCode in slices: spreading a long array at once would overflow the argument stack. */
function stringFromUnits(units: Uint16Array): string {
  let text = '';
  for (let index = 0; index < units.length; index += 8192)
    text += String.fromCharCode(...units.subarray(index, index + 8192));
  return text;
}

// ---------------------------------------------------------------------------------------------
// Binary (bplist00): header, objects, offset table, 32-byte trailer.

/** Seconds from 1970-01-01 to 2001-01-01, the epoch of binary plist dates. */
const APPLE_EPOCH_SECONDS = 978_307_200;
/** The largest time a Date can hold (ECMAScript), in ms either side of 1970. */
const MAX_DATE_MS = 8.64e15;
const TRAILER_BYTES = 32;
const HEADER_BYTES = 8;

class BinaryPlist {
  private readonly view: DataView;
  private readonly offsetSize: number;
  private readonly refSize: number;
  private readonly objectCount: number;
  private readonly topObject: number;
  private readonly tableOffset: number;
  /** Containers being read (on the path from the top object): a reference back to one is a cycle. */
  private readonly open: Uint8Array;
  /**
   * Values produced and data bytes copied. Objects may be shared (one string referenced twice);
   * shared containers could make a small file expand exponentially, so the output is capped: one
   * value per byte of the file is more than any file without shared containers can make.
   */
  private valuesLeft: number;
  private dataBytesLeft: number;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!startsWithAscii(bytes, 0, 'bplist00')) {
      const version = String.fromCharCode(...bytes.subarray(6, 8));
      this.fail(6, `expected the version "00" after "bplist", found ${JSON.stringify(version)}`);
    }
    const minimum = HEADER_BYTES + 1 + TRAILER_BYTES;
    if (bytes.length < minimum)
      this.fail(bytes.length, `the file is ${bytes.length} bytes; a binary plist has at least ${minimum}`);
    const trailer = bytes.length - TRAILER_BYTES;
    this.offsetSize = this.byte(trailer + 6);
    this.refSize = this.byte(trailer + 7);
    this.objectCount = this.unsigned(trailer + 8, 8);
    this.topObject = this.unsigned(trailer + 16, 8);
    this.tableOffset = this.unsigned(trailer + 24, 8);
    if (this.offsetSize < 1 || this.offsetSize > 8)
      this.fail(trailer + 6, `expected an offset size of 1 to 8 bytes in the trailer, found ${this.offsetSize}`);
    if (this.refSize < 1 || this.refSize > 8)
      this.fail(trailer + 7, `expected an object reference size of 1 to 8 bytes in the trailer, found ${this.refSize}`);
    if (this.tableOffset < HEADER_BYTES + 1 || this.tableOffset > trailer)
      this.fail(
        trailer + 24,
        `the offset table offset ${this.tableOffset} is outside the file (expected ${HEADER_BYTES + 1} to ${trailer})`,
      );
    // Every object takes at least one byte between the header and the offset table.
    if (this.objectCount < 1 || this.objectCount > this.tableOffset - HEADER_BYTES)
      this.fail(
        trailer + 8,
        `the object count ${this.objectCount} does not fit the file (expected 1 to ${this.tableOffset - HEADER_BYTES})`,
      );
    if (this.objectCount * this.offsetSize > trailer - this.tableOffset)
      this.fail(
        this.tableOffset,
        `the offset table (${this.objectCount} entries of ${this.offsetSize} bytes) runs past the trailer at byte offset ${trailer}`,
      );
    if (this.topObject >= this.objectCount)
      this.fail(trailer + 16, `the top object ${this.topObject} does not exist (${this.objectCount} objects)`);
    this.open = new Uint8Array(this.objectCount);
    this.valuesLeft = bytes.length;
    this.dataBytesLeft = 16 * bytes.length + 65_536;
  }

  read(): PlistValue {
    return this.object(this.topObject, 1);
  }

  private fail(offset: number, message: string): never {
    throw new PlistFormatError(`binary plist, byte offset ${offset}: ${message}`);
  }

  private byte(at: number): number {
    const value = this.bytes[at];
    if (value === undefined) this.fail(at, 'expected a byte, found the end of the file');
    return value;
  }

  /**
   * A big-endian unsigned integer of 1 to 8 bytes. Above 2^53 it is rounded, but only ever
   * upwards of 2^53: far beyond any offset or count a 4 MiB file can hold, so checks still refuse it.
   */
  private unsigned(at: number, size: number): number {
    let value = 0;
    for (let index = 0; index < size; index += 1) value = value * 256 + this.byte(at + index);
    return value;
  }

  /** Objects live between the header and the offset table. */
  private need(at: number, length: number, what: string): void {
    if (at + length > this.tableOffset)
      this.fail(
        at,
        `${what} (${length} bytes) runs past the object area, which ends at byte offset ${this.tableOffset}`,
      );
  }

  private offsetOf(ref: number): number {
    const entry = this.tableOffset + ref * this.offsetSize;
    const offset = this.unsigned(entry, this.offsetSize);
    if (offset < HEADER_BYTES || offset >= this.tableOffset)
      this.fail(
        entry,
        `object ${ref}'s offset ${offset} is outside the object area (byte offsets ${HEADER_BYTES} to ${this.tableOffset - 1})`,
      );
    return offset;
  }

  private reference(at: number): number {
    const ref = this.unsigned(at, this.refSize);
    if (ref >= this.objectCount) this.fail(at, `expected an object reference below ${this.objectCount}, found ${ref}`);
    return ref;
  }

  /** The item count from a marker's low nibble, or (0x?F) from the integer object after it. */
  private count(at: number): { count: number; start: number } {
    const low = this.byte(at) & 0x0f;
    if (low !== 0x0f) return { count: low, start: at + 1 };
    this.need(at + 1, 1, 'the count');
    const marker = this.byte(at + 1);
    if (marker >> 4 !== 0x1 || (marker & 0x0f) > 3)
      this.fail(at + 1, `expected an integer object (0x10 to 0x13) holding the count, found ${hexByte(marker)}`);
    const size = 1 << (marker & 0x0f);
    this.need(at + 2, size, 'the count');
    return { count: this.unsigned(at + 2, size), start: at + 2 + size };
  }

  private spend(at: number, values: number, dataBytes: number): void {
    this.valuesLeft -= values;
    this.dataBytesLeft -= dataBytes;
    if (this.valuesLeft < 0 || this.dataBytesLeft < 0)
      this.fail(at, 'the objects expand to far more values than the file holds (shared containers?)');
  }

  private object(ref: number, depth: number): PlistValue {
    const at = this.offsetOf(ref);
    const marker = this.byte(at);
    const low = marker & 0x0f;
    switch (marker >> 4) {
      case 0x0:
        this.spend(at, 1, 0);
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        return this.fail(
          at,
          `expected a value, found ${marker === 0x00 ? 'null' : `marker ${hexByte(marker)}`} (not allowed in a property list)`,
        );
      case 0x1:
        this.spend(at, 1, 0);
        return this.integer(at, low);
      case 0x2: {
        this.spend(at, 1, 0);
        if (low !== 2 && low !== 3)
          this.fail(at, `expected a 4- or 8-byte real (0x22 or 0x23), found ${hexByte(marker)}`);
        this.need(at + 1, 1 << low, 'the real');
        return low === 2 ? this.view.getFloat32(at + 1) : this.view.getFloat64(at + 1);
      }
      case 0x3:
        this.spend(at, 1, 0);
        return this.date(at, marker);
      case 0x4: {
        const { count, start } = this.count(at);
        this.need(start, count, 'the data');
        this.spend(at, 1, count);
        return new Uint8Array(this.bytes.subarray(start, start + count));
      }
      case 0x5:
      case 0x6:
        this.spend(at, 1, 0);
        return this.string(at);
      case 0x8:
        return this.fail(at, 'found a UID object (0x8?): keyed archives are not preferences');
      case 0xa:
        return this.array(ref, at, depth);
      case 0xd:
        return this.dict(ref, at, depth);
      default:
        return this.fail(at, `expected an object marker, found ${hexByte(marker)}`);
    }
  }

  private integer(at: number, low: number): number | bigint {
    if (low > 4) this.fail(at, `expected a 1, 2, 4, 8 or 16-byte integer (0x10 to 0x14), found ${hexByte(0x10 | low)}`);
    const size = 1 << low;
    this.need(at + 1, size, 'the integer');
    // 1, 2 and 4 bytes are unsigned, 8 bytes signed, 16 bytes a signed 128-bit value.
    if (size <= 4) return this.unsigned(at + 1, size);
    if (size === 8) return integerValue(this.view.getBigInt64(at + 1));
    const value = (this.view.getBigInt64(at + 1) << 64n) | this.view.getBigUint64(at + 9);
    if (value < MIN_INTEGER || value > MAX_INTEGER)
      this.fail(at, `the integer ${value} is outside the 64-bit range a property list can hold`);
    return integerValue(value);
  }

  private date(at: number, marker: number): Date {
    if (marker !== 0x33) this.fail(at, `expected a date (0x33), found ${hexByte(marker)}`);
    this.need(at + 1, 8, 'the date');
    const seconds = this.view.getFloat64(at + 1);
    // Rounded to the millisecond: the float's binary fraction would otherwise truncate 0.001 s away.
    const ms = Math.round(seconds * 1000) + APPLE_EPOCH_SECONDS * 1000;
    if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS)
      this.fail(at, `expected a date, found ${seconds} seconds from 2001-01-01, which is no representable time`);
    return new Date(ms);
  }

  private string(at: number): string {
    const utf16 = this.byte(at) >> 4 === 0x6;
    const { count, start } = this.count(at);
    const length = utf16 ? count * 2 : count;
    this.need(start, length, 'the string');
    const units = new Uint16Array(count);
    if (!utf16) {
      for (let index = 0; index < count; index += 1) {
        const byte = this.byte(start + index);
        if (byte > 0x7f) this.fail(start + index, `expected ASCII in an ASCII string (0x5?), found ${hexByte(byte)}`);
        units[index] = byte;
      }
      return stringFromUnits(units);
    }
    for (let index = 0; index < count; index += 1) units[index] = this.view.getUint16(start + index * 2);
    // Only well-formed UTF-16: a lone surrogate would be invalid text everywhere it goes next.
    for (let index = 0; index < count; index += 1) {
      const unit = units[index] ?? 0;
      if (unit >= 0xdc00 && unit <= 0xdfff)
        this.fail(start + index * 2, 'found a low surrogate without a high surrogate before it in a UTF-16 string');
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const next = units[index + 1] ?? 0;
        if (next < 0xdc00 || next > 0xdfff)
          this.fail(start + index * 2, 'found a high surrogate without a low surrogate after it in a UTF-16 string');
        index += 1;
      }
    }
    return stringFromUnits(units);
  }

  private enter(ref: number, at: number, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(at, `dicts and arrays are nested deeper than ${MAX_DEPTH} levels`);
    this.spend(at, 1, 0);
    this.open[ref] = 1;
  }

  private child(ref: number, at: number, depth: number, holder: number): PlistValue {
    if (this.open[ref] === 1)
      this.fail(at, `object ${ref} contains itself (a reference cycle through object ${holder})`);
    return this.object(ref, depth);
  }

  private array(ref: number, at: number, depth: number): PlistValue[] {
    const { count, start } = this.count(at);
    this.need(start, count * this.refSize, 'the array');
    this.enter(ref, at, depth);
    const items: PlistValue[] = [];
    for (let index = 0; index < count; index += 1) {
      const position = start + index * this.refSize;
      items.push(this.child(this.reference(position), position, depth + 1, ref));
    }
    this.open[ref] = 0;
    return items;
  }

  private dict(ref: number, at: number, depth: number): { [key: string]: PlistValue } {
    const { count, start } = this.count(at);
    this.need(start, 2 * count * this.refSize, 'the dict');
    this.enter(ref, at, depth);
    const entries: { [key: string]: PlistValue } = {};
    for (let index = 0; index < count; index += 1) {
      const keyPosition = start + index * this.refSize;
      const keyRef = this.reference(keyPosition);
      const keyAt = this.offsetOf(keyRef);
      const keyMarker = this.byte(keyAt);
      if (keyMarker >> 4 !== 0x5 && keyMarker >> 4 !== 0x6)
        this.fail(keyAt, `expected a string as dict key ${index}, found marker ${hexByte(keyMarker)}`);
      this.spend(keyAt, 1, 0);
      const key = this.string(keyAt);
      if (Object.hasOwn(entries, key)) this.fail(keyAt, `duplicate dict key ${JSON.stringify(key)}`);
      const valuePosition = start + (count + index) * this.refSize;
      setEntry(entries, key, this.child(this.reference(valuePosition), valuePosition, depth + 1, ref));
    }
    this.open[ref] = 0;
    return entries;
  }
}

// ---------------------------------------------------------------------------------------------
// XML: the plist DTD only, read strictly. The DTD itself is never read or fetched, and a DOCTYPE
// with declarations of its own is refused, so no entity is ever expanded (no XXE, no billion laughs).

/** XML text must be UTF-8 (as every plist writer makes it); the error names the first bad byte's position. */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // The longest valid prefix (a streaming decode keeps an unfinished sequence back) says where.
    let good = 0;
    let bad = bytes.length;
    while (bad - good > 1) {
      const middle = Math.floor((good + bad) / 2);
      try {
        new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, middle), { stream: true });
        good = middle;
      } catch {
        bad = middle;
      }
    }
    const prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, good), { stream: true });
    const { line, column } = lineColumn(prefix, prefix.length);
    throw new PlistFormatError(`XML plist, line ${line}, column ${column}: expected UTF-8 text, found invalid bytes`);
  }
}

/** 1-based, columns in characters (code points). */
function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < at; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: [...text.slice(lineStart, at)].length + 1 };
}

const VALUE_ELEMENTS = ['dict', 'array', 'string', 'integer', 'real', 'true', 'false', 'date', 'data'];
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const INTEGER = /^[+-]?[0-9]+$/;
const REAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const XML_DECLARATION_ATTRIBUTE = /[ \t\n]+([a-z]+)[ \t\n]*=[ \t\n]*(?:"([^"]*)"|'([^']*)')/y;

interface StartTag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly selfClosing: boolean;
  readonly at: number;
}

class XmlPlist {
  private readonly text: string;
  private position = 0;

  constructor(source: string) {
    // XML reads every line break as LF (XML 1.0 §2.11); character references still give a CR.
    this.text = source.replace(/\r\n?/g, '\n');
    for (let index = 0; index < this.text.length; index += 1) {
      const code = this.text.charCodeAt(index);
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0xfffe || code === 0xffff)
        this.fail(`expected text, found the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`, index);
    }
  }

  read(): PlistValue {
    if (this.text.startsWith('<?xml')) this.declaration();
    this.misc();
    if (this.text.startsWith('<!DOCTYPE', this.position)) {
      this.doctype();
      this.misc();
    }
    if (this.position >= this.text.length) this.fail('expected <plist>, found the end of the file');
    const root = this.startTag();
    if (root.name !== 'plist') this.fail(`expected the root element <plist>, found <${root.name}>`, root.at);
    for (const [name, value] of root.attributes) {
      if (name !== 'version') this.fail(`<plist> takes only a version attribute, found ${name}`, root.at);
      if (value !== '1.0') this.fail(`expected <plist version="1.0">, found version "${value}"`, root.at);
    }
    if (root.selfClosing) this.fail('expected one value inside <plist>, found none', root.at);
    this.elementSpace('plist');
    if (this.text.startsWith('</', this.position)) this.fail('expected one value inside <plist>, found none');
    const value = this.value(1, 'inside <plist>');
    this.elementSpace('plist');
    if (!this.text.startsWith('</', this.position))
      this.fail(`expected </plist> after the one value inside <plist>, found ${this.found()}`);
    this.endTag(root);
    this.misc();
    if (this.position < this.text.length) this.fail(`expected nothing after </plist>, found ${this.found()}`);
    return value;
  }

  private fail(message: string, at = this.position): never {
    const { line, column } = lineColumn(this.text, at);
    throw new PlistFormatError(`XML plist, line ${line}, column ${column}: ${message}`);
  }

  private found(): string {
    if (this.position >= this.text.length) return 'the end of the file';
    const rest = this.text.slice(this.position, this.position + 20);
    return JSON.stringify(rest.length === 20 ? `${rest}…` : rest);
  }

  private expect(literal: string, what = `"${literal}"`): void {
    if (!this.text.startsWith(literal, this.position)) this.fail(`expected ${what}, found ${this.found()}`);
    this.position += literal.length;
  }

  private skipSpace(): boolean {
    const start = this.position;
    while (isXmlSpace(this.text.charCodeAt(this.position))) this.position += 1;
    return this.position > start;
  }

  private name(what: string): string {
    NAME.lastIndex = this.position;
    const match = NAME.exec(this.text);
    if (match === null) this.fail(`expected ${what}, found ${this.found()}`);
    this.position += match[0].length;
    return match[0];
  }

  private quoted(what: string): string {
    const quote = this.text[this.position];
    if (quote !== '"' && quote !== "'") this.fail(`expected ${what} in quotes, found ${this.found()}`);
    const end = this.text.indexOf(quote, this.position + 1);
    if (end === -1) this.fail(`expected the closing ${quote} of ${what}, found the end of the file`);
    const value = this.text.slice(this.position + 1, end);
    this.position = end + 1;
    return value;
  }

  /** `<?xml version="1.0" encoding="UTF-8" standalone="…"?>`, only at the very start. */
  private declaration(): void {
    this.position = '<?xml'.length;
    const seen = new Map<string, string>();
    const order = ['version', 'encoding', 'standalone'];
    let lastRank = -1;
    for (;;) {
      XML_DECLARATION_ATTRIBUTE.lastIndex = this.position;
      const match = XML_DECLARATION_ATTRIBUTE.exec(this.text);
      if (match === null) break;
      const name = match[1] ?? '';
      const rank = order.indexOf(name);
      // XML fixes the order: version, encoding, standalone; nothing else.
      if (rank <= lastRank) this.fail(`unexpected ${name}= in the XML declaration`, this.position + 1);
      lastRank = rank;
      seen.set(name, match[2] ?? match[3] ?? '');
      this.position += match[0].length;
    }
    this.skipSpace();
    this.expect('?>', 'the end of the XML declaration "?>"');
    const version = seen.get('version');
    if (version === undefined || !/^1\.[0-9]+$/.test(version))
      this.fail(`expected version="1.0" in the XML declaration, found ${version ?? 'none'}`, 0);
    const encoding = seen.get('encoding');
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding))
      this.fail(`expected encoding="UTF-8" in the XML declaration, found "${encoding}" (a plist is UTF-8)`, 0);
    const standalone = seen.get('standalone');
    if (standalone !== undefined && standalone !== 'yes' && standalone !== 'no')
      this.fail(`expected standalone="yes" or "no" in the XML declaration, found "${standalone}"`, 0);
  }

  /** Whitespace and comments between the prolog's parts and after the root. */
  private misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<!--', this.position)) this.comment();
      else if (this.text.startsWith('<?', this.position))
        this.fail('found a processing instruction: a plist has none (the XML declaration comes first, if at all)');
      else return;
    }
  }

  private comment(): void {
    const start = this.position;
    const end = this.text.indexOf('-->', start + 4);
    if (end === -1) this.fail('expected "-->" to end the comment, found the end of the file', start);
    if (this.text.indexOf('--', start + 4) !== end) this.fail('found "--" inside a comment', start);
    this.position = end + 3;
  }

  /**
   * `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`:
   * the external DTD is named, never fetched; an internal subset (where entities are declared) is refused.
   */
  private doctype(): void {
    const start = this.position;
    this.position += '<!DOCTYPE'.length;
    if (!this.skipSpace()) this.fail(`expected a space after <!DOCTYPE, found ${this.found()}`);
    const root = this.name('the root element name in <!DOCTYPE>');
    if (root !== 'plist') this.fail(`expected <!DOCTYPE plist …>, found <!DOCTYPE ${root} …>`, start);
    if (this.skipSpace() && /^(?:PUBLIC|SYSTEM)/.test(this.text.slice(this.position, this.position + 6))) {
      const keyword = this.name('PUBLIC or SYSTEM');
      if (!this.skipSpace()) this.fail(`expected a space after ${keyword}, found ${this.found()}`);
      this.quoted(keyword === 'PUBLIC' ? 'the public identifier' : 'the system identifier');
      if (keyword === 'PUBLIC') {
        if (!this.skipSpace()) this.fail(`expected a space and the system identifier, found ${this.found()}`);
        this.quoted('the system identifier');
      }
      this.skipSpace();
    }
    if (this.text[this.position] === '[') {
      const declaresEntity = this.text.indexOf('<!ENTITY', this.position) !== -1;
      this.fail(
        declaresEntity
          ? 'found an <!ENTITY> declaration in the DOCTYPE: entities are refused (never expanded)'
          : 'found declarations inside the DOCTYPE ([…]): a plist has none',
      );
    }
    this.expect('>', 'the end of <!DOCTYPE> ">"');
  }

  private startTag(): StartTag {
    const at = this.position;
    this.expect('<', 'an element');
    const name = this.name('an element name after "<"');
    const attributes = new Map<string, string>();
    for (;;) {
      const spaced = this.skipSpace();
      if (this.text.startsWith('/>', this.position)) {
        this.position += 2;
        return { name, attributes, selfClosing: true, at };
      }
      if (this.text.startsWith('>', this.position)) {
        this.position += 1;
        return { name, attributes, selfClosing: false, at };
      }
      if (!spaced) this.fail(`expected ">" or an attribute in <${name}>, found ${this.found()}`);
      const attribute = this.name(`">" or an attribute in <${name}>`);
      this.skipSpace();
      this.expect('=', `"=" after the attribute ${attribute}`);
      this.skipSpace();
      const valueAt = this.position;
      const value = this.quoted(`the value of ${attribute}`);
      if (value.includes('<') || value.includes('&'))
        this.fail(`expected a plain attribute value, found ${JSON.stringify(value)}`, valueAt);
      if (attributes.has(attribute)) this.fail(`found the attribute ${attribute} twice in <${name}>`, valueAt);
      attributes.set(attribute, value);
    }
  }

  private endTag(open: StartTag): void {
    const at = this.position;
    this.expect('</', `</${open.name}>`);
    const name = this.name(`</${open.name}>`);
    if (name !== open.name) {
      // Only here: working out a line is a scan from the start, too slow for every end tag.
      const opened = lineColumn(this.text, open.at);
      this.fail(
        `expected </${open.name}> to close <${open.name}> from line ${opened.line}, column ${opened.column}, found </${name}>`,
        at,
      );
    }
    this.skipSpace();
    this.expect('>', `">" to end </${name}>`);
  }

  /** Between the children of <plist>, <dict> and <array>: only whitespace and comments. */
  private elementSpace(parent: string): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<!--', this.position)) this.comment();
      else if (this.position >= this.text.length)
        this.fail(`expected </${parent}> to close <${parent}>, found the end of the file`);
      else if (this.text.startsWith('<![CDATA[', this.position) || this.text[this.position] !== '<')
        this.fail(`expected an element or </${parent}>, found text ${this.found()} inside <${parent}>`);
      else if (this.text.startsWith('<?', this.position) || this.text.startsWith('<!', this.position))
        this.fail(`expected an element or </${parent}>, found ${this.found()} inside <${parent}>`);
      else return;
    }
  }

  private value(depth: number, where: string): PlistValue {
    const tag = this.startTag();
    if (tag.name === 'key') this.fail(`expected a value ${where}, found <key>`, tag.at);
    if (!VALUE_ELEMENTS.includes(tag.name))
      this.fail(
        `unknown element <${tag.name}> ${where}: expected one of ${VALUE_ELEMENTS.map((name) => `<${name}>`).join(', ')}`,
        tag.at,
      );
    if (tag.attributes.size > 0)
      this.fail(`<${tag.name}> takes no attributes, found ${[...tag.attributes.keys()].join(', ')}`, tag.at);
    switch (tag.name) {
      case 'dict':
        return this.dict(tag, depth);
      case 'array':
        return this.array(tag, depth);
      case 'true':
      case 'false':
        if (this.content(tag) !== '') this.fail(`expected <${tag.name}/> to be empty`, tag.at);
        return tag.name === 'true';
      case 'string':
        return this.content(tag);
      case 'integer':
        return this.integer(this.content(tag).trim(), tag.at);
      case 'real':
        return this.real(this.content(tag).trim(), tag.at);
      case 'date':
        return this.date(this.content(tag).trim(), tag.at);
      default:
        return this.data(this.content(tag), tag.at);
    }
  }

  private dict(tag: StartTag, depth: number): { [key: string]: PlistValue } {
    if (depth > MAX_DEPTH) this.fail(`dicts and arrays are nested deeper than ${MAX_DEPTH} levels`, tag.at);
    const entries: { [key: string]: PlistValue } = {};
    if (tag.selfClosing) return entries;
    for (;;) {
      this.elementSpace('dict');
      if (this.text.startsWith('</', this.position)) {
        this.endTag(tag);
        return entries;
      }
      const keyTag = this.startTag();
      if (keyTag.name !== 'key')
        this.fail(`expected <key> or </dict> inside <dict>, found <${keyTag.name}>`, keyTag.at);
      if (keyTag.attributes.size > 0) this.fail('<key> takes no attributes', keyTag.at);
      const key = this.content(keyTag);
      if (Object.hasOwn(entries, key)) this.fail(`duplicate key ${JSON.stringify(key)} in <dict>`, keyTag.at);
      const where = `after <key>${key}</key>`;
      this.elementSpace('dict');
      if (this.text.startsWith('</', this.position)) this.fail(`expected a value ${where}, found ${this.found()}`);
      setEntry(entries, key, this.value(depth + 1, where));
    }
  }

  private array(tag: StartTag, depth: number): PlistValue[] {
    if (depth > MAX_DEPTH) this.fail(`dicts and arrays are nested deeper than ${MAX_DEPTH} levels`, tag.at);
    const items: PlistValue[] = [];
    if (tag.selfClosing) return items;
    for (;;) {
      this.elementSpace('array');
      if (this.text.startsWith('</', this.position)) {
        this.endTag(tag);
        return items;
      }
      items.push(this.value(depth + 1, 'inside <array>'));
    }
  }

  /** The text of a leaf element: character data, references, CDATA sections and comments. */
  private content(tag: StartTag): string {
    if (tag.selfClosing) return '';
    let text = '';
    for (;;) {
      let next = this.position;
      while (next < this.text.length && this.text[next] !== '<' && this.text[next] !== '&') next += 1;
      const chunk = this.text.slice(this.position, next);
      const bad = chunk.indexOf(']]>');
      if (bad !== -1) this.fail(`found "]]>" in the text of <${tag.name}>`, this.position + bad);
      text += chunk;
      this.position = next;
      if (next >= this.text.length)
        this.fail(`expected </${tag.name}> to close <${tag.name}>, found the end of the file`);
      if (this.text[next] === '&') text += this.reference();
      else if (this.text.startsWith('<!--', next)) this.comment();
      else if (this.text.startsWith('<![CDATA[', next)) {
        const end = this.text.indexOf(']]>', next + 9);
        if (end === -1) this.fail('expected "]]>" to end the CDATA section, found the end of the file');
        text += this.text.slice(next + 9, end);
        this.position = end + 3;
      } else if (this.text.startsWith('</', next)) {
        this.endTag(tag);
        return text;
      } else this.fail(`expected text inside <${tag.name}>, found ${this.found()}`);
    }
  }

  /** `&lt;` and the other four, `&#228;`, `&#xE4;`; nothing else (no DTD is ever read). */
  private reference(): string {
    const at = this.position;
    const end = this.text.indexOf(';', at);
    const body = end === -1 || end - at > 12 ? null : this.text.slice(at + 1, end);
    if (body === null) this.fail(`expected a reference like &amp; or &#228;, found ${this.found()}`);
    this.position = end + 1;
    const numeric = /^#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}))$/.exec(body);
    if (numeric !== null) {
      const code = numeric[1] !== undefined ? Number(numeric[1]) : Number.parseInt(numeric[2] ?? '', 16);
      const allowed =
        code === 0x09 ||
        code === 0x0a ||
        code === 0x0d ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) this.fail(`the character reference &${body}; names no character XML allows`, at);
      return String.fromCodePoint(code);
    }
    const entity = Object.hasOwn(PREDEFINED_ENTITIES, body) ? PREDEFINED_ENTITIES[body] : undefined;
    if (entity === undefined)
      this.fail(
        `unknown entity &${body};: only &lt; &gt; &amp; &quot; &apos; and character references like &#228; are allowed`,
        at,
      );
    return entity;
  }

  private integer(text: string, at: number): number | bigint {
    if (!INTEGER.test(text)) this.fail(`expected a decimal integer in <integer>, found ${JSON.stringify(text)}`, at);
    const digits = text.replace(/^[+-]?0*/, '').length;
    // Up to 15 digits a number is exact; more than 20 is out of range anyway (no BigInt of a huge string).
    if (digits <= 15) return Number(text) + 0; // + 0: "-0" is the integer 0
    const value = digits > 20 ? null : BigInt(text);
    if (value === null || value < MIN_INTEGER || value > MAX_INTEGER)
      this.fail(`the integer ${text} is outside the 64-bit range a property list can hold`, at);
    return integerValue(value);
  }

  private real(text: string, at: number): number {
    if (REAL.test(text)) return Number(text);
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
    if (special === null) this.fail(`expected a number in <real>, found ${JSON.stringify(text)}`, at);
    if ((special[2] ?? '').toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }

  private date(text: string, at: number): Date {
    const match = DATE.exec(text);
    const [year, month, day, hour, minute, second] = (match?.slice(1) ?? []).map(Number);
    if (
      year === undefined ||
      month === undefined ||
      day === undefined ||
      hour === undefined ||
      minute === undefined ||
      second === undefined
    )
      this.fail(`expected a date like 2026-01-02T03:04:05Z in <date>, found ${JSON.stringify(text)}`, at);
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, 0);
    if (
      date.getUTCFullYear() !== year ||
      date.getUTCMonth() !== month - 1 ||
      date.getUTCDate() !== day ||
      date.getUTCHours() !== hour ||
      date.getUTCMinutes() !== minute ||
      date.getUTCSeconds() !== second
    )
      this.fail(`found ${JSON.stringify(text)} in <date>, which is no calendar date and time`, at);
    return date;
  }

  private data(text: string, at: number): Uint8Array {
    const base64 = text.replace(/[ \t\n]+/g, '');
    if (!BASE64.test(base64) || base64.length % 4 !== 0)
      this.fail('expected Base64 (A-Z, a-z, 0-9, +, /, padded with =) in <data>', at);
    return new Uint8Array(Buffer.from(base64, 'base64'));
  }
}
