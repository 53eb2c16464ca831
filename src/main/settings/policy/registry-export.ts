/**
 * The format of `reg export`: a strict parser of what reg.exe writes (UTF-16, sections, values of
 * every type, wrapped hex), with errors that name the line. Pure: reading the registry is
 * registry.ts's.
 */

export type RegistryValue =
  | { name: string; type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string }
  | { name: string; type: 'REG_MULTI_SZ'; value: string[] }
  | { name: string; type: 'REG_DWORD'; value: number } // unsigned 32-bit
  | { name: string; type: 'REG_QWORD'; value: bigint }
  | { name: string; type: 'REG_BINARY'; value: Uint8Array }
  | { name: string; type: 'REG_UNKNOWN'; typeCode: number; value: Uint8Array };

export interface RegistryExport {
  /** The values of the exported key itself, in file order ('' is the key's default value). */
  readonly values: RegistryValue[];
  /** Subkeys found in the export, relative to the key (`Legacy`, `Legacy\Old`): their values are not read. */
  readonly subkeys: string[];
}

/** The file is not what `reg export` writes; `line` is 1-based (whole-file problems say line 1). */
export class RegistryFormatError extends Error {
  override readonly name = 'RegistryFormatError';
  readonly line: number;
  readonly problem: string;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
    this.problem = problem;
  }
}

export const DEFAULT_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\HotlineDesk';
/** Policy values are small: an export this big is a mistake or an attack, not a policy. */
export const MAX_EXPORT_BYTES = 4 * 1024 * 1024;

const HEADER = 'Windows Registry Editor Version 5.00';
const ROOT_NAMES: Readonly<Record<string, string>> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKEY_LOCAL_MACHINE: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKEY_CURRENT_USER: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKEY_CLASSES_ROOT: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKEY_USERS: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
  HKEY_CURRENT_CONFIG: 'HKEY_CURRENT_CONFIG',
};
const REG_EXPAND_SZ = 0x2;
const REG_MULTI_SZ = 0x7;
const REG_QWORD = 0xb;
/** `hex:` carries no type code; it is REG_BINARY. */
const BINARY = -1;
/** Decodes only text already checked to be whole, well-paired UTF-16LE, so it never replaces anything. */
const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true }); // keep a U+FEFF that is data

// ---------------------------------------------------------------------------------------------
// Parser

/**
 * Parses the bytes `reg export` writes (UTF-16LE with BOM, CRLF, "Windows Registry Editor Version
 * 5.00") and returns the values of `keyPath` (HKLM\… or HKEY_LOCAL_MACHINE\…, compared
 * case-insensitively as the registry does). Strict: anything reg export would not write is a
 * RegistryFormatError, including the deletion forms `"name"=-` and `[-key]` (an export never holds
 * them, so they mean the file is not an export). Blank lines are accepted anywhere between lines.
 */
