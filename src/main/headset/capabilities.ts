/**
 * What a headset can do, read from its parsed report descriptor (pure, no I/O), and the two
 * codecs built on it: input report bytes → named control values, and the full desired state of
 * the named outputs → output report bytes.
 *
 * - Only the standard pages count: Telephony (0x0B) and Consumer (0x0C) inputs, LED (0x08)
 *   outputs and the Telephony Ringer. Vendor pages (0xFF00-0xFFFF), and their mirrors of the
 *   telephony usages, are left out, as is every usage not named below, and Feature reports.
 * - When a usage occurs more than once, the first occurrence in descriptor order is used.
 * - Constant fields carry no data and are skipped.
 * - A usage reported through an array field gets `array: {count, value}`: the control is
 *   asserted while any of the `count` elements (each `size` bits, from `bit` on) holds `value`.
 * - A device has call control only with a Telephony Hook Switch input; a telephony collection
 *   without one (some gaming headsets have an empty one) is no call control. LEDs are optional.
 *
 * Bad reports give `{ok:false}` with a message naming what was wrong, never a throw.
 */
import { z } from 'zod';
import { HEADSET_INPUT_NAMES, HEADSET_OUTPUT_NAMES } from '../../shared/contract/headset';
import { describeIssues, fail, ok, type Result } from '../../shared/result';
import { readBits, usageIndex, writeBits, type Field, type ParsedDescriptor, type Usage } from './descriptor';

export const INPUT_NAMES = HEADSET_INPUT_NAMES;
export type InputName = (typeof INPUT_NAMES)[number];

export const OUTPUT_NAMES = HEADSET_OUTPUT_NAMES;
export type OutputName = (typeof OUTPUT_NAMES)[number];

export const PAGE_LED = 0x08;
export const PAGE_TELEPHONY = 0x0b;
export const PAGE_CONSUMER = 0x0c;

export const INPUT_USAGES: Readonly<Record<InputName, Usage>> = {
  hookSwitch: { page: PAGE_TELEPHONY, id: 0x20 },
  phoneMute: { page: PAGE_TELEPHONY, id: 0x2f },
  flash: { page: PAGE_TELEPHONY, id: 0x21 },
  hold: { page: PAGE_TELEPHONY, id: 0x23 },
  redial: { page: PAGE_TELEPHONY, id: 0x24 },
  drop: { page: PAGE_TELEPHONY, id: 0x26 },
  speedDial: { page: PAGE_TELEPHONY, id: 0x50 },
  lineBusyTone: { page: PAGE_TELEPHONY, id: 0x97 },
  programmableButton: { page: PAGE_TELEPHONY, id: 0x07 },
  volumeUp: { page: PAGE_CONSUMER, id: 0xe9 },
  volumeDown: { page: PAGE_CONSUMER, id: 0xea },
  consumerMute: { page: PAGE_CONSUMER, id: 0xe2 },
};

export const OUTPUT_USAGES: Readonly<Record<OutputName, Usage>> = {
  ledOffHook: { page: PAGE_LED, id: 0x17 },
  ledRing: { page: PAGE_LED, id: 0x18 },
  ledMute: { page: PAGE_LED, id: 0x09 },
  ledHold: { page: PAGE_LED, id: 0x20 },
  ledMicrophone: { page: PAGE_LED, id: 0x21 },
  ledOnLine: { page: PAGE_LED, id: 0x2a },
  ringer: { page: PAGE_TELEPHONY, id: 0x9e },
};

export interface ArraySlot {
  /** Number of elements in the array field. */
  readonly count: number;
  /** The element value that selects this usage (logical minimum + its index in the usage list). */
  readonly value: number;
}

export interface ControlLocation {
  /** 0 when the descriptor declares no report IDs. */
  readonly reportId: number;
  /** Bit offset from the first data byte (after the report ID byte). */
  readonly bit: number;
  /** Bits of the value (of one element, for an array). */
  readonly size: number;
  readonly logicalMinimum: number;
  readonly logicalMaximum: number;
  /** Set when the usage is reported through an array field, else null. */
  readonly array: ArraySlot | null;
}

