import { describe, expect, it } from 'vitest';
import { buildCapabilityMap, probeJson } from '../../src/main/headset/capabilities';
import {
  arrayValueUsage,
  DescriptorError,
  parseReportDescriptor,
  readBits,
  tryParseReportDescriptor,
  usageAt,
  variableElementUsage,
  writeBits,
  type ArrayField,
  type Field,
  type ParsedDescriptor,
  type VariableField,
} from '../../src/main/headset/descriptor';
import { fixtureDescriptor } from '../../src/main/headset/fixture';
import { loadFixture } from '../support/fake-hid';

/** `'05 0b 09 05'` → bytes. */
function bytes(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function parse(text: string) {
  return parseReportDescriptor(bytes(text));
}

/** The DescriptorError the descriptor throws (fails the test when it parses). */
function errorOf(text: string): DescriptorError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof DescriptorError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

function variable(field: Field | undefined): VariableField {
  if (field?.kind !== 'variable') throw new Error(`expected a variable field, got ${field?.kind}`);
  return field;
}

function array(field: Field | undefined): ArrayField {
  if (field?.kind !== 'array') throw new Error(`expected an array field, got ${field?.kind}`);
  return field;
}

const BUTTON = 0x09;
const TELEPHONY = 0x0b;
const CONSUMER = 0x0c;

describe('report descriptor parser: items and state', () => {
  it('lays out a telephony collection without report IDs: fields, offsets, flags and the report', () => {
    const parsed = parse(`
      05 0b 09 05 a1 01
        15 00 25 01 75 01
        09 20 09 97 95 02 81 22
        09 2f 95 01 81 06
        95 05 81 01
      c0`);
    expect(parsed.usesReportIds).toBe(false);
    expect(parsed.collections).toEqual([
      { type: 1, typeName: 'application', usage: { page: TELEPHONY, id: 5 }, parent: null, depth: 0, itemOffset: 4 },
    ]);
    expect(parsed.reports).toHaveLength(1);
    expect(parsed.reports[0]).toMatchObject({ type: 'input', id: 0, bitLength: 8, byteLength: 1 });
    const [hook, mute, padding] = parsed.fields;
    expect(hook).toMatchObject({
      kind: 'variable',
      reportType: 'input',
      reportId: 0,
      bitOffset: 0,
      size: 1,
      count: 2,
      logicalMinimum: 0,
      logicalMaximum: 1,
      usages: [
        { page: TELEPHONY, first: 0x20, last: 0x20 },
        { page: TELEPHONY, first: 0x97, last: 0x97 },
      ],
      collection: 0,
      itemOffset: 18,
    });
    expect(hook?.flags).toEqual({
      constant: false,
      variable: true,
      relative: false,
      wrap: false,
      nonLinear: false,
      noPreferredState: true,
      nullState: false,
      volatile: false,
      bufferedBytes: false,
    });
    expect(mute).toMatchObject({ bitOffset: 2, count: 1, flags: { relative: true, variable: true } });
    expect(padding).toMatchObject({ bitOffset: 3, count: 5, size: 1, usages: [], flags: { constant: true } });
  });

  it('keeps reports apart by ID and type; each one counts its bits after the report ID byte', () => {
    const parsed = parse(`
      05 0b 09 05 a1 01 15 00 25 01 75 01
        85 02 09 20 95 01 81 02 95 07 81 01
        05 08 09 17 09 09 95 02 91 02 95 06 91 01
        85 03 09 18 95 01 91 02 75 0f 91 01
        85 02 09 21 75 01 95 08 b1 02
      c0`);
    expect(parsed.usesReportIds).toBe(true);
    expect(parsed.reports.map(({ type, id, bitLength, byteLength }) => ({ type, id, bitLength, byteLength }))).toEqual([
      { type: 'input', id: 2, bitLength: 8, byteLength: 1 },
      { type: 'output', id: 2, bitLength: 8, byteLength: 1 },
      { type: 'output', id: 3, bitLength: 16, byteLength: 2 },
      { type: 'feature', id: 2, bitLength: 8, byteLength: 1 },
    ]);
    const ledRing = parsed.fields.find((field) => field.usages[0]?.first === 0x18);
    expect(ledRing).toMatchObject({ reportType: 'output', reportId: 3, bitOffset: 0, usages: [{ page: 0x08 }] });
    const ledMuteField = parsed.reports[1]?.fields[0];
    expect(ledMuteField && variableElementUsage(variable(ledMuteField), 1)).toEqual({ page: 0x08, id: 0x09 });
  });

  it('Push saves and Pop restores the whole global state, report ID included', () => {
    const parsed = parse(`
      05 0b 15 00 25 01 75 01 95 01 85 01
      a4
        05 08 85 02 75 08 95 02 09 17 91 02
      b4
      09 20 81 02`);
    const [ledField, hookField] = parsed.fields;
    expect(ledField).toMatchObject({ reportType: 'output', reportId: 2, size: 8, count: 2, usages: [{ page: 0x08 }] });
    expect(hookField).toMatchObject({
      reportType: 'input',
      reportId: 1,
      size: 1,
      count: 1,
      usages: [{ page: TELEPHONY, first: 0x20, last: 0x20 }],
    });
  });

  it('keeps usage ranges as ranges and hands out one usage per element; the last repeats', () => {
    const parsed = parse(`
      05 09 19 01 29 03 15 00 25 01 75 01 95 05 81 02
      05 0b 09 20 09 21 95 02 81 02`);
    const buttons = variable(parsed.fields[0]);
    expect(buttons.usages).toEqual([{ page: BUTTON, first: 1, last: 3 }]);
    expect([0, 1, 2, 3, 4, 5].map((index) => variableElementUsage(buttons, index))).toEqual([
      { page: BUTTON, id: 1 },
      { page: BUTTON, id: 2 },
      { page: BUTTON, id: 3 },
      { page: BUTTON, id: 3 },
      { page: BUTTON, id: 3 },
      null,
    ]);
    expect(usageAt(parsed.fields[1]!, 1)).toEqual({ page: TELEPHONY, id: 0x21 });
  });

  it('reads a 4-byte usage as page and ID, whatever page is in effect', () => {
    const parsed = parse(`
      05 09 0b 20 00 0b 00 15 00 25 01 75 01 95 01 81 02
      05 0c 1b 01 00 09 00 2b 03 00 09 00 95 03 81 02`);
    expect(parsed.fields[0]?.usages).toEqual([{ page: TELEPHONY, first: 0x20, last: 0x20 }]);
    expect(parsed.fields[1]?.usages).toEqual([{ page: BUTTON, first: 1, last: 3 }]);
  });

  it('gives a 16-bit usage the usage page in effect at its main item: 09 07 05 09 is Button 7', () => {
    // Telephony's Programmable Button (0x07) declared under the Telephony page, then the Button
    // page set before the Input item: HID 1.11 makes it Button 7.
    const parsed = parse('05 0b 09 07 05 09 15 00 25 01 75 01 95 01 81 02');
    expect(variableElementUsage(variable(parsed.fields[0]), 0)).toEqual({ page: BUTTON, id: 7 });
    // The same rule with a second usage after the page change (Poly, Sennheiser and EPOS write
    // this): both are Button usages. Linux keeps the first on the Telephony page here.
    const mixed = parse('05 0b 09 07 05 09 09 01 15 00 25 01 75 01 95 01 81 06');
    expect(mixed.fields[0]?.usages).toEqual([
      { page: BUTTON, first: 7, last: 7 },
      { page: BUTTON, first: 1, last: 1 },
    ]);
    // A collection's usage takes the page at its Collection item the same way.
    expect(parse('09 05 05 0b a1 01 c0').collections[0]?.usage).toEqual({ page: TELEPHONY, id: 5 });
  });

  it('skips long items whole', () => {
    const parsed = parse('05 0b fe 03 ab 01 02 03 09 20 15 00 25 01 75 01 95 01 fe 00 10 81 02');
    expect(parsed.fields[0]).toMatchObject({ itemOffset: 21, usages: [{ page: TELEPHONY, first: 0x20 }] });
  });

  it('skips reserved items (type 3) and reserved global and main tags', () => {
    const parsed = parse('0c f5 01 d0 05 0b 09 20 15 00 25 01 75 01 95 01 81 02');
    expect(parsed.fields).toHaveLength(1);
    expect(parsed.fields[0]?.usages).toEqual([{ page: TELEPHONY, first: 0x20, last: 0x20 }]);
  });

  it('nests collections: parents, depth, and each field in its innermost collection', () => {
    const parsed = parse(`
      05 0b 09 05 a1 01
        15 00 25 01 75 01 95 01 09 20 81 02
        09 06 a1 02
          19 b0 29 bb 15 00 25 0b 75 04 95 01 81 00
          a1 00 c0
        c0
        75 01 95 03 81 01
      c0
      05 0c 09 01 a1 01 c0`);
    expect(
      parsed.collections.map(({ typeName, usage, parent, depth }) => ({ typeName, usage, parent, depth })),
    ).toEqual([
      { typeName: 'application', usage: { page: TELEPHONY, id: 5 }, parent: null, depth: 0 },
      { typeName: 'logical', usage: { page: TELEPHONY, id: 6 }, parent: 0, depth: 1 },
      { typeName: 'physical', usage: null, parent: 1, depth: 2 },
      { typeName: 'application', usage: { page: CONSUMER, id: 1 }, parent: null, depth: 0 },
    ]);
    expect(parsed.fields.map((field) => [field.collection, field.bitOffset])).toEqual([
      [0, 0],
      [1, 1],
      [0, 5],
    ]);
  });

  it('reads Logical Minimum signed and Logical Maximum signed only when the minimum is negative', () => {
    const range = (text: string) => {
      const field = parse(`05 0c 09 e0 75 08 95 01 ${text} 81 02`).fields[0];
      return [field?.logicalMinimum, field?.logicalMaximum];
    };
    expect(range('15 00 25 ff')).toEqual([0, 255]);
    expect(range('15 ff 25 01')).toEqual([-1, 1]);
    expect(range('15 81 25 7f')).toEqual([-127, 127]);
    expect(range('16 00 80 26 ff 7f')).toEqual([-32768, 32767]);
    expect(range('15 00 27 ff ff ff ff')).toEqual([0, 0xffffffff]);
    // The order of the two items does not matter: the maximum is read at the main item.
    expect(range('25 ff 15 00')).toEqual([0, 255]);
  });

  it('keeps an array field’s usage list: value logicalMinimum + k selects usage k', () => {
    const parsed = parse('05 0c 09 01 a1 01 19 00 2a 3c 02 15 00 26 3c 02 75 10 95 02 81 00 c0');
    const consumer = array(parsed.fields[0]);
    expect(consumer).toMatchObject({ kind: 'array', size: 16, count: 2, bitOffset: 0 });
    expect(consumer.usages).toEqual([{ page: CONSUMER, first: 0, last: 0x23c }]);
    expect(arrayValueUsage(consumer, 0xe9)).toEqual({ page: CONSUMER, id: 0xe9 });
    expect(arrayValueUsage(consumer, 0x23d)).toBeNull();

    const keypad = array(parse('05 0b 19 b0 29 bb 15 01 25 0c 75 04 95 01 81 40').fields[0]);
    expect(arrayValueUsage(keypad, 1)).toEqual({ page: TELEPHONY, id: 0xb0 });
    expect(arrayValueUsage(keypad, 0)).toBeNull();
  });

  it('takes only the first usage of a Delimiter set', () => {
    const parsed = parse('05 0b a9 01 09 20 09 21 19 30 29 31 a9 00 09 2f 15 00 25 01 75 01 95 02 81 02');
    expect(parsed.fields[0]?.usages).toEqual([
      { page: TELEPHONY, first: 0x20, last: 0x20 },
      { page: TELEPHONY, first: 0x2f, last: 0x2f },
    ]);
  });

  it('skips fields with a report count of 0, and clears the local usages at every main item', () => {
    const parsed = parse('05 0b 09 20 15 00 25 01 75 01 95 00 81 02 95 01 81 02');
    expect(parsed.fields).toHaveLength(1);
    expect(parsed.fields[0]?.usages).toEqual([]);
  });
});

describe('report descriptor parser: structural problems are fatal and name the byte and what was expected', () => {
  const cases: [string, string, string][] = [
    ['an empty descriptor', '', 'descriptor byte 0: expected an item, the descriptor is empty'],
    ['a truncated 1-byte item', '05 0b 09', 'descriptor byte 2: item needs 1 data byte, 0 left'],
    [
      'a truncated 2-byte item at byte 37',
      `05 0b ${'09 01 '.repeat(17)} a4 26 ff`,
      'descriptor byte 37: item needs 2 data bytes, 1 left',
    ],
    ['a truncated 4-byte item', '05 0b 27 ff ff', 'descriptor byte 2: item needs 4 data bytes, 2 left'],
    [
      'a long item without its header',
      '05 0b fe 05',
      'descriptor byte 2: long item needs a data size and a tag byte, 1 byte left',
    ],
    ['a truncated long item', 'fe 04 10 01 02', 'descriptor byte 0: long item needs 4 data bytes, 2 left'],
    ['Pop without Push', '05 0b a4 b4 b4', 'descriptor byte 4: Pop without a matching Push'],
    [
      'End Collection without a collection',
      '05 0b a1 01 c0 c0',
      'descriptor byte 5: End Collection without an open collection',
    ],
    [
      'a collection that is never closed',
      '05 0b 09 05 a1 01 09 06 a1 02 c0',
      'descriptor byte 11: expected End Collection for the collection opened at byte 4, the descriptor ends (1 open)',
    ],
    ['report ID 0', '85 00', 'descriptor byte 0: report ID 0 is reserved, expected 1 to 255'],
    ['a report ID wider than a byte', '86 00 01', 'descriptor byte 0: report ID 256 does not fit one byte'],
    [
      'a report ID after fields without one',
      '05 0b 09 20 75 01 95 01 81 02 85 01',
      'descriptor byte 10: report ID declared after the main item at byte 8 put data in a report without an ID',
    ],
    [
      'a Pop back to no report ID in a descriptor that uses them',
      'a4 85 01 b4 05 0b 09 20 75 01 95 01 81 02',
      'descriptor byte 12: Input item has no report ID in a descriptor that uses report IDs (a Pop restored a state without one)',
    ],
    [
      'a report longer than a device can send',
      '75 08 96 00 40 81 03',
      'descriptor byte 5: Input item makes input report 0 16384 bytes long, expected at most 16383',
    ],
    [
      'a usage page wider than 16 bits',
      '07 00 00 01 00',
      'descriptor byte 0: usage page 0x00010000 does not fit 16 bits',
    ],
    // A field left out for a field-level problem still has bits: the structural checks hold for them.
    [
      'a field left out (report size 40) that makes its report too long',
      '75 28 96 00 10 81 02',
      'descriptor byte 5: Input item makes input report 0 20480 bytes long, expected at most 16383',
    ],
    [
      'a field left out (dangling usage minimum) without a report ID in a descriptor that uses them',
      'a4 85 01 b4 05 09 19 01 75 01 95 01 81 02',
      'descriptor byte 12: Input item has no report ID in a descriptor that uses report IDs (a Pop restored a state without one)',
    ],
    [
      'a report ID after a field left out (logical maximum below minimum) that had none',
      '05 0c 09 e0 15 05 25 01 75 08 95 01 81 02 85 01',
      'descriptor byte 14: report ID declared after the main item at byte 12 put data in a report without an ID',
    ],
    [
      'report ID 0 inside a vendor collection',
      '06 00 ff 09 01 a1 01 85 00 c0',
      'descriptor byte 7: report ID 0 is reserved, expected 1 to 255',
    ],
    [
      'End Collection without a collection after a field left out',
      '05 09 19 08 29 01 75 01 95 01 81 02 c0',
      'descriptor byte 12: End Collection without an open collection',
    ],
  ];

  it.each(cases)('%s', (_name, descriptor, message) => {
    const error = errorOf(descriptor);
    expect(error.message).toBe(message);
    expect(error.offset).toBe(Number(/^descriptor byte (\d+)/.exec(message)?.[1]));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DescriptorError');
  });

  it('tryParseReportDescriptor gives the same problem as a result instead of a throw', () => {
    expect(tryParseReportDescriptor(bytes('05 0b a1 01'))).toEqual({
      ok: false,
      error: {
        offset: 4,
        message:
          'descriptor byte 4: expected End Collection for the collection opened at byte 2, the descriptor ends (1 open)',
      },
    });
    const good = tryParseReportDescriptor(bytes('05 0b a1 01 c0'));
    expect(good.ok && good.value.collections).toHaveLength(1);
    expect(good.ok && good.value.warnings).toEqual([]);
    // A field-level problem is no error: the result is ok and carries the warning.
    expect(tryParseReportDescriptor(bytes('05 09 19 01 75 01 95 01 81 02'))).toMatchObject({
      ok: true,
      value: { warnings: [{ offset: 2, message: 'descriptor byte 2: usage minimum without a usage maximum' }] },
    });
  });

  it('allows what is odd but harmless: constant padding wider than 32 bits, locals after the last main item', () => {
    const parsed = parse('05 0c 09 e9 15 00 25 01 75 01 95 01 81 02 75 27 95 01 81 03 09 01 19 01');
    expect(parsed.reports[0]).toMatchObject({ bitLength: 40, byteLength: 5 });
    expect(parsed.warnings).toEqual([]);
    // Odd local items after the last main item describe nothing either: no warning.
    expect(parse('05 0b 09 20 75 01 95 01 81 02 19 01 19 02 a9 00 a9 07').warnings).toEqual([]);
  });
});

/** The fields without their item offsets (a longer or shorter bad item moves those). */
function layout(parsed: ParsedDescriptor, leftOut: number) {
  return parsed.fields
    .filter((field) => field.itemOffset !== leftOut)
    .map(({ itemOffset: _itemOffset, ...field }) => field);
}

function reportLengths(parsed: ParsedDescriptor) {
  return parsed.reports.map(({ type, id, bitLength, byteLength }) => ({ type, id, bitLength, byteLength }));
}

describe('report descriptor parser: field-level problems are warnings, the field is left out, its bits still count', () => {
  /** Hook Switch at bit 0 (bytes 0-13), then the item under test from byte 14, then Phone Mute. */
  const HOOK = '05 0b 15 00 25 01 75 01 95 01 09 20 81 02';
  const MUTE = '05 0b 15 00 25 01 75 01 95 01 09 2f 81 02';
  const AT = 14;

  /** [name, bad item, the same item well-formed (same size × count), warnings of the bad one, Phone Mute's bit]. */
  const cases: [string, string, string, [number, string][], number][] = [
    [
      'a usage range across two pages',
      '05 09 1b 01 00 0b 00 29 05 75 01 95 05 81 02',
      '05 09 19 01 29 05 75 01 95 05 81 02',
      [[21, 'usage range 0x000B:0x0001..0x0009:0x0005 spans two usage pages']],
      6,
    ],
    [
      'a usage range running backwards',
      '05 09 19 08 29 01 75 01 95 03 81 02',
      '05 09 19 01 29 08 75 01 95 03 81 02',
      [[18, 'usage maximum 0x0001 is below usage minimum 0x0008']],
      4,
    ],
    [
      'a bad range after a good usage (the whole item goes: its later usages would shift)',
      '05 09 09 01 19 08 29 01 75 01 95 03 81 02',
      '05 09 09 01 19 02 29 03 75 01 95 03 81 02',
      [[20, 'usage maximum 0x0001 is below usage minimum 0x0008']],
      4,
    ],
    [
      'a usage minimum without maximum',
      '05 09 19 01 75 01 95 02 81 02',
      '05 09 19 01 29 02 75 01 95 02 81 02',
      [[16, 'usage minimum without a usage maximum']],
      3,
    ],
    [
      'a usage maximum without minimum',
      '05 09 29 08 75 01 95 02 81 02',
      '05 09 19 07 29 08 75 01 95 02 81 02',
      [[16, 'usage maximum without a usage minimum']],
      3,
    ],
    [
      'a second usage minimum before the range closes',
      '05 09 19 01 19 02 29 03 75 01 95 02 81 02',
      '05 09 19 02 29 03 75 01 95 02 81 02',
      [[18, 'a second usage minimum before the usage maximum that closes the range']],
      3,
    ],
    [
      'report size 0 for a data field (no bits to keep)',
      '09 21 75 00 95 01 81 02',
      '09 21 75 00 95 01 81 03',
      [[20, 'Input data field has report size 0']],
      1,
    ],
    [
      'report size 33 for a variable field',
      '09 21 75 21 95 01 81 02',
      '09 21 75 21 95 01 81 03',
      [[20, 'Input data field has report size 33, expected at most 32 bits']],
      34,
    ],
    [
      'report size 40 for an array field',
      '19 00 29 10 75 28 95 02 81 00',
      '19 00 29 10 75 28 95 02 81 01',
      [[22, 'Input data field has report size 40, expected at most 32 bits']],
      81,
    ],
    [
      'a logical maximum below the minimum',
      '05 0c 09 e0 15 05 25 01 75 08 95 01 81 02',
      '05 0c 09 e0 15 01 25 05 75 08 95 01 81 02',
      [[26, 'Input data field has logical maximum 1 below logical minimum 5']],
      9,
    ],
    [
      'a main item inside an open Delimiter set',
      'a9 01 09 21 09 22 75 01 95 01 81 02',
      'a9 01 09 21 09 22 a9 00 75 01 95 01 81 02',
      [[24, 'expected a closing Delimiter before this main item (set opened at byte 14)']],
      2,
    ],
    [
      'a nested Delimiter set',
      'a9 01 a9 01 09 21 a9 00 75 01 95 01 81 02',
      'a9 01 09 21 a9 00 75 01 95 01 81 02',
      [[16, 'Delimiter opens a set inside the set opened at byte 14']],
      2,
    ],
    [
      'a Delimiter closing nothing',
      '09 21 a9 00 75 01 95 01 81 02',
      '09 21 75 01 95 01 81 02',
      [[16, 'Delimiter closes a set that was never opened']],
      2,
    ],
    [
      'a Delimiter value other than 0 or 1',
      'a9 02 09 21 75 01 95 01 81 02',
      '09 21 75 01 95 01 81 02',
      [[14, 'Delimiter value 2, expected 1 (open) or 0 (close)']],
      2,
    ],
    [
      'several problems in one item: all named, by offset',
      '05 09 19 08 29 01 15 05 25 01 75 28 95 01 81 02',
      '05 09 19 01 29 08 15 01 25 05 75 28 95 01 81 03',
      [
        [18, 'usage maximum 0x0001 is below usage minimum 0x0008'],
        [28, 'Input data field has report size 40, expected at most 32 bits'],
        [28, 'Input data field has logical maximum 1 below logical minimum 5'],
      ],
      41,
    ],
    [
      'a constant field with a bad usage range (padding keeps its bits)',
      '05 09 19 08 29 01 75 03 95 01 81 03',
      '05 09 19 01 29 08 75 03 95 01 81 03',
      [[18, 'usage maximum 0x0001 is below usage minimum 0x0008']],
      4,
    ],
  ];

  it.each(cases)('%s', (_name, badItem, goodItem, problems, muteBit) => {
    const bad = parse(`${HOOK} ${badItem} ${MUTE}`);
    const good = parse(`${HOOK} ${goodItem} ${MUTE}`);
    const badAt = AT + bytes(badItem).length - 2;
    const goodAt = AT + bytes(goodItem).length - 2;
    expect(good.warnings).toEqual([]);
    expect(bad.warnings).toEqual(
      problems.map(([offset, problem]) => ({ offset, message: `descriptor byte ${offset}: ${problem}` })),
    );
    // Left out, and only it: the other fields, and the report's length, are those of the well-formed version.
    expect(bad.fields.map((field) => field.itemOffset)).not.toContain(badAt);
    expect(layout(bad, badAt)).toEqual(layout(good, goodAt));
    expect(reportLengths(bad)).toEqual(reportLengths(good));
    expect(bad.fields[0]).toMatchObject({ bitOffset: 0, usages: [{ page: TELEPHONY, first: 0x20, last: 0x20 }] });
    expect(bad.fields.at(-1)).toMatchObject({ bitOffset: muteBit, usages: [{ page: TELEPHONY, first: 0x2f }] });
  });

  it('every problem found is a warning, and a DescriptorError is never thrown for one', () => {
    for (const [, badItem] of cases) {
      const result = tryParseReportDescriptor(bytes(`${HOOK} ${badItem} ${MUTE}`));
      expect(result.ok).toBe(true);
    }
  });

  it('keeps a report whose only field was left out, with its length', () => {
    const parsed = parse('85 02 05 0b 09 21 75 21 95 01 81 02 85 03 09 20 75 01 81 02');
    expect(parsed.warnings.map((warning) => warning.offset)).toEqual([10]);
    expect(reportLengths(parsed)).toEqual([
      { type: 'input', id: 2, bitLength: 33, byteLength: 5 },
      { type: 'input', id: 3, bitLength: 1, byteLength: 1 },
    ]);
    expect(parsed.reports[0]?.fields).toEqual([]);
    expect(parsed.fields).toMatchObject([{ reportId: 3, bitOffset: 0, usages: [{ page: TELEPHONY, first: 0x20 }] }]);
  });

  it('warns about a field of report count 0 too, though it has no bits to keep', () => {
    const parsed = parse('05 09 19 08 29 01 75 01 95 00 81 02');
    expect(parsed.warnings).toEqual([
      { offset: 4, message: 'descriptor byte 4: usage maximum 0x0001 is below usage minimum 0x0008' },
    ]);
    expect(parsed.reports).toEqual([]);
  });

  it('keeps a collection whose usages are odd: its first usage when declared before anything odd, else none', () => {
    const parsed = parse(`
      05 0b 09 05 19 01 a1 01
        06 00 ff 19 01 09 05 a1 02 c0
        06 00 ff 1b 01 00 0b 00 29 05 a1 02 c0
      a9 02 c0`);
    expect(parsed.collections.map(({ usage, parent }) => ({ usage, parent }))).toEqual([
      { usage: { page: TELEPHONY, id: 5 }, parent: null },
      { usage: null, parent: 0 },
      { usage: null, parent: 0 },
    ]);
    expect(parsed.warnings.map(({ message }) => message)).toEqual([
      'descriptor byte 4: usage minimum without a usage maximum',
      'descriptor byte 11: usage minimum without a usage maximum',
      'descriptor byte 26: usage range 0x000B:0x0001..0xFF00:0x0005 spans two usage pages',
      'descriptor byte 31: Delimiter value 2, expected 1 (open) or 0 (close)',
    ]);
  });
});

describe('report descriptor parser: a real headset with an odd field in its vendor collection', () => {
  const ORIGINAL = fixtureDescriptor(loadFixture('jabra-evolve-link-ms'));

  /** The descriptor with `from` (hex, found once after `after`) replaced by `to`. */
  function splice(after: number, from: string, to: string): Uint8Array {
    const text = Buffer.from(ORIGINAL).toString('hex');
    const find = from.replaceAll(' ', '');
    const at = text.indexOf(find, after * 2);
    expect(at % 2).toBe(0);
    expect(text.indexOf(find, at + 2)).toBe(-1);
    return bytes(text.slice(0, at) + to.replaceAll(' ', '') + text.slice(at + find.length));
  }

  const original = parseReportDescriptor(ORIGINAL);
  /** The vendor application collection (page 0xFF00) that mirrors the telephony controls in report 4. */
  const vendor = original.collections.find((collection) => collection.usage?.page === 0xff00);

  it('has the vendor collection these cases splice into, and no warnings of its own', () => {
    expect(original.warnings).toEqual([]);
    expect(vendor).toMatchObject({ typeName: 'application', itemOffset: 123 });
  });

  // Each splice keeps size × count, so the layout, and the map, must not change.
  const splices: [string, string, string, number][] = [
    // The vendor mirror of Hook Switch and Line Busy (report 4, bits 0-1): a usage range from
    // the Telephony page's Hook Switch to the vendor page, the kind Linux lets by.
    ['a usage range spanning two pages', '09 20 09 97 75 01 95 02 81 22', '1b 20 00 0b 00 29 97 75 01 95 02 81 22', 1],
    // Vendor output report 5: 32 bytes as 4 elements of 64 bits, wider than we read.
    ['a data field wider than 32 bits', '75 08 95 20 92 02 01', '75 40 95 04 92 02 01', 1],
    // The vendor Ringer mirror (output report 4, bit 5): logical maximum below minimum, in a Push/Pop.
    ['a logical maximum below the minimum', '09 9e 75 01 95 01 91 22', 'a4 15 05 09 9e 75 01 95 01 91 22 b4', 1],
    // The vendor mirror of the telephony keypad array: a dangling usage minimum.
    ['a usage minimum without maximum', '19 b0 29 bb', '19 b0', 1],
  ];

  it.each(splices)('%s: the capability map is exactly the original one', (_name, from, to, warnings) => {
    const spliced = parseReportDescriptor(splice(vendor?.itemOffset ?? 0, from, to));
    expect(spliced.warnings).toHaveLength(warnings);
    expect(reportLengths(spliced)).toEqual(reportLengths(original));
    // One vendor field is left out; every other one, after it in its report too, keeps its place.
    const placed = (parsed: ParsedDescriptor) =>
      parsed.fields.map(({ reportType, reportId, bitOffset, size, count, usages, collection }) =>
        JSON.stringify({ reportType, reportId, bitOffset, size, count, usages, collection }),
      );
    const before = placed(original);
    const after = placed(spliced);
    const dropped = before.findIndex((field, index) => field !== after[index]);
    expect(after).toEqual(before.filter((_field, index) => index !== dropped));
    const droppedCollection = original.fields[dropped]?.collection ?? null;
    expect([droppedCollection, original.collections[droppedCollection ?? -1]?.parent]).toContain(
      original.collections.indexOf(vendor!),
    );
    const map = buildCapabilityMap(spliced);
    expect(map).toEqual(buildCapabilityMap(original));
    expect(probeJson(map)).toEqual(probeJson(buildCapabilityMap(original)));
    expect(map.callControl).toBe(true);
  });
});

describe('bit access', () => {
  it('reads and writes little-endian bit fields across byte boundaries, signed or not', () => {
    const data = new Uint8Array(4);
    writeBits(data, 3, 10, 0x2ab);
    expect([...data]).toEqual([0x58, 0x15, 0, 0]);
    expect(readBits(data, 3, 10, false)).toBe(0x2ab);
    expect(readBits(data, 3, 10, true)).toBe(0x2ab - 0x400);
    writeBits(data, 0, 32, -1);
    expect([...data]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(readBits(data, 0, 32, false)).toBe(0xffffffff);
    expect(readBits(data, 0, 32, true)).toBe(-1);
    writeBits(data, 12, 8, 0);
    expect([...data]).toEqual([0xff, 0x0f, 0xf0, 0xff]);
    // Past the end: reads as 0, writes are dropped.
    expect(readBits(data, 30, 4, false)).toBe(0b0011);
    writeBits(data, 30, 4, 0);
    expect(data[3]).toBe(0x3f);
  });
});