export function parseRegExport(bytes: Uint8Array, keyPath: string): RegistryExport {
  const lines = splitLines(bytes);
  if (lines[0] !== HEADER) {
    const found = lines[0] === undefined ? 'an empty file' : `"${clip(lines[0])}"`;
    const hint = lines[0] === 'REGEDIT4' ? ' (REGEDIT4 is the old ANSI format, which reg export does not write)' : '';
    throw new RegistryFormatError(1, `expected the header "${HEADER}", found ${found}${hint}`);
  }

  const target = splitKeyPath(canonicalKeyPath(keyPath));
  const targetText = target.join('\\');
  const values: RegistryValue[] = [];
  const subkeys: string[] = [];
  const sectionsSeen = new Set<string>();
  let section: { readonly main: boolean; readonly path: string; readonly names: Set<string> } | null = null;

  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] as string;
    const number = index + 1;
    if (line === '') continue;
    if (line.startsWith('[')) {
      const path = parseSectionLine(line, number);
      const segments = splitKeyPath(path);
      if (segments.some((segment) => segment === '')) {
        throw new RegistryFormatError(number, `expected a key path without empty names, found [${clip(path)}]`);
      }
      const under = startsWithKey(segments, target);
      if (section === null && !(under && segments.length === target.length)) {
        throw new RegistryFormatError(
          number,
          `expected the first section to be [${targetText}], found [${clip(path)}]`,
        );
      }
      if (!under) {
        throw new RegistryFormatError(
          number,
          `expected a section for [${targetText}] or one of its subkeys, found [${clip(path)}]`,
        );
      }
      const folded = fold(segments.join('\\'));
      if (sectionsSeen.has(folded)) {
        throw new RegistryFormatError(number, `section [${clip(path)}] appears twice; a key is exported once`);
      }
      sectionsSeen.add(folded);
      const main = segments.length === target.length;
      if (!main) subkeys.push(segments.slice(target.length).join('\\'));
      section = { main, path, names: new Set() };
      continue;
    }
    if (line.startsWith('"') || line.startsWith('@')) {
      if (section === null) {
        throw new RegistryFormatError(number, `expected a section line [${targetText}] before the first value`);
      }
      const parsed = parseValue(lines, index);
      const folded = fold(parsed.value.name);
      if (section.names.has(folded)) {
        throw new RegistryFormatError(
          number,
          `value ${describeName(parsed.value.name)} appears twice in [${clip(section.path)}]; ` +
            'a key holds one value per name (names compare case-insensitively)',
        );
      }
      section.names.add(folded);
      if (section.main) values.push(parsed.value);
      index = parsed.lastIndex;
      continue;
    }
    if (line.startsWith('  ')) {
      throw new RegistryFormatError(
        number,
        `unexpected continuation line: only a hex value line ending in ',\\' wraps`,
      );
    }
    throw new RegistryFormatError(
      number,
      `expected a section line "[…]", a value line starting with '"' or '@', or a blank line, found "${clip(line)}"`,
    );
  }
  if (section === null) {
    throw new RegistryFormatError(lines.length, `expected the section [${targetText}], but the file ends before it`);
  }
  return { values, subkeys };
}

/** Checks the BOM, encoding and CRLF line ends, and returns the lines (line 1 is the header). */
function splitLines(bytes: Uint8Array): string[] {
  if (bytes.length > MAX_EXPORT_BYTES) {
    throw new RegistryFormatError(1, `expected at most ${MAX_EXPORT_BYTES} bytes, found ${bytes.length}`);
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xfe) {
    const start = Array.from(bytes.subarray(0, 3), (byte) => byte.toString(16).padStart(2, '0').toUpperCase());
    let hint = '';
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) hint = ' (a UTF-8 byte-order mark)';
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) hint = ' (UTF-16 big-endian)';
    else if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] !== 0) hint = ' (this looks like UTF-8 or ANSI text)';
    const found = start.length === 0 ? 'an empty file' : start.join(' ') + hint;
    throw new RegistryFormatError(
      1,
      `expected UTF-16LE text starting with the byte-order mark FF FE, as reg export writes, found ${found}`,
    );
  }
  const units = Math.floor(bytes.length / 2);
  const unit = (at: number) => (bytes[2 * at] as number) | ((bytes[2 * at + 1] as number) << 8);
  const lines: string[] = [];
  let start = 1; // code unit 0 is the BOM
  for (let at = 1; at < units; at++) {
    const code = unit(at);
    const number = lines.length + 1;
    if (code === 0x0d) {
      if (at + 1 >= units || unit(at + 1) !== 0x0a) {
        throw new RegistryFormatError(number, 'expected CRLF line ends, found a carriage return (CR) without LF');
      }
      lines.push(utf16.decode(bytes.subarray(2 * start, 2 * at)));
      at++;
      start = at + 1;
    } else if (code === 0x0a) {
      throw new RegistryFormatError(number, 'expected CRLF line ends, found a line feed (LF) without CR');
    } else if (code === 0) {
      throw new RegistryFormatError(number, 'unexpected NUL character in the text');
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = at + 1 < units ? unit(at + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) {
        throw new RegistryFormatError(number, 'expected valid UTF-16, found an unpaired high surrogate');
      }
      at++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      throw new RegistryFormatError(number, 'expected valid UTF-16, found an unpaired low surrogate');
    }
  }
  // reg export ends its last line with CRLF; a last line without one is taken as it is.
  if (start < units) lines.push(utf16.decode(bytes.subarray(2 * start, 2 * units)));
  if (bytes.length % 2 === 1) {
    throw new RegistryFormatError(
      Math.max(lines.length, 1),
      'expected UTF-16LE text, an even number of bytes, but the file ends in half a character',
    );
  }
  return lines;
}

