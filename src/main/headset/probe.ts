/**
 * `headset probe`: the capability map of a descriptor given on the command line (the adapter:
 * it reads files; the parsing and mapping are the pure core in descriptor.ts and capabilities.ts).
 *
 * `--descriptor` is one of:
 * - a hex string (`050b0905a101…`, spaces, colons, commas and `0x` prefixes allowed); an argument
 *   made only of hex digits is always read as hex, so write such a file name as `./deadbeef`;
 * - a path ending in `.json`: a headset fixture file (test/fixtures/headsets/);
 * - any other path: a binary descriptor dump, such as a copy of
 *   `/sys/class/hidraw/hidrawN/device/report_descriptor`.
 * `--vid`/`--pid` (hexadecimal) must match a fixture file's IDs when given with one.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fail, ok, type Result } from '../../shared/result';
import { buildCapabilityMap, probeJson, type ProbeJson } from './capabilities';
import { tryParseReportDescriptor, type DescriptorWarning } from './descriptor';
import { bytesFromHex, fixtureDescriptor, parseHeadsetFixture } from './fixture';

/** USB descriptors give a report descriptor's length in 16 bits. */
export const MAX_DESCRIPTOR_BYTES = 0xffff;

export interface ProbeRequest {
  readonly descriptor: string | undefined;
  readonly vid: string | undefined;
  readonly pid: string | undefined;
}

interface DescriptorSource {
  readonly bytes: Uint8Array;
  /** Names the source in error messages. */
  readonly label: string;
  /** USB IDs when the source states them (a fixture file). */
  readonly ids: { readonly vendorId: number; readonly productId: number } | null;
}

const HEX_SEPARATORS = /[\s,:]+|\b0x/gi;

/** The digits of a hex descriptor argument, or null when the argument is not written in hex. */
export function hexDigits(argument: string): string | null {
  const digits = argument.replace(HEX_SEPARATORS, '');
  return /^[0-9a-fA-F]+$/.test(digits) ? digits : null;
}

/** `0x0b0e` or `0b0e` → 2830; null when it is not a 16-bit hexadecimal number. */
export function parseUsbId(text: string): number | null {
  const match = /^(?:0x)?([0-9a-fA-F]{1,4})$/i.exec(text.trim());
  return match?.[1] === undefined ? null : Number.parseInt(match[1], 16);
}

function formatUsbId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

async function loadSource(argument: string): Promise<Result<DescriptorSource>> {
  const digits = hexDigits(argument);
  if (digits !== null) {
    if (digits.length % 2 !== 0)
      return fail('invalid_input', `--descriptor: the hex string has an odd number of digits (${digits.length})`);
    return ok({ bytes: bytesFromHex(digits), label: 'hex string', ids: null });
  }
  const file = resolve(argument);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail('invalid_input', `--descriptor: ${file} is not a file`);
    size = info.size;
  } catch {
    return fail('invalid_input', `--descriptor: not a hex string, and no such file: ${file}`);
  }
  if (size > MAX_DESCRIPTOR_BYTES * 3)
    return fail('invalid_input', `${file}: ${size} bytes is too large for a report descriptor or its fixture file`);
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    return fail('invalid_input', `${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!file.toLowerCase().endsWith('.json')) {
    if (content.length > MAX_DESCRIPTOR_BYTES)
      return fail(
        'invalid_input',
        `${file}: ${content.length} bytes, a report descriptor has at most ${MAX_DESCRIPTOR_BYTES}`,
      );
    return ok({ bytes: Uint8Array.from(content), label: file, ids: null });
  }
  const fixture = parseHeadsetFixture(content.toString('utf8'));
  if (!fixture.ok) return fail('invalid_input', `${file}: ${fixture.error.message}`);
  return ok({
    bytes: fixtureDescriptor(fixture.value),
    label: file,
    ids: { vendorId: fixture.value.vendorId, productId: fixture.value.productId },
  });
}

function checkId(
  flag: '--vid' | '--pid',
  text: string | undefined,
  stated: number | undefined,
  label: string,
): Result<null> {
  if (text === undefined) return ok(null);
  const id = parseUsbId(text);
  if (id === null) return fail('invalid_input', `${flag}: expected a hexadecimal USB ID such as 0x0b0e, got "${text}"`);
  if (stated !== undefined && stated !== id)
    return fail(
      'invalid_input',
      `${flag} ${formatUsbId(id)} does not match ${label}, which is for ${flag === '--vid' ? 'vendor' : 'product'} ${formatUsbId(stated)}`,
    );
  return ok(null);
}

/**
 * The probe's JSON for the request, with the descriptor's warnings (fields left out as malformed),
 * or a message naming what was wrong with it.
 */
export async function probeHeadset(
  request: ProbeRequest,
): Promise<Result<{ readonly json: ProbeJson; readonly warnings: readonly DescriptorWarning[] }>> {
  if (request.descriptor === undefined || request.descriptor.trim() === '')
    return fail('invalid_input', '--descriptor: expected a hex string or a file (binary descriptor or fixture JSON)');
  // Check the IDs' form before reading anything, so a typo is named even with a bad descriptor.
  for (const [flag, text] of [
    ['--vid', request.vid],
    ['--pid', request.pid],
  ] as const) {
    const checked = checkId(flag, text, undefined, '');
    if (!checked.ok) return checked;
  }
  const source = await loadSource(request.descriptor);
  if (!source.ok) return source;
  const { bytes, label, ids } = source.value;
  const vid = checkId('--vid', request.vid, ids?.vendorId, label);
  if (!vid.ok) return vid;
  const pid = checkId('--pid', request.pid, ids?.productId, label);
  if (!pid.ok) return pid;
  const parsed = tryParseReportDescriptor(bytes);
  if (!parsed.ok) return fail('invalid_input', `${label}: ${parsed.error.message}`);
  return ok({ json: probeJson(buildCapabilityMap(parsed.value)), warnings: parsed.value.warnings });
}
