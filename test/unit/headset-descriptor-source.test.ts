import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type * as NodeHid from 'node-hid';
import { describe, expect, it } from 'vitest';
import { buildCapabilityMap, probeJson } from '../../src/main/headset/capabilities';
import { parseReportDescriptor } from '../../src/main/headset/descriptor';
import {
  descriptorSource,
  hidrawLocation,
  knownDescriptor,
  readHidrawDescriptor,
  topLevelCollection,
} from '../../src/main/headset/descriptor-source';
import { fixtureDescriptor } from '../../src/main/headset/fixture';
import { HidOpenError, type HidDeviceInfo } from '../../src/main/headset/hid';
import { KNOWN_DESCRIPTORS } from '../../src/main/headset/known-descriptors.generated';
import { createNodeHidBackend } from '../../src/main/host/node-hid-backend';
import { loadFixture } from '../support/fake-hid';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

const FIXTURE_NAMES = readdirSync(join(process.cwd(), 'test', 'fixtures', 'headsets'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length));

const EVOLVE = loadFixture('jabra-evolve-link-ms');
const BT700 = loadFixture('poly-bt700');

/**
 * A sysfs tree as the kernel lays it out: /sys/class/hidraw/hidrawN/device is a link to the HID
 * device (BUS:VID:PID.N), whose parent is the USB interface (1-2:1.3) of the USB device (1-2), or
 * a Bluetooth connection (hci0:256).
 */