function parseSectionLine(line: string, number: number): string {
  if (!line.endsWith(']') || line.length < 3) {
    throw new RegistryFormatError(number, `expected a section line "[key path]", found "${clip(line)}"`);
  }
  const path = line.slice(1, -1);
  if (path.startsWith('-')) {
    throw new RegistryFormatError(number, 'found a key deletion "[-…]", which reg export never writes');
  }
  return path;
}

interface ParsedValue {
  readonly value: RegistryValue;
  /** The index of the value's last line (past its continuation lines). */
  readonly lastIndex: number;
}

/** One value line at `lines[index]`, with its continuation lines if its hex data wraps. */
function parseValue(lines: readonly string[], index: number): ParsedValue {
  const line = lines[index] as string;
  const number = index + 1;
  let name: string;
  let at: number;
  if (line.startsWith('@')) {
    name = '';
    at = 1;
  } else {
    const quoted = readQuoted(line, 1, number, 'value name');
    name = quoted.text;
    at = quoted.end;
  }
  if (line[at] !== '=') {
    throw new RegistryFormatError(number, `expected '=' after the value name ${describeName(name)}`);
  }
  const data = line.slice(at + 1);
  const what = `value ${describeName(name)}`;

  if (data.startsWith('"')) {
    const quoted = readQuoted(line, at + 2, number, 'string');
    if (quoted.end !== line.length) {
      throw new RegistryFormatError(number, `expected the line to end after the closing '"' of the ${what}`);
    }
    return { value: { name, type: 'REG_SZ', value: quoted.text }, lastIndex: index };
  }
  if (data.startsWith('dword:')) {
    const digits = data.slice(6);
    if (!/^[0-9a-fA-F]{8}$/.test(digits)) {
      throw new RegistryFormatError(
        number,
        `expected dword: and exactly 8 hex digits for the ${what}, found "${clip(data)}"`,
      );
    }
    return { value: { name, type: 'REG_DWORD', value: Number.parseInt(digits, 16) }, lastIndex: index };
  }
  if (data === '-') {
    throw new RegistryFormatError(number, `found a value deletion "${clip(line)}", which reg export never writes`);
  }
  const hexType = /^hex(?:\(([0-9a-fA-F]{1,8})\))?:/.exec(data);
  if (hexType === null) {
    const form = data.startsWith('hex(')
      ? 'hex(N): with N the type in 1 to 8 hex digits'
      : 'a quoted string, dword:, hex: or hex(N):';
    throw new RegistryFormatError(number, `expected ${form} after '=' for the ${what}, found "${clip(data)}"`);
  }
  const typeCode = hexType[1] === undefined ? BINARY : Number.parseInt(hexType[1], 16);
  const hex = readHex(lines, index, at + 1 + hexType[0].length, what);
  return { value: decodeHexValue(name, typeCode, hex.bytes, number, what), lastIndex: hex.lastIndex };
}

