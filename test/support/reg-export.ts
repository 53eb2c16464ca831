import type { RegistryValue } from '../../src/main/settings/policy/registry-export';

/**
 * Writes the bytes `reg export` would for some keys, written apart from the parser so that the
 * round trips test one against the other: UTF-16LE with BOM, CRLF, the version 5.00 header, one
 * section per key (each after a blank line), a blank line at the end.
 */
export interface RegSection {
  /** Full key path as reg export writes it: HKEY_LOCAL_MACHINE\…. */
  readonly path: string;
  readonly values: readonly RegistryValue[];
}

export interface EncodeOptions {
  /**
   * A hex line breaks (after ",\") once it reaches this many columns; 77 is what reg.exe does (lines
   * of at most 79 characters, continuation lines of 25 bytes).
   */
  readonly wrapAt?: number;
}

export function encodeRegExport(sections: readonly RegSection[], options: EncodeOptions = {}): Uint8Array {
  const wrapAt = options.wrapAt ?? 77;
  const lines = ['Windows Registry Editor Version 5.00'];
  for (const section of sections) {
    lines.push('', `[${section.path}]`);
    for (const value of section.values) lines.push(...valueLines(value, wrapAt));
  }
  lines.push('');
  return utf16le('\uFEFF' + lines.map((line) => `${line}\r\n`).join(''));
}

export function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    bytes[2 * at] = code & 0xff;
    bytes[2 * at + 1] = code >> 8;
  }
  return bytes;
}

function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function valueLines(value: RegistryValue, wrapAt: number): string[] {
  const name = value.name === '' ? '@' : quote(value.name);
  switch (value.type) {
    case 'REG_SZ':
      return [`${name}=${quote(value.value)}`];
    case 'REG_DWORD':
      return [`${name}=dword:${value.value.toString(16).padStart(8, '0')}`];
    case 'REG_BINARY':
      return hexLines(`${name}=hex:`, value.value, wrapAt);
    case 'REG_UNKNOWN':
      return hexLines(`${name}=hex(${value.typeCode.toString(16)}):`, value.value, wrapAt);
    case 'REG_QWORD': {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, value.value, true);
      return hexLines(`${name}=hex(b):`, bytes, wrapAt);
    }
    case 'REG_EXPAND_SZ':
      return hexLines(`${name}=hex(2):`, utf16le(`${value.value}\0`), wrapAt);
    case 'REG_MULTI_SZ':
      return hexLines(`${name}=hex(7):`, utf16le(value.value.map((text) => `${text}\0`).join('') + '\0'), wrapAt);
  }
}

function hexLines(prefix: string, bytes: Uint8Array, wrapAt: number): string[] {
  const lines: string[] = [];
  let line = prefix;
  bytes.forEach((byte, at) => {
    line += byte.toString(16).padStart(2, '0');
    if (at === bytes.length - 1) return;
    line += ',';
    if (line.length >= wrapAt) {
      lines.push(`${line}\\`);
      line = '  ';
    }
  });
  lines.push(line);
  return lines;
}
