import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCapabilityMap,
  buildOutputReports,
  decodeInputReport,
  OUTPUT_NAMES,
  type CapabilityMap,
  type OutputState,
} from '../../src/main/headset/capabilities';
import { DescriptorError, parseReportDescriptor, type ParsedDescriptor } from '../../src/main/headset/descriptor';
import { fixtureDescriptor, parseHeadsetFixture } from '../../src/main/headset/fixture';
import { seededRandom, type SeededRandom } from '../support/random';

const prng = seededRandom;
type Random = SeededRandom;

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'headsets');
const REAL = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => {
    const parsed = parseHeadsetFixture(readFileSync(join(FIXTURES, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
    return { file, bytes: fixtureDescriptor(parsed.value) };
  });

interface Outcome {
  parsed: number;
  refused: number;
  /** Parsed descriptors with at least one field-level warning (a field left out). */
  warned: number;
  /** Parsed descriptors whose map has at least one named control, so the codecs really ran. */
  mapped: number;
  /** Anything thrown that is not the parser's own DescriptorError, or a result that is wrong. */
  failures: string[];
}

function hex(data: Uint8Array): string {
  return [...data].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function randomState(random: Random): OutputState {
  return Object.fromEntries(OUTPUT_NAMES.map((name) => [name, random.next() < 0.5])) as OutputState;
}

/** Random input reports (declared IDs and others, any length) and random output states through the codecs. */
function exerciseMap(map: CapabilityMap, random: Random, reports: number, label: string, outcome: Outcome): void {
  const ids = [...map.inputReportLengths.keys()];
  for (let round = 0; round < reports; round += 1) {
    const length = random.pick([0, 1, 2, 3, random.int(8), random.int(80)]);
    const report = random.bytes(length);
    if (length > 0 && ids.length > 0 && random.next() < 0.8) report[0] = random.pick(ids);
    try {
      const decoded = decodeInputReport(map, report);
      if (decoded.ok && !Object.values(decoded.value.values).every(Number.isInteger))
        outcome.failures.push(`${label}: report ${hex(report)} decoded to ${JSON.stringify(decoded.value)}`);
      if (!decoded.ok && decoded.error.message.length === 0)
        outcome.failures.push(`${label}: report ${hex(report)} refused without a message`);
    } catch (error) {
      outcome.failures.push(`${label}: decoding ${hex(report)} threw ${String(error)}`);
    }
  }
  try {
    const built = buildOutputReports(map, randomState(random));
    if (built.ok)
      for (const report of built.value) {
        const expected = map.outputReportLengths.get(report.reportId);
        if (report.bytes.length !== expected)
          outcome.failures.push(`${label}: output report ${report.reportId} is ${report.bytes.length} bytes`);
      }
  } catch (error) {
    outcome.failures.push(`${label}: building output reports threw ${String(error)}`);
  }
}

/**
 * What must hold of any parse: every warning names a byte inside the descriptor, in byte order;
 * each report's fields lie inside it, in order, without overlapping (a field left out still took
 * its bits, so the next one starts after them).
 */
function checkParsed(parsed: ParsedDescriptor, descriptor: Uint8Array): string[] {
  const problems: string[] = [];
  let previous = 0;
  for (const { offset, message } of parsed.warnings) {
    if (!Number.isInteger(offset) || offset < 0 || offset >= descriptor.length)
      problems.push(`warning outside the descriptor: ${offset} "${message}"`);
    if (!message.startsWith(`descriptor byte ${offset}: `) || message.length <= `descriptor byte ${offset}: `.length)
      problems.push(`warning message does not name its byte: ${offset} "${message}"`);
    if (offset < previous) problems.push(`warnings out of order: ${offset} after ${previous}`);
    previous = offset;
  }
  for (const report of parsed.reports) {
    let end = 0;
    for (const field of report.fields) {
      if (field.bitOffset < end)
        problems.push(`${report.type} report ${report.id}: field at bit ${field.bitOffset} overlaps`);
      end = field.bitOffset + field.size * field.count;
      if (end > report.bitLength)
        problems.push(`${report.type} report ${report.id}: field ends at bit ${end}, past ${report.bitLength}`);
    }
  }
  const inReports = parsed.reports.reduce((total, report) => total + report.fields.length, 0);
  if (inReports !== parsed.fields.length) problems.push(`${parsed.fields.length} fields, ${inReports} in reports`);
  return problems;
}

function run(descriptor: Uint8Array, random: Random, label: string, outcome: Outcome, reports = 4): void {
  try {
    const parsed = parseReportDescriptor(descriptor);
    outcome.parsed += 1;
    if (parsed.warnings.length > 0) outcome.warned += 1;
    for (const problem of checkParsed(parsed, descriptor))
      outcome.failures.push(`${label} ${hex(descriptor)}: ${problem}`);
    const map = buildCapabilityMap(parsed);
    if (Object.keys(map.inputs).length + Object.keys(map.outputs).length > 0) outcome.mapped += 1;
    exerciseMap(map, random, reports, `${label} ${hex(descriptor)}`, outcome);
  } catch (error) {
    if (!(error instanceof DescriptorError)) {
      outcome.failures.push(`${label} ${hex(descriptor)}: threw ${String(error)}`);
      return;
    }
    outcome.refused += 1;
    if (!/^descriptor byte \d+: \S/.test(error.message) || error.offset < 0 || error.offset > descriptor.length)
      outcome.failures.push(`${label} ${hex(descriptor)}: unhelpful error "${error.message}"`);
    if (FIELD_LEVEL.test(error.problem))
      outcome.failures.push(`${label} ${hex(descriptor)}: a field-level problem was fatal: "${error.message}"`);
  }
}

/** Problems that concern one field: warnings, never a DescriptorError. */
const FIELD_LEVEL =
  /usage range|usage (minimum|maximum) without|below usage minimum|second usage|Delimiter|data field has/;

/** A random item: mostly well-formed short items with small values, sometimes anything at all. */
function randomItem(random: Random): number[] {
  const roll = random.next();
  if (roll < 0.05) return [...random.bytes(1 + random.int(4))];
  if (roll < 0.08) return [0xfe, random.int(6), random.int(256), ...random.bytes(random.int(6))];
  const prefix = random.pick([
    0x04, 0x14, 0x24, 0x74, 0x84, 0x94, 0xa4, 0xb4, 0x08, 0x18, 0x28, 0xa8, 0x80, 0x90, 0xb0, 0xa0, 0xc0, 0x0c, 0xf4,
  ]);
  const size = random.pick([0, 1, 1, 1, 2, 4]);
  const small = random.pick([0, 1, 2, 3, 7, 8, 0x0b, 0x0c, 0x20, 0x2f, 0xe9, 0xff]);
  const data = [small, ...random.bytes(Math.max(0, size - 1))].slice(0, size);
  return [prefix | (size === 4 ? 3 : size), ...data];
}

/** A descriptor built to mostly be valid: balanced collections and Push/Pop, fields with usages, ranges and IDs. */
function structuredDescriptor(random: Random): Uint8Array {
  const out: number[] = [];
  const short = (prefix: number, value: number) => {
    if (value <= 0xff) out.push(prefix | 1, value);
    else if (value <= 0xffff) out.push(prefix | 2, value & 0xff, value >> 8);
    else out.push(prefix | 3, value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
  };
  const withIds = random.next() < 0.6;
  const block = (depth: number) => {
    const blocks = 1 + random.int(4);
    for (let index = 0; index < blocks; index += 1) {
      const roll = random.next();
      if (roll < 0.2 && depth < 3) {
        short(0x08, random.pick([1, 5, 6, 0x36]));
        short(0xa0, random.pick([0, 1, 2, 4, 0x80]));
        block(depth + 1);
        out.push(0xc0);
        continue;
      }
      if (roll < 0.25) {
        out.push(0xa4);
        short(0x04, random.pick([0x08, 0xff30]));
        block(depth);
        out.push(0xb4);
        continue;
      }
      short(0x04, random.pick([0x08, 0x09, 0x0b, 0x0c, 0xff00]));
      if (withIds && random.next() < 0.5) short(0x84, 1 + random.int(255));
      const signed = random.next() < 0.2;
      short(0x14, signed ? 0xff : 0);
      short(0x24, random.pick([1, 1, 2, 0x0c, 0x7f, 0x3c02]));
      short(0x74, random.pick([1, 1, 1, 2, 4, 8, 16, 32]));
      short(0x94, random.int(9));
      const usages = random.int(4);
      for (let usage = 0; usage < usages; usage += 1) {
        if (random.next() < 0.3) {
          const first = random.int(0x30);
          short(0x18, first);
          short(0x28, first + random.int(0x20));
        } else if (random.next() < 0.1) short(0x08, 0x000b0000 + random.pick([0x20, 0x2f, 0x9e]));
        else short(0x08, random.pick([0x07, 0x09, 0x17, 0x18, 0x20, 0x21, 0x2f, 0x97, 0x9e, 0xe9, 0xea, 0xe2]));
      }
      // Now and then a field-level oddity: a warning, the field left out, its bits kept.
      if (random.next() < 0.1)
        random.pick([
          () => (short(0x18, 0x09), short(0x28, 0x02)), // a range running backwards
          () => (short(0x18, 0x000b0020), short(0x28, 0x20)), // a range spanning two pages
          () => short(0x18, 0x20), // a dangling usage minimum
          () => short(0x74, 40), // wider than we read
          () => (short(0x14, 5), short(0x24, 1)), // logical maximum below the minimum
          () => out.push(0xa9, 0x01), // a Delimiter set never closed
        ])();
      short(random.pick([0x80, 0x80, 0x90, 0xb0]), random.pick([0, 1, 2, 3, 6, 0x22, 0x40, 0x102]));
    }
  };
  if (withIds) short(0x84, 1 + random.int(255));
  short(0x04, 0x0b);
  short(0x08, 5);
  short(0xa0, 1);
  block(1);
  out.push(0xc0);
  return Uint8Array.from(out);
}

function mutate(original: Uint8Array, random: Random): Uint8Array {
  const bytes = [...original];
  const mutations = 1 + random.int(4);
  for (let round = 0; round < mutations; round += 1) {
    const at = random.int(bytes.length + 1);
    switch (random.int(6)) {
      case 0:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << random.int(8));
        break;
      case 1:
        bytes[at] = random.int(256);
        break;
      case 2:
        bytes.splice(at, 0, random.int(256));
        break;
      case 3:
        bytes.splice(at, 1 + random.int(3));
        break;
      case 4:
        bytes.length = Math.min(bytes.length, at);
        break;
      default: {
        const from = random.int(bytes.length);
        bytes.splice(at, 0, ...bytes.slice(from, from + 1 + random.int(12)));
      }
    }
  }
  return Uint8Array.from(bytes.slice(0, 4096), (value) => value & 0xff);
}

describe('fuzzing the descriptor parser and the report codecs', () => {
  it('random bytes: refused only with DescriptorError naming a byte, never a crash', { timeout: 120_000 }, () => {
    const random = prng(0x4c1d);
    const outcome: Outcome = { parsed: 0, refused: 0, warned: 0, mapped: 0, failures: [] };
    for (let round = 0; round < 3000; round += 1) run(random.bytes(1 + random.int(96)), random, 'random', outcome);
    expect(outcome.failures).toEqual([]);
    expect(outcome.refused).toBeGreaterThan(0);
    expect(outcome.parsed).toBeGreaterThan(0);
  });

  it('random item sequences: parsed or refused cleanly, and their maps decode any report', { timeout: 120_000 }, () => {
    const random = prng(0x0b05);
    const outcome: Outcome = { parsed: 0, refused: 0, warned: 0, mapped: 0, failures: [] };
    for (let round = 0; round < 3000; round += 1) {
      const items = Array.from({ length: 1 + random.int(40) }, () => randomItem(random)).flat();
      run(Uint8Array.from(items), random, 'items', outcome);
    }
    expect(outcome.failures).toEqual([]);
    expect(outcome.parsed).toBeGreaterThan(100);
    expect(outcome.refused).toBeGreaterThan(1000);
    expect(outcome.warned).toBeGreaterThan(50);
  });

  it('structured descriptors: mostly parsed, and their maps decode any report', { timeout: 120_000 }, () => {
    const random = prng(0x2453);
    const outcome: Outcome = { parsed: 0, refused: 0, warned: 0, mapped: 0, failures: [] };
    for (let round = 0; round < 3000; round += 1) run(structuredDescriptor(random), random, 'structured', outcome);
    expect(outcome.failures).toEqual([]);
    expect(outcome.parsed).toBeGreaterThan(1500);
    expect(outcome.warned).toBeGreaterThan(500);
    expect(outcome.mapped).toBeGreaterThan(500);
  });

  it('mutations of the ten real descriptors: parsed or refused cleanly', { timeout: 120_000 }, () => {
    expect(REAL).toHaveLength(10);
    const random = prng(0x1395);
    const outcome: Outcome = { parsed: 0, refused: 0, warned: 0, mapped: 0, failures: [] };
    for (const { file, bytes } of REAL)
      for (let round = 0; round < 300; round += 1) run(mutate(bytes, random), random, file, outcome, 2);
    expect(outcome.failures).toEqual([]);
    expect(outcome.parsed).toBeGreaterThan(100);
    expect(outcome.refused).toBeGreaterThan(100);
    expect(outcome.warned).toBeGreaterThan(50);
  });

  it('random reports through the real devices’ maps: decoded or refused, never a throw', { timeout: 120_000 }, () => {
    const random = prng(0x047f);
    const outcome: Outcome = { parsed: 0, refused: 0, warned: 0, mapped: 0, failures: [] };
    for (const { file, bytes } of REAL) run(bytes, random, file, outcome, 500);
    expect(outcome.failures).toEqual([]);
    expect(outcome.parsed).toBe(10);
    expect(outcome.warned).toBe(0);
  });
});