export interface InputControl extends ControlLocation {
  /** True: one pulse per press (relative); false: the value is a state (absolute). */
  readonly relative: boolean;
}

export type OutputControl = ControlLocation;

export interface CapabilityMap {
  readonly callControl: boolean;
  readonly usesReportIds: boolean;
  readonly inputs: Readonly<Partial<Record<InputName, InputControl>>>;
  readonly outputs: Readonly<Partial<Record<OutputName, OutputControl>>>;
  /** Bytes on the wire (with the report ID byte when the device uses IDs) of each input report, by ID. */
  readonly inputReportLengths: ReadonlyMap<number, number>;
  /** The same for each output report. */
  readonly outputReportLengths: ReadonlyMap<number, number>;
}

function locate(field: Field, usage: Usage): ControlLocation | null {
  const index = usageIndex(field, usage);
  if (index < 0) return null;
  const base = {
    reportId: field.reportId,
    size: field.size,
    logicalMinimum: field.logicalMinimum,
    logicalMaximum: field.logicalMaximum,
  };
  if (field.kind === 'variable') {
    // More usages than elements: the extra ones are never reported.
    if (index >= field.count) return null;
    return { ...base, bit: field.bitOffset + index * field.size, array: null };
  }
  const value = field.logicalMinimum + index;
  // A usage past the logical range can never be selected.
  if (value > field.logicalMaximum) return null;
  return { ...base, bit: field.bitOffset, array: { count: field.count, value } };
}

function findFirst<Name extends string>(
  fields: readonly Field[],
  usages: Readonly<Record<Name, Usage>>,
  names: readonly Name[],
): Map<Name, { location: ControlLocation; field: Field }> {
  const found = new Map<Name, { location: ControlLocation; field: Field }>();
  for (const field of fields) {
    for (const name of names) {
      if (found.has(name)) continue;
      const location = locate(field, usages[name]);
      if (location !== null) found.set(name, { location, field });
    }
  }
  return found;
}

/** The named controls of a parsed descriptor. */
export function buildCapabilityMap(descriptor: ParsedDescriptor): CapabilityMap {
  const dataFields = (type: Field['reportType']) =>
    descriptor.fields.filter((field) => field.reportType === type && !field.flags.constant);

  const inputs: Partial<Record<InputName, InputControl>> = {};
  for (const [name, { location, field }] of findFirst(dataFields('input'), INPUT_USAGES, INPUT_NAMES))
    inputs[name] = { ...location, relative: field.flags.relative };
  const outputs: Partial<Record<OutputName, OutputControl>> = {};
  for (const [name, { location }] of findFirst(dataFields('output'), OUTPUT_USAGES, OUTPUT_NAMES))
    outputs[name] = location;

  const lengths = (type: Field['reportType']) =>
    new Map(
      descriptor.reports
        .filter((report) => report.type === type)
        .map((report) => [report.id, report.byteLength + (descriptor.usesReportIds ? 1 : 0)] as const),
    );
  return {
    callControl: inputs.hookSwitch !== undefined,
    usesReportIds: descriptor.usesReportIds,
    inputs: sortByName(inputs, INPUT_NAMES),
    outputs: sortByName(outputs, OUTPUT_NAMES),
    inputReportLengths: lengths('input'),
    outputReportLengths: lengths('output'),
  };
}

function sortByName<Name extends string, Value>(
  record: Partial<Record<Name, Value>>,
  names: readonly Name[],
): Partial<Record<Name, Value>> {
  const sorted: Partial<Record<Name, Value>> = {};
  for (const name of names) {
    const value = record[name];
    if (value !== undefined) sorted[name] = value;
  }
  return sorted;
}

// ── the probe's JSON ─────────────────────────────────────────────────────────────────────────

export interface ProbeControl {
  readonly reportId: number;
  readonly bit: number;
  readonly size: number;
  readonly array?: ArraySlot;
}