async function fakeSysfs() {
  const root = await tempDir();
  const usbDevice = join(root, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', '1-2');
  const add = async (hidraw: string, hidDevice: string, descriptor: Uint8Array | null) => {
    await mkdir(hidDevice, { recursive: true });
    if (descriptor !== null) await writeFile(join(hidDevice, 'report_descriptor'), descriptor);
    const link = join(root, 'class', 'hidraw', hidraw, 'device');
    await mkdir(dirname(link), { recursive: true });
    await symlink(relative(dirname(link), hidDevice), link);
  };
  await add('hidraw3', join(usbDevice, '1-2:1.3', '0003:0B0E:0307.0001'), fixtureDescriptor(EVOLVE));
  // A second interface of the same USB device.
  await add('hidraw4', join(usbDevice, '1-2:1.4', '0003:0B0E:0307.0002'), Uint8Array.of(0x05, 0x0c, 0xc0));
  const bluetooth = join(root, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', '1-9', '1-9:1.0', 'bluetooth');
  await add('hidraw5', join(bluetooth, 'hci0', 'hci0:256', '0005:047F:02E6.0003'), fixtureDescriptor(BT700));
  await add('hidraw6', join(usbDevice, '1-2:1.5', '0003:0B0E:0307.0004'), new Uint8Array(0));
  await add('hidraw7', join(usbDevice, '1-2:1.6', '0003:0B0E:0307.0005'), new Uint8Array(70_000).fill(0xc0));
  // A node whose HID device has no descriptor file at all.
  await add('hidraw8', join(usbDevice, '1-2:1.7', '0003:0B0E:0307.0006'), null);
  return root;
}

function entry(overrides: Partial<HidDeviceInfo>): HidDeviceInfo {
  return {
    vendorId: 0x0b0e,
    productId: 0x0307,
    path: '/dev/hidraw3',
    serialNumber: '',
    manufacturer: '',
    product: '',
    interface: 3,
    usagePage: 0x0b,
    usage: 0x05,
    location: null,
    ...overrides,
  };
}

describe('Linux: the descriptor from sysfs', () => {
  it('reads /sys/class/hidraw/hidrawN/device/report_descriptor of the node node-hid names', async () => {
    const root = await fakeSysfs();
    const read = await readHidrawDescriptor('/dev/hidraw3', root);
    expect(read).toEqual({ ok: true, value: fixtureDescriptor(EVOLVE) });
    expect(await readHidrawDescriptor('/dev/hidraw5', root)).toEqual({ ok: true, value: fixtureDescriptor(BT700) });
  });

  it('says what is wrong: not a hidraw path, no such node, no file, empty, too long', async () => {
    const root = await fakeSysfs();
    const cases: [string, string, RegExp][] = [
      ['/dev/usb/hiddev0', 'invalid_input', /^\/dev\/usb\/hiddev0 is not a hidraw node/],
      ['IOService:/AppleACPIPlatformExpert/XHC1@14', 'invalid_input', /is not a hidraw node/],
      ['/dev/hidraw9', 'unavailable', /class\/hidraw\/hidraw9\/device\/report_descriptor: cannot be read \(ENOENT\)$/],
      ['/dev/hidraw8', 'unavailable', /hidraw8\/device\/report_descriptor: cannot be read \(ENOENT\)$/],
      ['/dev/hidraw6', 'invalid_input', /hidraw6\/device\/report_descriptor: report_descriptor: the file is empty$/],
      ['/dev/hidraw7', 'invalid_input', /hidraw7\/device\/report_descriptor: .*longer than 65535 bytes$/],
    ];
    for (const [path, code, message] of cases) {
      const read = await readHidrawDescriptor(path, root);
      expect(read).toMatchObject({ ok: false, error: { code } });
      expect(!read.ok && read.error.message).toMatch(message);
    }
  });

  it('finds the physical device: interfaces of one USB device share it, a Bluetooth device has its connection', async () => {
    const root = await fakeSysfs();
    expect(await hidrawLocation('/dev/hidraw3', root)).toBe('devices/pci0000:00/0000:00:14.0/usb1/1-2');
    expect(await hidrawLocation('/dev/hidraw4', root)).toBe('devices/pci0000:00/0000:00:14.0/usb1/1-2');
    expect(await hidrawLocation('/dev/hidraw5', root)).toBe(
      'devices/pci0000:00/0000:00:14.0/usb1/1-9/1-9:1.0/bluetooth/hci0/hci0:256',
    );
    expect(await hidrawLocation('/dev/hidraw9', root)).toBeNull();
    expect(await hidrawLocation('COM3', root)).toBeNull();
  });

  it('falls back to the table when sysfs fails, and to nothing (saying why) for an unknown device', async () => {
    const root = await fakeSysfs();
    const read = descriptorSource({ platform: 'linux', sysfsRoot: root });
    expect(await read(entry({}))).toEqual({ source: 'device', bytes: fixtureDescriptor(EVOLVE) });
    // A known device (Jabra Evolve Link MS) whose node sysfs does not have.
    expect(await read(entry({ path: '/dev/hidraw9' }))).toEqual({
      source: 'known',
      bytes: fixtureDescriptor(EVOLVE),
    });
    const unknown = await read(entry({ path: '/dev/hidraw9', vendorId: 0x1234, productId: 0x5678 }));
    expect(unknown).toMatchObject({ source: 'none' });
    expect(unknown.source === 'none' && unknown.problem).toMatch(
      /hidraw9\/device\/report_descriptor: cannot be read \(ENOENT\); no known descriptor for 1234:5678$/,
    );
  });
});

describe('Windows and macOS: the table of known descriptors', () => {
  it('is generated from the fixtures and up to date with them', () => {
    const check = spawnSync(process.execPath, ['scripts/generate-headset-table.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const fromFixtures = FIXTURE_NAMES.map(loadFixture)
      .map((fixture) => ({
        vendorId: fixture.vendorId,
        productId: fixture.productId,
        name: fixture.name,
        source: fixture.source,
        descriptorHex: fixture.descriptorHex.toLowerCase(),
      }))
      .sort((a, b) => a.vendorId - b.vendorId || a.productId - b.productId);
    expect(KNOWN_DESCRIPTORS).toEqual(fromFixtures);
    expect(KNOWN_DESCRIPTORS).toHaveLength(10);
  });

  it('gives each fixture device its descriptor by VID:PID, and nothing for another', async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const read = descriptorSource({ platform });
      for (const fixture of FIXTURE_NAMES.map(loadFixture)) {
        const device = entry({ vendorId: fixture.vendorId, productId: fixture.productId, path: '\\\\?\\HID#x' });
        expect(await read(device)).toEqual({ source: 'known', bytes: fixtureDescriptor(fixture) });
      }
      const unknown = await read(entry({ vendorId: 0x1234, productId: 0x5678 }));
      expect(unknown).toEqual({
        source: 'none',
        problem: "no known descriptor for 1234:5678 (this platform does not give apps a device's report descriptor)",
      });
    }
    expect(knownDescriptor(0x0b0e, 0x0307)?.name).toBe('Jabra EVOLVE LINK MS');
    expect(knownDescriptor(0x0b0e, 0x0308)).toBeNull();
  });

  it('Windows: cuts a descriptor to the top-level collection a path carries', () => {
    const c5220 = parseReportDescriptor(fixtureDescriptor(loadFixture('poly-blackwire-c5220')));
    const whole = buildCapabilityMap(c5220);
    const telephony = topLevelCollection(c5220, 0x0b, 0x05);
    const consumer = topLevelCollection(c5220, 0x0c, 0x01);
    expect(telephony).not.toBeNull();
    expect(consumer).not.toBeNull();
    const telephonyMap = buildCapabilityMap(telephony!);
    // The call controls and lights are all in the telephony collection; the volume keys are not.
    expect(probeJson(telephonyMap)).toEqual({
      ...probeJson(whole),
      inputs: Object.fromEntries(
        Object.entries(probeJson(whole).inputs).filter(([name]) => name !== 'volumeUp' && name !== 'volumeDown'),
      ),
    });
    expect([...telephonyMap.inputReportLengths.keys()].sort((a, b) => a - b)).toEqual(
      [...telephonyMap.inputReportLengths.keys()]
        .filter((id) => whole.inputReportLengths.has(id))
        .sort((a, b) => a - b),
    );
    expect(telephonyMap.inputReportLengths.has(1)).toBe(false);
    const consumerMap = buildCapabilityMap(consumer!);
    expect(consumerMap.callControl).toBe(false);
    expect(Object.keys(consumerMap.inputs)).toEqual(['volumeUp', 'volumeDown']);
    expect(topLevelCollection(c5220, 0x0b, 0x01)).toBeNull();
  });
});

describe('the node-hid backend (real node-hid, no device on this machine)', () => {
  it('loads node-hid with the hidraw driver and lists no device here', async () => {
    const backend = createNodeHidBackend({ log: recordingLogger(), sysfsRoot: await fakeSysfs() });
    expect(backend.openScope).toBe(process.platform === 'win32' ? 'collection' : 'interface');
    expect(await backend.devices()).toEqual([]);
  });

  it('refuses to open a node that is not there, as a HidOpenError', async () => {
    const backend = createNodeHidBackend({ log: recordingLogger() });
    const opened = backend.open('/dev/hidraw99');
    await expect(opened).rejects.toBeInstanceOf(HidOpenError);
    await expect(opened).rejects.toMatchObject({
      problem: 'failed',
      message: expect.stringMatching(/^\/dev\/hidraw99: /),
    });
  });

  it('checks what node-hid lists: bad entries are left out and logged once; Linux entries get their location', async () => {
    const root = await fakeSysfs();
    const log = recordingLogger();
    let driver = '';
    const listed: unknown[] = [
      {
        vendorId: 0x0b0e,
        productId: 0x0307,
        path: '/dev/hidraw3',
        release: 0x0100,
        interface: 3,
        usagePage: 11,
        usage: 5,
      },
      {
        vendorId: 0x0b0e,
        productId: 0x0307,
        path: '/dev/hidraw3',
        serialNumber: 'A1',
        interface: 3,
        usagePage: 12,
        usage: 1,
      },
      { vendorId: 'x', productId: 0x0307, path: '/dev/hidraw4' },
      { vendorId: 0x10000, productId: 0x0307, path: '/dev/hidraw4' },
      null,
    ];
    const stub = {
      setDriverType: (type: string) => {
        driver = type;
      },
      devicesAsync: async () => listed,
    };
    const backend = createNodeHidBackend({
      log,
      platform: 'linux',
      sysfsRoot: root,
      load: () => stub as unknown as typeof NodeHid,
    });
    const first = await backend.devices();
    await backend.devices();
    expect(driver).toBe('hidraw');
    expect(first).toEqual([
      entry({ location: 'devices/pci0000:00/0000:00:14.0/usb1/1-2' }),
      entry({ serialNumber: 'A1', usagePage: 12, usage: 1, location: 'devices/pci0000:00/0000:00:14.0/usb1/1-2' }),
    ]);
    const warnings = log.records.filter((record) => record.level === 'warn');
    expect(warnings.map((record) => record.fields?.problem)).toEqual([
      expect.stringMatching(/^vendorId: /),
      expect.stringMatching(/^vendorId: /),
      expect.stringMatching(/^device: /),
    ]);
  });

  it('says when node-hid itself fails to list', async () => {
    const backend = createNodeHidBackend({
      log: recordingLogger(),
      platform: 'darwin',
      load: () => ({ devicesAsync: async () => ({ not: 'a list' }) }) as unknown as typeof NodeHid,
    });
    await expect(backend.devices()).rejects.toThrow(/node-hid listed no array of devices/);
  });
});
