import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCapabilityMap,
  buildOutputReport,
  buildOutputReports,
  decodeInputReport,
  INPUT_NAMES,
  OUTPUT_NAMES,
  probeJson,
  type CapabilityMap,
  type InputName,
  type OutputName,
  type OutputState,
  type ProbeJson,
} from '../../src/main/headset/capabilities';
import { parseReportDescriptor } from '../../src/main/headset/descriptor';
import { fixtureDescriptor, parseHeadsetFixture, type HeadsetFixture } from '../../src/main/headset/fixture';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'headsets');

function fixture(name: string): HeadsetFixture {
  const parsed = parseHeadsetFixture(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
  return parsed.value;
}

function mapOf(name: string): CapabilityMap {
  return buildCapabilityMap(parseReportDescriptor(fixtureDescriptor(fixture(name))));
}

function mapOfHex(text: string): CapabilityMap {
  const digits = text.replace(/\s+/g, '');
  return buildCapabilityMap(
    parseReportDescriptor(Uint8Array.from(digits.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))),
  );
}

const bytes = (text: string) => Uint8Array.from(text.split(/\s+/).filter(Boolean), (pair) => Number.parseInt(pair, 16));
const hexOf = (data: Uint8Array) => [...data].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');

const ALL_OFF: OutputState = {
  ledOffHook: false,
  ledRing: false,
  ledMute: false,
  ledHold: false,
  ledMicrophone: false,
  ledOnLine: false,
  ringer: false,
};

/** A 1-bit absolute/relative input and a 1-bit output, as the probe prints them. */
const abs = (reportId: number, bit: number) => ({ reportId, bit, size: 1, relative: false });
const rel = (reportId: number, bit: number) => ({ reportId, bit, size: 1, relative: true });
const led = (reportId: number, bit: number) => ({ reportId, bit, size: 1 });

/**
 * The maps each device's bytes give, read item by item from the descriptors (offsets are the
 * main items'). `09 07 05 09` before an Input item is Button 7 (page 9), so none of these has a
 * programmable button; vendor-page mirrors are left out.
 */