export interface ProbeJson {
  readonly callControl: boolean;
  readonly inputs: Partial<Record<InputName, ProbeControl & { readonly relative: boolean }>>;
  readonly outputs: Partial<Record<OutputName, ProbeControl>>;
}

function probeControl(location: ControlLocation): ProbeControl {
  const { reportId, bit, size, array } = location;
  return array === null ? { reportId, bit, size } : { reportId, bit, size, array };
}

/** The capability map as `headset probe` prints it (`array` only for usages reported through an array). */
export function probeJson(map: CapabilityMap): ProbeJson {
  const inputs: ProbeJson['inputs'] = {};
  for (const name of INPUT_NAMES) {
    const control = map.inputs[name];
    if (control === undefined) continue;
    const { array, ...rest } = probeControl(control);
    inputs[name] =
      array === undefined ? { ...rest, relative: control.relative } : { ...rest, relative: control.relative, array };
  }
  const outputs: ProbeJson['outputs'] = {};
  for (const name of OUTPUT_NAMES) {
    const control = map.outputs[name];
    if (control !== undefined) outputs[name] = probeControl(control);
  }
  return { callControl: map.callControl, inputs, outputs };
}

// ── input reports ─────────────────────────────────────────────────────────────────────────────

export interface InputReading {
  readonly reportId: number;
  /** The value of each named control this report carries (0/1 for a button or switch). */
  readonly values: Readonly<Partial<Record<InputName, number>>>;
}

function idList(ids: Iterable<number>): string {
  const sorted = [...ids].sort((a, b) => a - b);
  return sorted.length === 0 ? 'none' : sorted.join(', ');
}

function readControl(data: Uint8Array, control: ControlLocation): number {
  const signed = control.logicalMinimum < 0;
  if (control.array === null) return readBits(data, control.bit, control.size, signed);
  for (let element = 0; element < control.array.count; element += 1)
    if (readBits(data, control.bit + element * control.size, control.size, signed) === control.array.value) return 1;
  return 0;
}

/**
 * Decodes one input report as the device sent it (first byte the report ID when the device uses
 * IDs). A report may be longer than declared: Windows pads every report to the device's longest
 * one, and some devices send trailing bytes; as Linux's hid-core does, the bytes after the
 * declared length are ignored. A shorter report is refused (zeros in place of a hook state would
 * hang up a call).
 */
export function decodeInputReport(map: CapabilityMap, bytes: Uint8Array): Result<InputReading> {
  if (bytes.length === 0) return fail('invalid_input', 'input report is empty');
  const reportId = map.usesReportIds ? (bytes[0] ?? 0) : 0;
  const expected = map.inputReportLengths.get(reportId);
  if (expected === undefined)
    return fail(
      'invalid_input',
      map.usesReportIds
        ? `input report ID ${reportId} is not one the descriptor declares (it declares ${idList(map.inputReportLengths.keys())})`
        : 'the descriptor declares no input report',
    );
  if (bytes.length < expected) {
    const name = map.usesReportIds ? `input report ${reportId}` : 'input report';
    return fail(
      'invalid_input',
      `${name} is ${bytes.length} byte${bytes.length === 1 ? '' : 's'} long, expected ${expected}`,
    );
  }
  const data = map.usesReportIds ? bytes.subarray(1) : bytes;
  const values: Partial<Record<InputName, number>> = {};
  for (const inputName of INPUT_NAMES) {
    const control = map.inputs[inputName];
    if (control !== undefined && control.reportId === reportId) values[inputName] = readControl(data, control);
  }
  return ok({ reportId, values });
}

// ── output reports ────────────────────────────────────────────────────────────────────────────

/** The full desired state of every named output: each report is rebuilt from it whole. */
export const outputStateSchema = z.strictObject({
  ledOffHook: z.boolean(),
  ledRing: z.boolean(),
  ledMute: z.boolean(),
  ledHold: z.boolean(),
  ledMicrophone: z.boolean(),
  ledOnLine: z.boolean(),
  ringer: z.boolean(),
} satisfies Record<OutputName, z.ZodBoolean>);
export type OutputState = z.infer<typeof outputStateSchema>;

