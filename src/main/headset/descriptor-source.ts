/**
 * Where a headset's HID report descriptor comes from, by platform:
 *
 * - **Linux** (node-hid with the hidraw driver: the path is `/dev/hidrawN`): the kernel publishes
 *   the interface's descriptor in sysfs, `/sys/class/hidraw/hidrawN/device/report_descriptor`
 *   (world-readable, no udev rule needed to read it). Every device works, known or not.
 * - **Windows and macOS**: neither gives an app the raw descriptor (Windows only its parsed
 *   "preparsed data"; macOS an IORegistry property that hidapi does not read, and node-hid 3 has no
 *   call for either). There the descriptor comes from a table built from real devices' descriptors
 *   (`known-descriptors.generated.ts`, generated from test/fixtures/headsets by
 *   scripts/generate-headset-table.mjs), looked up by USB vendor and product ID. Linux uses it too
 *   when sysfs cannot be read.
 * - A device in neither: only the usage page and usage of its top-level collections are known
 *   (node-hid lists them). A Telephony/Headset collection (0x0B/0x05) shows it is a headset, but
 *   not where its Hook Switch bit or its LEDs are, so no call control is assumed: the device is
 *   listed ("descriptor unknown") and never opened. Guessing a layout would write bytes of unknown
 *   meaning to it.
 *
 * The sysfs root is injectable so tests read a fake tree in a temporary directory.
 */
