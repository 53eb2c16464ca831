/**
 * From the HID entries the system lists to the headsets we can use, and which one to use.
 *
 * - node-hid lists one entry per top-level collection: several per interface (Linux, macOS share
 *   the interface's path among them; Windows gives each its own path), and a headset may have
 *   several interfaces. Entries are grouped into physical devices by USB IDs and serial number
 *   (or, without a serial number, the platform's location of the device: Linux sysfs).
 * - A device is a candidate when it has a Telephony top-level collection or its IDs are in the
 *   table of known descriptors (that is how the Logitech G535, with no telephony collection at
 *   all, is listed as "no call control" rather than not at all). Keyboards and mice are not.
 * - Each of its paths gets its descriptor (descriptor-source.ts) and a capability map; on Windows
 *   the map covers only the path's own top-level collection. The path used is the first with
 *   call control, preferring one that reports the Telephony collection and has the most outputs.
 * - The choice: the device the setting names (`vvvv:pppp` or `vvvv:pppp:serial`) when it is
 *   connected and has call control, else the first with call control (in key order). A device
 *   without call control is never used.
 */
import {
  INPUT_NAMES,
  OUTPUT_NAMES,
  buildCapabilityMap,
  probeJson,
  type CapabilityMap,
  type ProbeJson,
} from './capabilities';
import { tryParseReportDescriptor } from './descriptor';
import { topLevelCollection } from './descriptor-source';
import { USAGE_PAGE_TELEPHONY, usbIdPair, type HidBackend, type HidDeviceInfo } from './hid';
import type { HeadsetDevice } from '../../shared/contract/headset';

export type DescriptorKind = HeadsetDevice['descriptor'];

/** One physical headset, analysed. */
export interface FoundDevice {
  /** Unique among the devices connected now: IDs and serial number, or IDs and location. */
  readonly id: string;
  /** The setting's name for it: `vvvv:pppp` or `vvvv:pppp:serial`. */
  readonly key: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string;
  readonly name: string;
  readonly manufacturer: string;
  readonly descriptor: DescriptorKind;
  /** Why there is no capability map (or no call control), for `headset list` and the log. */
  readonly problem: string | null;
  /** The capability map of the path to open; null without a usable descriptor. */
  readonly map: CapabilityMap | null;
  /** The path to open. */
  readonly path: string;
  /** Fields of its descriptor left out as malformed (each a warning of the parser), for the log. */
  readonly descriptorWarnings: { readonly count: number; readonly firstOffset: number | null };
  /** Unchanged while the system lists the same entries for the device: its analysis can be kept. */
  readonly fingerprint: string;
}

export interface DeviceKey {
  readonly vendorId: number;
  readonly productId: number;
  /** Null: any serial number (the setting names only the model). */
  readonly serial: string | null;
}

export function deviceKey(vendorId: number, productId: number, serialNumber: string): string {
  const ids = usbIdPair(vendorId, productId);
  return serialNumber === '' ? ids : `${ids}:${serialNumber}`;
}

/** `0b0e:0307` or `0B0E:0307:ABC123` → IDs and serial; null for anything else (and for ''). */
export function parseDeviceKey(text: string): DeviceKey | null {
  const match = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::(.+))?$/su.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return {
    vendorId: Number.parseInt(match[1], 16),
    productId: Number.parseInt(match[2], 16),
    serial: match[3] ?? null,
  };
}

export function matchesKey(
  device: Pick<FoundDevice, 'vendorId' | 'productId' | 'serialNumber'>,
  key: DeviceKey,
): boolean {
  return (
    device.vendorId === key.vendorId &&
    device.productId === key.productId &&
    (key.serial === null || key.serial === device.serialNumber)
  );
}

export function hasCallControl(device: Pick<FoundDevice, 'map'>): boolean {
  return device.map?.callControl ?? false;
}

export interface Choice {
  readonly device: FoundDevice;
  readonly by: 'setting' | 'automatic';
}

/** The device to use: the setting's, when connected and able; else the first with call control; else none. */
export function chooseDevice(devices: readonly FoundDevice[], setting: string): Choice | null {
  const key = parseDeviceKey(setting);
  if (key !== null) {
    const named = devices.find((device) => matchesKey(device, key) && hasCallControl(device));
    if (named !== undefined) return { device: named, by: 'setting' };
  }
  const first = devices.find(hasCallControl);
  return first === undefined ? null : { device: first, by: 'automatic' };
}

interface EntryGroup {
  readonly id: string;
  readonly entries: HidDeviceInfo[];
}

/** The entries of each physical device, in the order the system listed them. */
export function groupEntries(entries: readonly HidDeviceInfo[]): EntryGroup[] {
  const groups = new Map<string, EntryGroup>();
  for (const entry of entries) {
    const ids = usbIdPair(entry.vendorId, entry.productId);
    const id = entry.serialNumber !== '' ? `${ids}:${entry.serialNumber}` : `${ids}@${entry.location ?? ''}`;
    const group = groups.get(id) ?? { id, entries: [] };
    group.entries.push(entry);
    groups.set(id, group);
  }
  return [...groups.values()];
}

function fingerprintOf(group: EntryGroup): string {
  return group.entries
    .map((entry) => `${entry.path}|${entry.usagePage ?? '-'}|${entry.usage ?? '-'}`)
    .sort()
    .join('\n');
}

interface PathAnalysis {
  readonly path: string;
  readonly telephony: boolean;
  readonly descriptor: DescriptorKind;
  readonly map: CapabilityMap | null;
  readonly problem: string | null;
  readonly warnings: FoundDevice['descriptorWarnings'];
}