/** A quoted string from just past its opening quote: only \\ and \" are escapes, as reg export writes. */
function readQuoted(line: string, from: number, number: number, what: string): { text: string; end: number } {
  let text = '';
  for (let at = from; at < line.length; at++) {
    const char = line[at] as string;
    if (char === '"') return { text, end: at + 1 };
    if (char !== '\\') {
      text += char;
      continue;
    }
    const next = line[at + 1];
    if (next !== '\\' && next !== '"') {
      const found = next === undefined ? 'a backslash at the end of the line' : `"\\${next}"`;
      throw new RegistryFormatError(number, `expected \\\\ or \\" as the only escapes in a ${what}, found ${found}`);
    }
    text += next;
    at++;
  }
  throw new RegistryFormatError(number, `unterminated ${what}: expected a closing '"' before the end of the line`);
}

/**
 * Hex bytes "xx,xx,…" from `lines[index]` at column `from`. reg export wraps long data: such a
 * line ends with ",\" and the next line carries on after two spaces.
 */
function readHex(
  lines: readonly string[],
  index: number,
  from: number,
  what: string,
): { bytes: Uint8Array; lastIndex: number } {
  const bytes: number[] = [];
  let text = (lines[index] as string).slice(from);
  for (;;) {
    const number = index + 1;
    const wraps = text.endsWith('\\');
    const body = wraps ? text.slice(0, -1) : text;
    if (wraps && !body.endsWith(',')) {
      throw new RegistryFormatError(number, `expected ',\\' at the end of a wrapped hex line of the ${what}`);
    }
    if (!wraps && body.endsWith(',')) {
      throw new RegistryFormatError(number, `expected a hex byte after the last ',' of the ${what} (or ',\\' to wrap)`);
    }
    // A wrapped body ends with ',': its last piece is empty and not a byte.
    const pieces = body === '' ? [] : body.split(',');
    if (wraps) pieces.pop();
    for (const piece of pieces) {
      if (!/^[0-9a-fA-F]{2}$/.test(piece)) {
        const found = piece === '' ? 'an empty entry' : `"${clip(piece)}"`;
        throw new RegistryFormatError(number, `expected two hex digits per byte in the ${what}, found ${found}`);
      }
      bytes.push(Number.parseInt(piece, 16));
    }
    if (!wraps) return { bytes: Uint8Array.from(bytes), lastIndex: index };
    const next = lines[index + 1];
    if (next === undefined) {
      throw new RegistryFormatError(
        number,
        `the ${what} wraps (the line ends with ',\\') but the file ends; expected a continuation line`,
      );
    }
    if (!next.startsWith('  ') || next.startsWith('   ')) {
      throw new RegistryFormatError(
        number + 1,
        `expected a continuation line starting with two spaces (line ${number} ends with ',\\'), found "${clip(next)}"`,
      );
    }
    index++;
    text = next.slice(2);
  }
}