import { open, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { describeIssues, fail, ok, type Result } from '../../shared/result';
import type { ParsedDescriptor } from './descriptor';
import { bytesFromHex } from './fixture';
import { usbIdPair, type DescriptorLookup, type HidDeviceInfo } from './hid';
import { KNOWN_DESCRIPTORS, type KnownDescriptor } from './known-descriptors.generated';
import { MAX_DESCRIPTOR_BYTES } from './probe';

export const DEFAULT_SYSFS_ROOT = '/sys';

const HIDRAW_PATH = /^\/dev\/(hidraw\d{1,4})$/;

/** The bytes of a sysfs report_descriptor file, checked before anything parses them. */
const descriptorBytesSchema = z
  .instanceof(Uint8Array)
  .refine((bytes) => bytes.length > 0, 'the file is empty')
  .refine((bytes) => bytes.length <= MAX_DESCRIPTOR_BYTES, `longer than ${MAX_DESCRIPTOR_BYTES} bytes`);

/** The hidraw node's name (`hidraw3`) of a node-hid path, or null when the path is not a hidraw node. */
export function hidrawName(path: string): string | null {
  return HIDRAW_PATH.exec(path)?.[1] ?? null;
}

/** Reads at most `limit` bytes (a sysfs attribute may claim any size, and a fake tree may hold anything). */
async function readCapped(file: string, limit: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(limit);
    let length = 0;
    while (length < limit) {
      const { bytesRead } = await handle.read(buffer, length, limit - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.slice(0, length);
  } finally {
    await handle.close();
  }
}

/** The report descriptor of a hidraw node from sysfs; the error names the file and what was wrong. */
export async function readHidrawDescriptor(
  devicePath: string,
  sysfsRoot = DEFAULT_SYSFS_ROOT,
): Promise<Result<Uint8Array>> {
  const name = hidrawName(devicePath);
  if (name === null) return fail('invalid_input', `${devicePath} is not a hidraw node (/dev/hidrawN)`);
  const file = join(sysfsRoot, 'class', 'hidraw', name, 'device', 'report_descriptor');
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(file, MAX_DESCRIPTOR_BYTES + 1);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return fail('unavailable', `${file}: cannot be read (${code})`);
  }
  const checked = descriptorBytesSchema.safeParse(bytes);
  if (!checked.success) return fail('invalid_input', `${file}: ${describeIssues(checked.error, 'report_descriptor')}`);
  return ok(checked.data);
}

/** A USB interface's sysfs name: `<bus>-<port path>:<configuration>.<interface>`, e.g. `1-2.4:1.3`. */
const USB_INTERFACE = /^\d+-[\d.]+:\d+\.\d+$/;

/**
 * The physical device a hidraw node belongs to, as a sysfs path relative to the root: the USB
 * device for a USB interface (all interfaces of one headset share it), else the HID device's
 * parent (a Bluetooth connection). Null when sysfs cannot say.
 */
export async function hidrawLocation(devicePath: string, sysfsRoot = DEFAULT_SYSFS_ROOT): Promise<string | null> {
  const name = hidrawName(devicePath);
  if (name === null) return null;
  try {
    const hidDevice = await realpath(join(sysfsRoot, 'class', 'hidraw', name, 'device'));
    const parent = dirname(hidDevice);
    const physical = USB_INTERFACE.test(basename(parent)) ? dirname(parent) : parent;
    const root = await realpath(sysfsRoot);
    const inside = relative(root, physical);
    return inside === '' || inside.startsWith(`..${sep}`) || inside === '..' ? null : inside.split(sep).join('/');
  } catch {
    return null;
  }
}

const knownByIds = new Map(
  KNOWN_DESCRIPTORS.map((entry) => [usbIdPair(entry.vendorId, entry.productId), entry] as const),
);

/** The table's descriptor for a device, if it has one. */
export function knownDescriptor(vendorId: number, productId: number): KnownDescriptor | null {
  return knownByIds.get(usbIdPair(vendorId, productId)) ?? null;
}

export function isKnownDevice(vendorId: number, productId: number): boolean {
  return knownByIds.has(usbIdPair(vendorId, productId));
}

export interface DescriptorSourceOptions {
  readonly platform: NodeJS.Platform;
  readonly sysfsRoot?: string;
}

/** Finds a device's report descriptor as its platform allows (see the top of this file). Never rejects. */
export function descriptorSource(
  options: DescriptorSourceOptions,
): (device: HidDeviceInfo) => Promise<DescriptorLookup> {
  const sysfsRoot = options.sysfsRoot ?? DEFAULT_SYSFS_ROOT;
  return async (device) => {
    const problems: string[] = [];
    if (options.platform === 'linux') {
      const read = await readHidrawDescriptor(device.path, sysfsRoot);
      if (read.ok) return { source: 'device', bytes: read.value };
      problems.push(read.error.message);
    }
    const known = knownDescriptor(device.vendorId, device.productId);
    if (known !== null) return { source: 'known', bytes: bytesFromHex(known.descriptorHex) };
    problems.push(
      options.platform === 'linux'
        ? `no known descriptor for ${usbIdPair(device.vendorId, device.productId)}`
        : `no known descriptor for ${usbIdPair(device.vendorId, device.productId)} (this platform does not give apps a device's report descriptor)`,
    );
    return { source: 'none', problem: problems.join('; ') };
  };
}

/**
 * The part of a descriptor one top-level collection owns, for Windows, where each top-level
 * collection is its own device path and carries only its own reports (report IDs never span
 * top-level collections). Null when the descriptor has no such top-level collection.
 */
export function topLevelCollection(
  descriptor: ParsedDescriptor,
  usagePage: number,
  usage: number,
): ParsedDescriptor | null {
  const { collections } = descriptor;
  const index = collections.findIndex(
    (collection) => collection.parent === null && collection.usage?.page === usagePage && collection.usage.id === usage,
  );
  if (index < 0) return null;
  const topOf = (start: number | null): number | null => {
    let current = start;
    for (let steps = 0; current !== null && steps <= collections.length; steps += 1) {
      const parent = collections[current]?.parent ?? null;
      if (parent === null) return current;
      current = parent;
    }
    return null;
  };
  const owned = new Set(descriptor.fields.filter((field) => topOf(field.collection) === index));
  return {
    ...descriptor,
    fields: descriptor.fields.filter((field) => owned.has(field)),
    reports: descriptor.reports.filter((report) => report.fields.some((field) => owned.has(field))),
  };
}
