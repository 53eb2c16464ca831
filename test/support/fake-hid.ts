import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReportDescriptor } from '../../src/main/headset/descriptor';
import { fixtureDescriptor, parseHeadsetFixture, type HeadsetFixture } from '../../src/main/headset/fixture';
import {
  HidOpenError,
  type DescriptorLookup,
  type HidBackend,
  type HidConnection,
  type HidDeviceInfo,
} from '../../src/main/headset/hid';

/*
 * The one fake of the headset tests: the HID stack (node-hid's side of the HID port), with
 * devices built from the real descriptors in test/fixtures/headsets. Everything above it (the
 * node-hid port adapter, the device manager, the controller, the app) is the real code.
 */

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'headsets');

export const hexOf = (data: Uint8Array): string =>
  Array.from(data, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
export const bytesOf = (text: string): Buffer =>
  Buffer.from(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => Number.parseInt(pair, 16)),
  );

export function loadFixture(name: string): HeadsetFixture {
  const parsed = parseHeadsetFixture(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
  return parsed.value;
}

/** An opened device as node-hid's HIDAsync behaves: writes recorded as hex (report ID first), `data` and `error` events. */
export class FakeHidDevice extends EventEmitter implements HidConnection {
  readonly writes: string[] = [];
  closed = false;
  /** Writes reject (the device is gone, or broken). */
  failing = false;

  constructor(readonly path: string) {
    super();
  }

  /** While set, writes wait for it (a slow device, or one that hangs). */
  private gate: Promise<void> | null = null;

  /** Holds every write until the returned function is called. */
  holdWrites(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise((resolve) => {
      release = () => {
        this.gate = null;
        resolve();
      };
    });
    return release;
  }

  async write(data: Buffer): Promise<number> {
    if (this.closed) throw new Error('Cannot write to a closed HID device');
    if (this.failing) throw new Error('Cannot write to hid device');
    if (this.gate !== null) await this.gate;
    this.writes.push(hexOf(data));
    return data.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners('data');
  }

  /** An input report from the device (report ID first when it uses IDs). */
  send(hex: string): void {
    if (!this.closed) this.emit('data', bytesOf(hex));
  }

  /** What node-hid does when the device is unplugged while open: a read error. */
  readError(): void {
    if (!this.closed) this.emit('error', new Error('could not read from HID device'));
  }

  /** The writes since the last call. */
  take(): string[] {
    return this.writes.splice(0);
  }
}

export interface PlugOptions {
  readonly serialNumber?: string;
  /** Linux-like by default: /dev/hidrawN. */
  readonly path?: string;
  /** The open is refused (`no_permission`: no udev rule; `failed`: anything else). */
  readonly refuse?: 'no_permission' | 'failed';
  /** Where its descriptor comes from: the device itself (Linux sysfs), or nowhere (an unknown device elsewhere). */
  readonly descriptor?: 'device' | 'none';
}

interface Plugged {
  readonly fixture: HeadsetFixture;
  readonly entries: HidDeviceInfo[];
  options: PlugOptions;
}

/**
 * A HID stack holding fixture devices. Linux-like by default (one path per interface, every
 * top-level collection listed under it, the descriptor read from the device); with
 * `openScope: 'collection'` Windows-like (one path per top-level collection) and with a
 * `readDescriptor` of its own (the real table, as on Windows and macOS).
 */
export class FakeHidBackend implements HidBackend {
  readonly openScope: 'interface' | 'collection';
  readonly opened: FakeHidDevice[] = [];
  listFailure: Error | null = null;
  private readonly plugged = new Map<string, Plugged>();
  private next = 0;
  private readonly lookup: ((device: HidDeviceInfo) => Promise<DescriptorLookup>) | null;

  constructor(
    options: {
      openScope?: 'interface' | 'collection';
      readDescriptor?: (device: HidDeviceInfo) => Promise<DescriptorLookup>;
    } = {},
  ) {
    this.openScope = options.openScope ?? 'interface';
    this.lookup = options.readDescriptor ?? null;
  }

  /** Plugs in a fixture device; returns the path of its first entry. */
  plug(fixtureName: string, options: PlugOptions = {}): string {
    const fixture = loadFixture(fixtureName);
    const descriptor = parseReportDescriptor(fixtureDescriptor(fixture));
    const collections = descriptor.collections.filter((collection) => collection.parent === null);
    const base = options.path ?? `/dev/hidraw${this.next}`;
    this.next += 1;
    const entries = collections.map((collection, index) => ({
      vendorId: fixture.vendorId,
      productId: fixture.productId,
      path: this.openScope === 'collection' ? `${base}&col0${index + 1}` : base,
      serialNumber: options.serialNumber ?? '',
      manufacturer: 'Fixture',
      product: fixture.name,
      interface: 3,
      usagePage: collection.usage?.page ?? null,
      usage: collection.usage?.id ?? null,
      location: null,
    }));
    this.plugged.set(base, { fixture, entries, options });
    return entries[0]!.path;
  }

  /** Unplugs the device plugged at `base` (its first path): an open handle gets node-hid's read error. */
  unplug(base: string): void {
    const key = [...this.plugged.keys()].find((each) => base === each || base.startsWith(`${each}&`));
    if (key === undefined) throw new Error(`nothing plugged at ${base}`);
    const { entries } = this.plugged.get(key)!;
    this.plugged.delete(key);
    for (const device of this.opened)
      if (!device.closed && entries.some((entry) => entry.path === device.path)) {
        device.failing = true;
        device.readError();
      }
  }

  /** The device plugged at `path` opens from now on (another program let it go, it woke up). */
  allow(path: string): void {
    const plugged = this.find(path);
    if (plugged === undefined) throw new Error(`nothing plugged at ${path}`);
    plugged.options = { ...plugged.options, refuse: undefined };
  }

  /** The open handle on a path (the latest). */
  device(path: string): FakeHidDevice {
    const device = this.opened.filter((each) => each.path === path).at(-1);
    if (device === undefined) throw new Error(`${path} was never opened`);
    return device;
  }

  async devices(): Promise<readonly HidDeviceInfo[]> {
    if (this.listFailure !== null) throw this.listFailure;
    return [...this.plugged.values()].flatMap((each) => each.entries);
  }

  async readDescriptor(device: HidDeviceInfo): Promise<DescriptorLookup> {
    if (this.lookup !== null) return this.lookup(device);
    const plugged = this.find(device.path);
    if (plugged === undefined) return { source: 'none', problem: `${device.path}: no such device` };
    if (plugged.options.descriptor === 'none') return { source: 'none', problem: 'no known descriptor' };
    return { source: 'device', bytes: fixtureDescriptor(plugged.fixture) };
  }

  async open(path: string): Promise<HidConnection> {
    const plugged = this.find(path);
    if (plugged === undefined) throw new HidOpenError('failed', `${path}: cannot open device`);
    if (plugged.options.refuse !== undefined)
      throw new HidOpenError(plugged.options.refuse, `${path}: cannot open device`);
    const device = new FakeHidDevice(path);
    this.opened.push(device);
    return device;
  }

  private find(path: string): Plugged | undefined {
    return [...this.plugged.values()].find((each) => each.entries.some((entry) => entry.path === path));
  }
}