const EXPECTED: Record<string, ProbeJson> = {
  // Telephony report 2: 20, 97 abs/no-pref (byte 22), 2F 21 24 50 rel (36), Button 7 (46), keypad array.
  // Output report 2: LED 17 09 18 20 21 (95), Ringer (109). Consumer report 1: EA, E9 (323).
  'jabra-evolve-link-ms': {
    callControl: true,
    inputs: {
      hookSwitch: abs(2, 0),
      phoneMute: rel(2, 2),
      flash: rel(2, 3),
      redial: rel(2, 4),
      speedDial: rel(2, 5),
      lineBusyTone: abs(2, 1),
      volumeUp: abs(1, 1),
      volumeDown: abs(1, 0),
    },
    outputs: {
      ledOffHook: led(2, 0),
      ledRing: led(2, 2),
      ledMute: led(2, 1),
      ledHold: led(2, 3),
      ledMicrophone: led(2, 4),
      ringer: led(2, 5),
    },
  },
  // As the Evolve, plus Voice Mail (0x70, not named) at bit 5, so Speed Dial moves to bit 6; consumer Mute.
  'jabra-biz-2400-ii': {
    callControl: true,
    inputs: {
      hookSwitch: abs(2, 0),
      phoneMute: rel(2, 2),
      flash: rel(2, 3),
      redial: rel(2, 4),
      speedDial: rel(2, 6),
      lineBusyTone: abs(2, 1),
      volumeUp: abs(1, 1),
      volumeDown: abs(1, 0),
      consumerMute: abs(1, 2),
    },
    outputs: {
      ledOffHook: led(2, 0),
      ledRing: led(2, 2),
      ledMute: led(2, 1),
      ledHold: led(2, 3),
      ledMicrophone: led(2, 4),
      ringer: led(2, 5),
    },
  },
  // Speakerphone: Hook, Line Busy Tone abs; Phone Mute, Flash rel; then Button 7 (not Programmable Button).
  'jabra-speak-810': {
    callControl: true,
    inputs: {
      hookSwitch: abs(2, 0),
      phoneMute: rel(2, 2),
      flash: rel(2, 3),
      lineBusyTone: abs(2, 1),
      volumeUp: abs(1, 1),
      volumeDown: abs(1, 0),
      consumerMute: abs(1, 2),
    },
    outputs: {
      ledOffHook: led(2, 0),
      ledRing: led(2, 2),
      ledMute: led(2, 1),
      ledHold: led(2, 3),
      ledMicrophone: led(2, 4),
      ringer: led(2, 5),
    },
  },
  // Report 0x20: one item per bit: 20 abs/no-pref, 2F rel, 21 abs, 24 rel, then 07/Button 1 → Button 7.
  // Each LED its own report (0x21 Ring, 0x22 Speaker, 0x23 Mute, 0x24 Off-Hook, 0x25 Hold). Consumer report 0xFF.
  'poly-bt700': {
    callControl: true,
    inputs: {
      hookSwitch: abs(32, 0),
      phoneMute: rel(32, 1),
      flash: abs(32, 2),
      redial: rel(32, 3),
      volumeUp: abs(255, 0),
      volumeDown: abs(255, 1),
    },
    outputs: {
      ledOffHook: led(36, 0),
      ledRing: led(33, 0),
      ledMute: led(35, 0),
      ledHold: led(37, 0),
    },
  },
  // Report 8: 2F rel, 20 abs/no-pref, 21 abs, 24 rel; LEDs in reports 9, 0x17, 0x18, 0x1A (Speaker), 0x20, 0x2A.
  'poly-blackwire-c5220': {
    callControl: true,
    inputs: {
      hookSwitch: abs(8, 1),
      phoneMute: rel(8, 0),
      flash: abs(8, 2),
      redial: rel(8, 3),
      volumeUp: abs(2, 0),
      volumeDown: abs(2, 1),
    },
    outputs: {
      ledOffHook: led(23, 0),
      ledRing: led(24, 0),
      ledMute: led(9, 0),
      ledHold: led(32, 0),
      ledOnLine: led(42, 0),
    },
  },
  // Telephony collection only: report 8 2F rel, 20 and 21 abs/no-pref; LEDs 9, 0x17, 0x18, 0x1E, 0x20, 0x2A.
  'plantronics-blackwire-3220': {
    callControl: true,
    inputs: {
      hookSwitch: abs(8, 1),
      phoneMute: rel(8, 0),
      flash: abs(8, 2),
    },
    outputs: {
      ledOffHook: led(23, 0),
      ledRing: led(24, 0),
      ledMute: led(9, 0),
      ledHold: led(32, 0),
      ledOnLine: led(42, 0),
    },
  },
  // Report 8: 2F rel, 20 abs/no-pref, 24 21 26 rel; output report 9: LED 09 17 18 21 2A 20. Consumer report 0x19.
  'sennheiser-sc660-anc-usb': {
    callControl: true,
    inputs: {
      hookSwitch: abs(8, 1),
      phoneMute: rel(8, 0),
      flash: rel(8, 3),
      redial: rel(8, 2),
      drop: rel(8, 4),
      volumeUp: abs(25, 0),
      volumeDown: abs(25, 1),
    },
    outputs: {
      ledOffHook: led(9, 1),
      ledRing: led(9, 2),
      ledMute: led(9, 0),
      ledHold: led(9, 5),
      ledMicrophone: led(9, 3),
      ledOnLine: led(9, 4),
    },
  },
  // Report 2: 20 abs WITH preferred state (81 02), 21 24 2F 26 rel, then a Button array; output
  // report 3: LED 17 21 18 09 2A 20. The nested application collection holds vendor features only.
  'epos-impact-d1': {
    callControl: true,
    inputs: {
      hookSwitch: abs(2, 0),
      phoneMute: rel(2, 3),
      flash: rel(2, 1),
      redial: rel(2, 2),
      drop: rel(2, 4),
      volumeUp: abs(1, 0),
      volumeDown: abs(1, 1),
    },
    outputs: {
      ledOffHook: led(3, 0),
      ledRing: led(3, 2),
      ledMute: led(3, 3),
      ledHold: led(3, 5),
      ledMicrophone: led(3, 1),
      ledOnLine: led(3, 4),
    },
  },
  // Gaming headset: Consumer Volume Up/Down only, and a vendor page 0xFF43 channel: no call control.
  'logitech-g535': {
    callControl: false,
    inputs: { volumeUp: abs(1, 0), volumeDown: abs(1, 1) },
    outputs: {},
  },
  // Generic USB headset: Volume Up/Down abs, Mute relative, a Function Buttons array of Button 1-2.
  'logitech-046d-0a37-usb-headset': {
    callControl: false,
    inputs: { volumeUp: abs(1, 0), volumeDown: abs(1, 1), consumerMute: rel(1, 2) },
    outputs: {},
  },
};