function decodeHexValue(
  name: string,
  typeCode: number,
  bytes: Uint8Array,
  number: number,
  what: string,
): RegistryValue {
  switch (typeCode) {
    case BINARY:
      return { name, type: 'REG_BINARY', value: bytes };
    case REG_QWORD: {
      if (bytes.length !== 8) {
        throw new RegistryFormatError(number, `expected 8 bytes for the REG_QWORD ${what}, found ${bytes.length}`);
      }
      return { name, type: 'REG_QWORD', value: new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true) };
    }
    case REG_EXPAND_SZ: {
      const units = utf16Units(bytes, number, `REG_EXPAND_SZ ${what}`);
      if (units.length === 0) return { name, type: 'REG_EXPAND_SZ', value: '' };
      const end = units.indexOf(0);
      if (end !== units.length - 1) {
        throw new RegistryFormatError(
          number,
          end < 0
            ? `expected the REG_EXPAND_SZ ${what} to end with a NUL character (00,00)`
            : `expected one NUL character, at the end, in the REG_EXPAND_SZ ${what}, found one before it`,
        );
      }
      return { name, type: 'REG_EXPAND_SZ', value: utf16.decode(bytes.subarray(0, -2)) };
    }
    case REG_MULTI_SZ: {
      const units = utf16Units(bytes, number, `REG_MULTI_SZ ${what}`);
      // An empty list is the closing NUL alone; some writers store two NULs for it.
      if (units.length === 0 || (units.length <= 2 && units.every((code) => code === 0))) {
        return { name, type: 'REG_MULTI_SZ', value: [] };
      }
      if (units.length < 3 || units[units.length - 1] !== 0 || units[units.length - 2] !== 0) {
        throw new RegistryFormatError(
          number,
          `expected the REG_MULTI_SZ ${what} to end with two NUL characters (00,00,00,00): one ends the last string, one the list`,
        );
      }
      // Drop the last string's NUL and the list's: the rest is the strings with a NUL between each.
      const strings = utf16.decode(bytes.subarray(0, -4)).split('\0');
      if (strings.includes('')) {
        throw new RegistryFormatError(
          number,
          `expected no empty string inside the REG_MULTI_SZ ${what} (an empty string would end the list)`,
        );
      }
      return { name, type: 'REG_MULTI_SZ', value: strings };
    }
    case 1: {
      // REG_SZ written as hex(1): reg export's form for a string whose data is not terminated
      // the usual way (a tool stored it without its NUL, or with several). Trailing NULs go.
      const units = utf16Units(bytes, number, `REG_SZ ${what}`);
      let end = units.length;
      while (end > 0 && units[end - 1] === 0) end -= 1;
      if (units.slice(0, end).includes(0))
        throw new RegistryFormatError(number, `expected no NUL character inside the REG_SZ ${what}`);
      return { name, type: 'REG_SZ', value: utf16.decode(bytes.subarray(0, end * 2)) };
    }
    case 4: {
      // REG_DWORD as hex(4): four bytes, little-endian (a DWORD stored with an odd size is refused).
      if (bytes.length !== 4)
        throw new RegistryFormatError(number, `expected 4 bytes for the REG_DWORD ${what}, found ${bytes.length}`);
      return { name, type: 'REG_DWORD', value: new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) };
    }
    default:
      return { name, type: 'REG_UNKNOWN', typeCode, value: bytes };
  }
}

/** UTF-16LE code units of string data, checked: whole units, surrogates in pairs. */
function utf16Units(bytes: Uint8Array, number: number, what: string): number[] {
  if (bytes.length % 2 === 1) {
    throw new RegistryFormatError(
      number,
      `expected the ${what} to be UTF-16LE, an even number of bytes, found ${bytes.length}`,
    );
  }
  const units: number[] = [];
  for (let at = 0; at < bytes.length; at += 2) units.push((bytes[at] as number) | ((bytes[at + 1] as number) << 8));
  for (let at = 0; at < units.length; at++) {
    const code = units[at] as number;
    const next = units[at + 1] ?? 0;
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) at++;
    else if (code >= 0xd800 && code <= 0xdfff) {
      throw new RegistryFormatError(number, `expected valid UTF-16 in the ${what}, found an unpaired surrogate`);
    }
  }
  return units;
}

/** HKLM\… → HKEY_LOCAL_MACHINE\… (reg export writes the full root name), no trailing backslash. */
function canonicalKeyPath(keyPath: string): string {
  const trimmed = keyPath.replace(/\\+$/, '');
  const slash = trimmed.indexOf('\\');
  const root = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const full = ROOT_NAMES[root.toUpperCase()];
  return full === undefined ? trimmed : full + trimmed.slice(root.length);
}

function splitKeyPath(path: string): string[] {
  return path.split('\\');
}

/** Registry names compare case-insensitively; compared per key name so that case mapping cannot shift them. */
function startsWithKey(segments: readonly string[], prefix: readonly string[]): boolean {
  return segments.length >= prefix.length && prefix.every((segment, at) => fold(segment) === fold(segments[at] ?? ''));
}

function fold(text: string): string {
  return text.toUpperCase();
}

function describeName(name: string): string {
  return name === '' ? '@ (the default value)' : `"${clip(name)}"`;
}

/** Keeps error messages readable when a line is long. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
