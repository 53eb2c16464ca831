/**
 * The HID port: what the headset code needs of the operating system's HID stack, so the device
 * manager runs the same against node-hid (src/main/host/node-hid-backend.ts) and a test's fake
 * built from the fixture descriptors. Device information crosses this boundary unchecked from
 * the native module, so it is validated here (`parseHidDeviceInfo`).
 */
import { z } from 'zod';
import { describeIssues, fail, ok, type Result } from '../../shared/result';

/** One enumerated HID entry: a top-level collection of an interface, as node-hid lists it. */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  /** What `open` takes: `/dev/hidrawN` on Linux, an IOService path on macOS, a device interface path on Windows. */
  readonly path: string;
  /** Empty when the device reports none. */
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly product: string;
  /** The USB interface number, -1 when the platform does not say. */
  readonly interface: number;
  /** The top-level collection's usage page and usage (hidapi 0.10+ on every platform), null when unknown. */
  readonly usagePage: number | null;
  readonly usage: number | null;
  /**
   * The physical device the entry belongs to, when the platform can tell (Linux: the USB device's
   * sysfs path), so two identical headsets without serial numbers stay apart. Null elsewhere.
   */
  readonly location: string | null;
}

const usbId = z.number().int().min(0).max(0xffff);
const optionalText = z
  .string()
  .max(512)
  .nullish()
  .transform((text) => text ?? '');
const optionalUsage = z
  .number()
  .int()
  .min(0)
  .max(0xffff)
  .nullish()
  .transform((value) => value ?? null);

/** node-hid's device info (`HID.devicesAsync()`), checked: the fields it documents, nothing assumed. */
export const hidDeviceInfoSchema = z.object({
  vendorId: usbId,
  productId: usbId,
  path: z.string().min(1).max(1024),
  serialNumber: optionalText,
  manufacturer: optionalText,
  product: optionalText,
  interface: z.number().int().min(-1).max(255).catch(-1),
  usagePage: optionalUsage,
  usage: optionalUsage,
});

/** Checks one entry of node-hid's list; the error names the field that was wrong. */
export function parseHidDeviceInfo(raw: unknown, location: string | null = null): Result<HidDeviceInfo> {
  const parsed = hidDeviceInfoSchema.safeParse(raw);
  if (!parsed.success) return fail('invalid_input', describeIssues(parsed.error, 'device'));
  return ok({ ...parsed.data, location });
}

/** Where a device's report descriptor came from. */
export type DescriptorOrigin = 'device' | 'known';

export type DescriptorLookup =
  /** `device`: read from the system (Linux sysfs); `known`: the table built from real devices' descriptors. */
  | { readonly source: DescriptorOrigin; readonly bytes: Uint8Array }
  /** None to be had; `problem` says why, for the log and `headset list`. */
  | { readonly source: 'none'; readonly problem: string };

/**
 * An opened HID device, the part of node-hid's `HIDAsync` the adapter uses (HIDAsync fits it as
 * it is). `write` takes the report ID first (0 for a device without report IDs); `data` gives
 * input reports with their report ID first when the device uses IDs.
 */
export interface HidConnection {
  write(data: Buffer): Promise<number>;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  off(event: 'data', listener: (data: Buffer) => void): unknown;
  off(event: 'error', listener: (error: unknown) => void): unknown;
  close(): Promise<void>;
}

/** Why a device could not be opened: `no_permission` is what a missing udev rule looks like on Linux. */
export type HidOpenProblem = 'no_permission' | 'failed';

export class HidOpenError extends Error {
  readonly problem: HidOpenProblem;

  constructor(problem: HidOpenProblem, message: string) {
    super(message);
    this.name = 'HidOpenError';
    this.problem = problem;
  }
}

export interface HidBackend {
  /**
   * What one opened path carries: the whole USB interface with every report of its descriptor
   * (Linux hidraw, macOS), or one top-level collection with only its own reports (Windows, which
   * gives each top-level collection its own path).
   */
  readonly openScope: 'interface' | 'collection';
  /** Every HID entry connected now (rejects when the HID stack cannot be used at all). */
  devices(): Promise<readonly HidDeviceInfo[]>;
  /** The report descriptor of the interface behind this entry. Never rejects. */
  readDescriptor(device: HidDeviceInfo): Promise<DescriptorLookup>;
  /** Opens a path for reading and writing (rejects with a HidOpenError). */
  open(path: string): Promise<HidConnection>;
}

export const USAGE_PAGE_TELEPHONY = 0x0b;
/** Telephony page, Headset usage: the application collection of a headset's call controls. */
export const USAGE_TELEPHONY_HEADSET = 0x05;

/** `0b0e:0307`: how IDs are written in keys, the settings and the log (lower-case hex). */
export function usbIdPair(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}