describe('capability map of the real headsets', () => {
  it.each(Object.keys(EXPECTED))('%s', (name) => {
    expect(probeJson(mapOf(name))).toEqual(EXPECTED[name]);
  });

  it('has an expectation for every fixture file', () => {
    const files = readdirNames();
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
  });

  it.each(Object.keys(EXPECTED))(
    '%s agrees with the independent walker’s layout in the fixture for every named usage',
    (name) => {
      const map = mapOf(name);
      const theirs = fixture(name).telephonyLayout as { name: string; kind: string; reportId: number; bit: number }[];
      const named = theirs.filter(
        (entry) =>
          (entry.kind === 'Input' && (INPUT_NAMES as readonly string[]).includes(entry.name)) ||
          (entry.kind === 'Output' && (OUTPUT_NAMES as readonly string[]).includes(entry.name)),
      );
      const ours = [
        ...Object.entries(map.inputs).map(([key, control]) => ({ key, kind: 'Input', ...control })),
        ...Object.entries(map.outputs).map(([key, control]) => ({ key, kind: 'Output', ...control })),
      ];
      expect(ours.map(({ key, kind, reportId, bit }) => ({ name: key, kind, reportId, bit })).sort(byName)).toEqual(
        named.map(({ name: key, kind, reportId, bit }) => ({ name: key, kind, reportId, bit })).sort(byName),
      );
    },
  );

  it('the G535 has no call control: nothing on the Telephony page, no LEDs', () => {
    const map = mapOf('logitech-g535');
    expect(map.callControl).toBe(false);
    expect(Object.keys(map.outputs)).toEqual([]);
  });
});

function byName(a: { name: string; kind: string }, b: { name: string; kind: string }): number {
  return `${a.kind}${a.name}`.localeCompare(`${b.kind}${b.name}`);
}

function readdirNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