const NO_WARNINGS: FoundDevice['descriptorWarnings'] = { count: 0, firstOffset: null };

async function analysePath(backend: HidBackend, entries: readonly HidDeviceInfo[]): Promise<PathAnalysis> {
  const telephonyEntry = entries.find((entry) => entry.usagePage === USAGE_PAGE_TELEPHONY);
  const entry = telephonyEntry ?? entries[0]!;
  const base = { path: entry.path, telephony: telephonyEntry !== undefined, warnings: NO_WARNINGS };
  const lookup = await backend.readDescriptor(entry);
  if (lookup.source === 'none') return { ...base, descriptor: 'none', map: null, problem: lookup.problem };
  const parsed = tryParseReportDescriptor(lookup.bytes);
  if (!parsed.ok) return { ...base, descriptor: 'invalid', map: null, problem: parsed.error.message };
  let descriptor = parsed.value;
  const warnings = {
    count: descriptor.warnings.length,
    firstOffset: descriptor.warnings[0]?.offset ?? null,
  };
  if (backend.openScope === 'collection' && entry.usagePage !== null && entry.usage !== null) {
    const own = topLevelCollection(descriptor, entry.usagePage, entry.usage);
    if (own === null)
      return {
        ...base,
        descriptor: lookup.source,
        map: null,
        problem: `the descriptor has no top-level collection ${usbIdPair(entry.usagePage, entry.usage)} (usage page:usage)`,
      };
    descriptor = own;
  }
  const map = buildCapabilityMap(descriptor);
  return {
    ...base,
    warnings,
    descriptor: lookup.source,
    map,
    problem: map.callControl ? null : 'no Hook Switch in the descriptor: no call control',
  };
}

function score(analysis: PathAnalysis): number[] {
  return [
    analysis.map?.callControl ? 1 : 0,
    analysis.telephony ? 1 : 0,
    analysis.map === null ? 0 : 1,
    Object.keys(analysis.map?.outputs ?? {}).length,
  ];
}

function better(a: PathAnalysis, b: PathAnalysis): boolean {
  const [left, right] = [score(a), score(b)];
  for (let index = 0; index < left.length; index += 1)
    if (left[index] !== right[index]) return (left[index] ?? 0) > (right[index] ?? 0);
  return false;
}

async function analyseGroup(backend: HidBackend, group: EntryGroup, fingerprint: string): Promise<FoundDevice> {
  const byPath = new Map<string, HidDeviceInfo[]>();
  for (const entry of group.entries) byPath.set(entry.path, [...(byPath.get(entry.path) ?? []), entry]);
  let best: PathAnalysis | null = null;
  for (const entries of byPath.values()) {
    const analysis = await analysePath(backend, entries);
    if (best === null || better(analysis, best)) best = analysis;
  }
  const first = group.entries[0]!;
  const ids = usbIdPair(first.vendorId, first.productId);
  return {
    id: group.id,
    key: deviceKey(first.vendorId, first.productId, first.serialNumber),
    vendorId: first.vendorId,
    productId: first.productId,
    serialNumber: first.serialNumber,
    name: first.product || group.entries.find((entry) => entry.product !== '')?.product || `USB ${ids}`,
    manufacturer: first.manufacturer,
    descriptor: best!.descriptor,
    problem: best!.problem,
    map: best!.map,
    path: best!.path,
    descriptorWarnings: best!.warnings,
    fingerprint,
  };
}

export interface FindOptions {
  /** Whether the table has a descriptor for these IDs (lists a device with no telephony collection). */
  readonly isKnown: (vendorId: number, productId: number) => boolean;
  /** The devices found last time, by id: a device whose entries did not change is not read again. */
  readonly previous?: ReadonlyMap<string, FoundDevice>;
}

/** The headsets among the listed entries, analysed, ordered by key (stable whatever order the system lists them in). */
export async function findHeadsets(
  backend: HidBackend,
  entries: readonly HidDeviceInfo[],
  options: FindOptions,
): Promise<FoundDevice[]> {
  const found: FoundDevice[] = [];
  for (const group of groupEntries(entries)) {
    const first = group.entries[0]!;
    const telephony = group.entries.some((entry) => entry.usagePage === USAGE_PAGE_TELEPHONY);
    if (!telephony && !options.isKnown(first.vendorId, first.productId)) continue;
    const fingerprint = fingerprintOf(group);
    const previous = options.previous?.get(group.id);
    found.push(previous?.fingerprint === fingerprint ? previous : await analyseGroup(backend, group, fingerprint));
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The device as the contract lists it. */
export function contractDevice(device: FoundDevice): HeadsetDevice {
  const map = device.map;
  return {
    key: device.key,
    vendorId: device.vendorId,
    productId: device.productId,
    serialNumber: device.serialNumber,
    name: device.name,
    manufacturer: device.manufacturer,
    descriptor: device.descriptor,
    callControl: hasCallControl(device),
    inputs: map === null ? [] : INPUT_NAMES.filter((name) => map.inputs[name] !== undefined),
    outputs: map === null ? [] : OUTPUT_NAMES.filter((name) => map.outputs[name] !== undefined),
  };
}

/** `headset list` on the command line: the contract's fields, the path, why not, and where each control sits. */
export interface CliDevice extends HeadsetDevice {
  readonly path: string;
  readonly problem: string | null;
  readonly capabilities: ProbeJson | null;
}

export function cliDevice(device: FoundDevice): CliDevice {
  return {
    ...contractDevice(device),
    path: device.path,
    problem: device.problem,
    capabilities: device.map === null ? null : probeJson(device.map),
  };
}