export interface OutputReport {
  readonly reportId: number;
  /** The bytes to write, the report ID first when the device uses IDs. */
  readonly bytes: Uint8Array;
}

function inRange(value: number, control: ControlLocation): boolean {
  return value >= control.logicalMinimum && value <= control.logicalMaximum;
}

/** On is 1 (off 0), or the logical maximum (minimum) when the field's range leaves 1 (0) out. */
function levelFor(control: ControlLocation, on: boolean): number {
  if (on) return inRange(1, control) ? 1 : control.logicalMaximum;
  return inRange(0, control) ? 0 : control.logicalMinimum;
}

/** A value that selects no usage of an array field, or null when its elements have none to spare. */
function arrayNullValue(control: ControlLocation): number | null {
  if (!inRange(0, control)) return 0;
  const above = control.logicalMaximum + 1;
  return above < 2 ** control.size ? above : null;
}

/** Builds output report `reportId` from the full desired output state. */
export function buildOutputReport(map: CapabilityMap, reportId: number, state: OutputState): Result<OutputReport> {
  const checked = outputStateSchema.safeParse(state);
  if (!checked.success) return fail('invalid_input', `output state: ${describeIssues(checked.error, 'state')}`);
  const length = map.outputReportLengths.get(reportId);
  if (length === undefined)
    return fail(
      'invalid_input',
      map.usesReportIds
        ? `output report ID ${reportId} is not one the descriptor declares (it declares ${idList(map.outputReportLengths.keys())})`
        : `output report ID ${reportId}: the descriptor declares ${map.outputReportLengths.size === 0 ? 'no output report' : 'no report IDs (use 0)'}`,
    );
  const controls = OUTPUT_NAMES.flatMap((name) => {
    const control = map.outputs[name];
    return control !== undefined && control.reportId === reportId ? [{ name, control }] : [];
  });
  if (controls.length === 0)
    return fail('invalid_input', `output report ${reportId} carries none of the named outputs`);

  const bytes = new Uint8Array(length);
  if (map.usesReportIds) bytes[0] = reportId;
  const data = map.usesReportIds ? bytes.subarray(1) : bytes;

  const arrays = new Map<number, { control: ControlLocation; selected: number[] }>();
  for (const { name, control } of controls) {
    const on = checked.data[name];
    if (control.array === null) {
      writeBits(data, control.bit, control.size, levelFor(control, on));
      continue;
    }
    const entry = arrays.get(control.bit) ?? { control, selected: [] };
    if (on) entry.selected.push(control.array.value);
    arrays.set(control.bit, entry);
  }
  for (const { control, selected } of arrays.values()) {
    const count = control.array?.count ?? 0;
    if (selected.length > count)
      return fail(
        'invalid_input',
        `output report ${reportId}: ${selected.length} outputs are on but the array at bit ${control.bit} holds only ${count}`,
      );
    const none = arrayNullValue(control);
    if (none === null && selected.length < count)
      return fail(
        'invalid_input',
        `output report ${reportId}: the array at bit ${control.bit} has no value meaning "nothing" for its unused elements`,
      );
    for (let element = 0; element < count; element += 1)
      writeBits(data, control.bit + element * control.size, control.size, selected[element] ?? none ?? 0);
  }
  return ok({ reportId, bytes });
}

/** Every output report that carries a named output, rebuilt from the full desired state, by report ID. */
export function buildOutputReports(map: CapabilityMap, state: OutputState): Result<readonly OutputReport[]> {
  const ids = [...new Set(OUTPUT_NAMES.flatMap((name) => map.outputs[name]?.reportId ?? []))].sort((a, b) => a - b);
  if (ids.length === 0) {
    const checked = outputStateSchema.safeParse(state);
    if (!checked.success) return fail('invalid_input', `output state: ${describeIssues(checked.error, 'state')}`);
  }
  const reports: OutputReport[] = [];
  for (const id of ids) {
    const report = buildOutputReport(map, id, state);
    if (!report.ok) return report;
    reports.push(report.value);
  }
  return ok(reports);
}