describe('decoding the fixtures’ example reports', () => {
  const MEANING = /^press\/assert (\w+) /;
  it.each(Object.keys(EXPECTED))('%s', (name) => {
    const map = mapOf(name);
    const examples = fixture(name).reports as { direction: string; hex: string; meaning: string }[];
    let checked = 0;
    for (const example of examples.filter((report) => report.direction === 'input')) {
      const decoded = decodeInputReport(map, bytes(example.hex));
      const asserted = MEANING.exec(example.meaning)?.[1];
      if (asserted !== undefined && !(INPUT_NAMES as readonly string[]).includes(asserted)) continue;
      if (!decoded.ok) throw new Error(`${example.hex}: ${decoded.error.message}`);
      const values = decoded.value.values;
      for (const [control, value] of Object.entries(values))
        expect([control, value]).toEqual([control, control === asserted ? 1 : 0]);
      if (asserted !== undefined) expect(values[asserted as InputName]).toBe(1);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it.each(Object.keys(EXPECTED))('%s: output reports built from the full state match the examples', (name) => {
    const map = mapOf(name);
    const examples = fixture(name).reports as { direction: string; hex: string; meaning: string }[];
    for (const example of examples.filter((report) => report.direction === 'output')) {
      const set = /^set (\w+) /.exec(example.meaning)?.[1];
      const idle = /^output report (\d+) with no bits set/.exec(example.meaning)?.[1];
      const expectedBytes = bytes(example.hex);
      const reportId = map.usesReportIds ? (expectedBytes[0] ?? 0) : 0;
      if (set !== undefined && !(OUTPUT_NAMES as readonly string[]).includes(set)) continue;
      const carriesNamed = Object.values(map.outputs).some((control) => control.reportId === reportId);
      if (idle !== undefined && !carriesNamed) continue;
      const state = set === undefined ? ALL_OFF : { ...ALL_OFF, [set as OutputName]: true };
      const built = buildOutputReport(map, reportId, state);
      if (!built.ok) throw new Error(`${example.meaning}: ${built.error.message}`);
      expect(hexOf(built.value.bytes)).toBe(hexOf(expectedBytes));
    }
  });
});

describe('decoding input reports', () => {
  it('reads every named control of the report: the Jabra Evolve with hook off-hook and mute pressed', () => {
    const map = mapOf('jabra-evolve-link-ms');
    expect(decodeInputReport(map, bytes('02 05 00'))).toEqual({
      ok: true,
      value: {
        reportId: 2,
        values: { hookSwitch: 1, phoneMute: 1, flash: 0, redial: 0, speedDial: 0, lineBusyTone: 0 },
      },
    });
    expect(decodeInputReport(map, bytes('01 02 00'))).toEqual({
      ok: true,
      value: { reportId: 1, values: { volumeUp: 1, volumeDown: 0 } },
    });
  });

  it('ignores bits of usages it does not name (Button 7, the keypad)', () => {
    const map = mapOf('jabra-evolve-link-ms');
    const decoded = decodeInputReport(map, bytes('02 c0 07'));
    expect(decoded.ok && Object.values(decoded.value.values).every((value) => value === 0)).toBe(true);
  });

  it('refuses an unknown report ID, a short report, an empty one and one longer than any input report', () => {
    const map = mapOf('poly-bt700');
    expect(decodeInputReport(map, bytes('30 01'))).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(
          /^input report ID 48 is not one the descriptor declares \(it declares 6, 7, 8, /,
        ),
      },
    });
    expect(decodeInputReport(map, bytes('20'))).toMatchObject({
      ok: false,
      error: { message: 'input report 32 is 1 byte long, expected 2' },
    });
    expect(decodeInputReport(map, new Uint8Array())).toMatchObject({
      ok: false,
      error: { message: 'input report is empty' },
    });
    // Windows pads each input report to the longest one (62 data bytes + ID here): still read.
    const padded = new Uint8Array(63);
    padded.set([0x20, 0x01]);
    expect(decodeInputReport(map, padded)).toMatchObject({ ok: true, value: { values: { hookSwitch: 1 } } });
    // Longer still (trailing bytes some devices send): read, the bytes after the declared ones ignored.
    const long = new Uint8Array(200).fill(0xff);
    long.set([0x20, 0x00]);
    expect(decodeInputReport(map, long)).toMatchObject({ ok: true, value: { values: { hookSwitch: 0 } } });
  });

  it('reads a device without report IDs from the first byte on', () => {
    const map = mapOfHex(`
      05 0b 09 05 a1 01 15 00 25 01 75 01 95 01 09 20 81 22 09 2f 81 06 95 06 81 01
      05 08 09 17 09 18 95 02 91 22 95 06 91 01 c0`);
    expect(map.usesReportIds).toBe(false);
    expect(probeJson(map)).toEqual({
      callControl: true,
      inputs: { hookSwitch: abs(0, 0), phoneMute: rel(0, 1) },
      outputs: { ledOffHook: led(0, 0), ledRing: led(0, 1) },
    });
    expect(decodeInputReport(map, bytes('01'))).toEqual({
      ok: true,
      value: { reportId: 0, values: { hookSwitch: 1, phoneMute: 0 } },
    });
    expect(buildOutputReports(map, { ...ALL_OFF, ledRing: true })).toEqual({
      ok: true,
      value: [{ reportId: 0, bytes: bytes('02') }],
    });
    expect(buildOutputReport(map, 5, ALL_OFF)).toMatchObject({
      ok: false,
      error: { message: 'output report ID 5: the descriptor declares no report IDs (use 0)' },
    });
  });
});

describe('building output reports', () => {
  it('rebuilds each report from the full state: the Sennheiser’s LED report 9', () => {
    const map = mapOf('sennheiser-sc660-anc-usb');
    const built = buildOutputReports(map, { ...ALL_OFF, ledOffHook: true, ledOnLine: true, ledMute: true });
    expect(built).toEqual({ ok: true, value: [{ reportId: 9, bytes: bytes('09 13') }] });
  });

  it('writes one report per LED where the device has one report per LED (Poly BT700)', () => {
    const map = mapOf('poly-bt700');
    const built = buildOutputReports(map, { ...ALL_OFF, ledOffHook: true, ledRing: true });
    expect(built.ok && built.value.map((report) => hexOf(report.bytes))).toEqual(['21 01', '23 00', '24 01', '25 00']);
  });

  it('refuses an unknown report, a report without named outputs, and a state that is not complete', () => {
    const map = mapOf('poly-blackwire-c5220');
    expect(buildOutputReport(map, 0x30, ALL_OFF)).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(/^output report ID 48 is not one the descriptor declares \(it declares 1, 9, /),
      },
    });
    // 0x1A is the Speaker LED's report: not a named output, so it is never written.
    expect(buildOutputReport(map, 0x1a, ALL_OFF)).toMatchObject({
      ok: false,
      error: { message: 'output report 26 carries none of the named outputs' },
    });
    const partial = { ledOffHook: true } as unknown as OutputState;
    const refused = buildOutputReports(map, partial);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(/^output state: ledRing: .*expected boolean/);
    const extra = { ...ALL_OFF, ledSpeaker: true } as unknown as OutputState;
    expect(buildOutputReport(map, 9, extra)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('capability rules on built descriptors', () => {
  it('a telephony collection without a Hook Switch is no call control, LEDs or not', () => {
    const map = mapOfHex(`
      05 0b 09 05 a1 01 85 01 15 00 25 01 75 01 95 01 09 2f 81 06 95 07 81 01
      05 08 09 09 91 02 95 07 91 01 c0`);
    expect(map.callControl).toBe(false);
    expect(probeJson(map)).toEqual({
      callControl: false,
      inputs: { phoneMute: rel(1, 0) },
      outputs: { ledMute: led(1, 0) },
    });
    expect(mapOfHex('05 0b 09 05 a1 01 c0').callControl).toBe(false);
  });

  it('leaves vendor pages out, even where they mirror the telephony usages', () => {
    const map = mapOfHex(`
      06 30 ff 09 01 a1 01 85 04 15 00 25 01 75 01 95 02 09 20 09 2f 81 06 95 06 81 01 c0
      05 0b 09 05 a1 01 85 02 09 20 95 01 81 22 95 07 81 01 c0`);
    expect(probeJson(map).inputs).toEqual({ hookSwitch: abs(2, 0) });
  });

  it('uses the first occurrence of a usage in descriptor order', () => {
    const map = mapOfHex(`
      05 0b 15 00 25 01 75 01
      85 03 09 20 09 20 95 02 81 06 95 06 81 01
      85 02 09 20 95 01 81 22 95 07 81 01`);
    expect(probeJson(map).inputs).toEqual({ hookSwitch: rel(3, 0) });
  });

  it('skips constant fields and Feature reports, and usages past the element count', () => {
    const map = mapOfHex(`
      05 0b 15 00 25 01 75 01 85 01
      09 20 95 01 81 03
      09 2f b1 02
      09 21 09 24 81 02
      95 06 81 01`);
    expect(probeJson(map).inputs).toEqual({ flash: abs(1, 1) });
  });

  it('finds a usage reported through an array, decodes it, and writes array outputs', () => {
    const map = mapOfHex(`
      05 0c 09 01 a1 01 85 01 19 00 2a 3c 02 15 00 26 3c 02 75 10 95 02 81 00 c0
      05 0b 09 05 a1 01 85 02 19 20 29 2f 15 01 25 10 75 08 95 02 81 00
      05 08 19 17 29 18 15 01 25 02 75 04 95 02 91 00 c0`);
    expect(probeJson(map)).toEqual({
      callControl: true,
      inputs: {
        hookSwitch: { reportId: 2, bit: 0, size: 8, relative: false, array: { count: 2, value: 1 } },
        phoneMute: { reportId: 2, bit: 0, size: 8, relative: false, array: { count: 2, value: 0x10 } },
        flash: { reportId: 2, bit: 0, size: 8, relative: false, array: { count: 2, value: 2 } },
        hold: { reportId: 2, bit: 0, size: 8, relative: false, array: { count: 2, value: 4 } },
        redial: { reportId: 2, bit: 0, size: 8, relative: false, array: { count: 2, value: 5 } },
        drop: { reportId: 2, bit: 0, size: 8, relative: false, array: { count: 2, value: 7 } },
        volumeUp: { reportId: 1, bit: 0, size: 16, relative: false, array: { count: 2, value: 0xe9 } },
        volumeDown: { reportId: 1, bit: 0, size: 16, relative: false, array: { count: 2, value: 0xea } },
        consumerMute: { reportId: 1, bit: 0, size: 16, relative: false, array: { count: 2, value: 0xe2 } },
      },
      outputs: {
        ledOffHook: { reportId: 2, bit: 0, size: 4, array: { count: 2, value: 1 } },
        ledRing: { reportId: 2, bit: 0, size: 4, array: { count: 2, value: 2 } },
      },
    });
    expect(decodeInputReport(map, bytes('01 ea 00 00 00'))).toMatchObject({
      ok: true,
      value: { values: { volumeUp: 0, volumeDown: 1, consumerMute: 0 } },
    });
    expect(decodeInputReport(map, bytes('02 10 01'))).toMatchObject({
      ok: true,
      value: { values: { hookSwitch: 1, phoneMute: 1, flash: 0 } },
    });
    expect(buildOutputReports(map, { ...ALL_OFF, ledRing: true })).toEqual({
      ok: true,
      value: [{ reportId: 2, bytes: bytes('02 02') }],
    });
    expect(buildOutputReports(map, { ...ALL_OFF, ledRing: true, ledOffHook: true })).toEqual({
      ok: true,
      value: [{ reportId: 2, bytes: bytes('02 21') }],
    });
  });
});
