import { describe, expect, it, vi } from 'vitest';
import { createLogger, type LogRecord } from '../../src/main/core/log';
import { buildCapabilityMap, type CapabilityMap } from '../../src/main/headset/capabilities';
import { DEFAULT_TEST_TIMEOUT_MS, HeadsetController } from '../../src/main/headset/controller';
import { parseReportDescriptor } from '../../src/main/headset/descriptor';
import { descriptorSource } from '../../src/main/headset/descriptor-source';
import { chooseDevice, deviceKey, parseDeviceKey } from '../../src/main/headset/device-list';
import {
  CLOSE_WAIT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  HeadsetDevices,
  type HeadsetPreferences,
  type IntervalTimers,
} from '../../src/main/headset/devices';
import { HidPort, wireReport } from '../../src/main/headset/node-hid-port';
import type { HeadsetInputEvent, HeadsetListing } from '../../src/shared/contract/headset';
import { bytesOf, FakeHidBackend, FakeHidDevice, hexOf, loadFixture } from '../support/fake-hid';
import { fixtureDescriptor } from '../../src/main/headset/fixture';
import { FakeClock, StateMachineCalls } from '../support/state-machine-calls';

/*
 * The device manager, the node-hid port adapter and the controller, all real, on a fake HID stack
 * holding the fixture devices (test/support/fake-hid.ts). Bytes are asserted as node-hid receives
 * them. Scans are driven by the test (`refresh`, or the fake timer's tick): no timing.
 *
 * Jabra Evolve Link MS: output report 2 = 02 <Off-Hook 01, Mute 02, Ring 04, Hold 08,
 * Microphone 10, Ringer 20> 00; input report 2 = 02 <Hook Switch 01, Phone Mute 04 (pulse)> 00.
 */

class FakeTimers implements IntervalTimers {
  readonly intervals = new Map<number, { run: () => void; ms: number }>();
  private next = 1;

  setInterval(run: () => void, ms: number): unknown {
    const id = this.next;
    this.next += 1;
    this.intervals.set(id, { run, ms });
    return id;
  }

  clearInterval(handle: unknown): void {
    this.intervals.delete(handle as number);
  }

  tick(): void {
    for (const { run } of [...this.intervals.values()]) run();
  }
}

/** Lets promises settle (event-loop order, no timing). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

function rig(options: { backend?: FakeHidBackend; device?: string; maxAttempts?: number } = {}) {
  const clock = new FakeClock();
  const calls = new StateMachineCalls(clock);
  const records: LogRecord[] = [];
  const log = createLogger({ level: 'debug', write: (record) => records.push(record), now: () => new Date(0) });
  const controller = new HeadsetController({ calls, log: log.child('controller'), clock });
  const backend = options.backend ?? new FakeHidBackend();
  const timers = new FakeTimers();
  const preferences: { -readonly [K in keyof HeadsetPreferences]: HeadsetPreferences[K] } = {
    enabled: true,
    device: options.device ?? '',
  };
  const devices = new HeadsetDevices({
    backend,
    sink: controller,
    log: log.child('devices'),
    preferences: () => preferences,
    timers,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  const changes: HeadsetListing[] = [];
  const inputs: HeadsetInputEvent[] = [];
  devices.onChange((listing) => changes.push(listing));
  devices.onInput((event) => inputs.push(event));
  const problems = () =>
    records
      .filter((record) => record.level === 'warn' || record.level === 'error')
      .map(({ level, message, fields }) => ({ level, message, fields }));
  return { clock, calls, controller, backend, devices, timers, preferences, records, problems, changes, inputs };
}

const EVOLVE = 'jabra-evolve-link-ms';

describe('headset devices: which headsets, and which one is used', () => {
  it('lists a device with its capabilities and opens it; the controller writes its full state at once', async () => {
    const { backend, devices } = rig();
    const path = backend.plug(EVOLVE, { serialNumber: 'J1' });
    const listing = await devices.refresh();
    expect(listing).toEqual({
      enabled: true,
      status: 'attached',
      devices: [
        {
          key: '0b0e:0307:J1',
          vendorId: 0x0b0e,
          productId: 0x0307,
          serialNumber: 'J1',
          name: 'Jabra EVOLVE LINK MS',
          manufacturer: 'Fixture',
          descriptor: 'device',
          callControl: true,
          inputs: ['hookSwitch', 'phoneMute', 'flash', 'redial', 'speedDial', 'lineBusyTone', 'volumeUp', 'volumeDown'],
          outputs: ['ledOffHook', 'ledRing', 'ledMute', 'ledHold', 'ledMicrophone', 'ringer'],
        },
      ],
      chosen: '0b0e:0307:J1',
      chosenBy: 'automatic',
    });
    // One path for the three top-level collections (Linux hidraw): opened once, all lights off.
    expect(backend.opened.map((device) => device.path)).toEqual([path]);
    expect(backend.device(path).take()).toEqual(['02 00 00']);
  });

  it('never uses a device without call control: the Logitech G535 alone is listed, nothing is chosen or opened', async () => {
    const { backend, devices } = rig({ device: '046d:0ac4' });
    backend.plug('logitech-g535');
    const listing = await devices.refresh();
    expect(listing).toMatchObject({
      status: 'no_call_control',
      chosen: null,
      chosenBy: null,
      devices: [
        { key: '046d:0ac4', callControl: false, inputs: ['volumeUp', 'volumeDown'], outputs: [], descriptor: 'device' },
      ],
    });
    expect(backend.opened).toEqual([]);
  });

  it('several headsets: the setting’s (by VID:PID and serial, or VID:PID), else the first with call control', async () => {
    const { backend, devices, preferences } = rig();
    backend.plug('logitech-g535');
    const second = backend.plug(EVOLVE, { serialNumber: 'J2' });
    const first = backend.plug(EVOLVE, { serialNumber: 'J1' });
    const poly = backend.plug('poly-blackwire-c5220', { serialNumber: 'P1' });

    // Automatic: the first with call control in key order (047f… before 0b0e…); the G535 is passed over.
    expect(await devices.refresh()).toMatchObject({
      status: 'attached',
      chosen: '047f:c053:P1',
      chosenBy: 'automatic',
    });
    expect(backend.device(poly).take()).toEqual(['09 00', '17 00', '18 00', '20 00', '2a 00']);

    preferences.device = '0b0e:0307:J2';
    expect(await devices.refresh()).toMatchObject({ status: 'attached', chosen: '0b0e:0307:J2', chosenBy: 'setting' });
    expect(backend.device(poly).closed).toBe(true);
    expect(backend.device(second).take()).toEqual(['02 00 00']);

    // VID:PID alone: the first of that model.
    preferences.device = '0B0E:0307';
    expect(await devices.refresh()).toMatchObject({ chosen: '0b0e:0307:J1', chosenBy: 'setting' });
    expect(backend.device(second).closed).toBe(true);
    expect(backend.device(first).closed).toBe(false);

    // The setting names a device without call control, or one not connected: automatic.
    for (const setting of ['046d:0ac4', '1395:0082', '0b0e:0307:J9']) {
      preferences.device = setting;
      expect(await devices.refresh()).toMatchObject({ chosen: '047f:c053:P1', chosenBy: 'automatic' });
    }
    expect((await devices.refresh()).devices.map((device) => device.key)).toEqual([
      '046d:0ac4',
      '047f:c053:P1',
      '0b0e:0307:J1',
      '0b0e:0307:J2',
    ]);
  });

  it('lists neither a keyboard nor a mouse; an unknown headset without a descriptor is listed and never opened', async () => {
    // Nothing is in the table here: the G535 (no telephony collection) is then just another HID device.
    const backend = new FakeHidBackend();
    const { devices } = rig({ backend });
    const unknown = new HeadsetDevices({
      backend,
      sink: { attach: () => undefined, detach: () => undefined },
      log: createLogger({ level: 'error', write: () => undefined }),
      preferences: () => ({ enabled: true, device: '' }),
      timers: new FakeTimers(),
      isKnown: () => false,
    });
    backend.plug('logitech-g535');
    backend.plug(EVOLVE, { descriptor: 'none' });
    const listing = await unknown.refresh();
    expect(listing).toMatchObject({
      status: 'no_call_control',
      chosen: null,
      devices: [{ key: '0b0e:0307', descriptor: 'none', callControl: false, inputs: [], outputs: [] }],
    });
    expect(backend.opened).toEqual([]);
    await unknown.close();
    await devices.close();
  });

  it('Windows: the known descriptor, cut to the collection of the path opened', async () => {
    const backend = new FakeHidBackend({
      openScope: 'collection',
      readDescriptor: descriptorSource({ platform: 'win32' }),
    });
    const { devices } = rig({ backend });
    const first = backend.plug('poly-blackwire-c5220', { path: '\\\\?\\HID#VID_047F&PID_C053&MI_03' });
    const listing = await devices.refresh();
    expect(listing).toMatchObject({
      status: 'attached',
      devices: [
        {
          key: '047f:c053',
          descriptor: 'known',
          callControl: true,
          inputs: ['hookSwitch', 'phoneMute', 'flash', 'redial'],
        },
      ],
    });
    // Top-level collections: consumer (col01), vendor (col02), telephony (col03): the telephony one is opened.
    expect(first).toBe('\\\\?\\HID#VID_047F&PID_C053&MI_03&col01');
    expect(backend.opened.map((device) => device.path)).toEqual(['\\\\?\\HID#VID_047F&PID_C053&MI_03&col03']);
    expect(backend.opened[0]!.take()).toEqual(['09 00', '17 00', '18 00', '20 00', '2a 00']);
  });

  it('a descriptor with a malformed vendor field: used all the same, the field left out and logged once', async () => {
    const evolve = fixtureDescriptor(loadFixture(EVOLVE));
    // A vendor collection whose field has logical maximum 1 below minimum 5; its Input item is at byte 19.
    const odd = new Uint8Array([
      ...evolve,
      ...bytesOf('06 00 ff 09 01 a1 01 85 7e 09 02 15 05 25 01 75 08 95 01 81 02 c0'),
    ]);
    const backend = new FakeHidBackend({ readDescriptor: async () => ({ source: 'device', bytes: odd }) });
    const { devices, problems } = rig({ backend });
    backend.plug(EVOLVE);
    expect(await devices.refresh()).toMatchObject({ status: 'attached', devices: [{ callControl: true }] });
    await devices.refresh();
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset descriptor has fields left out as malformed',
        fields: { device: '0b0e:0307', fields: 1, firstOffset: evolve.length + 19 },
      },
    ]);
  });

  it('reads the setting’s device key strictly', () => {
    expect(parseDeviceKey('0B0E:0307:AB 12')).toEqual({ vendorId: 0x0b0e, productId: 0x0307, serial: 'AB 12' });
    expect(parseDeviceKey('0b0e:0307')).toEqual({ vendorId: 0x0b0e, productId: 0x0307, serial: null });
    for (const text of ['', 'jabra', '0b0e', '0b0e:307', '0b0e:0307:']) expect(parseDeviceKey(text)).toBeNull();
    expect(deviceKey(0x47f, 0xc053, '')).toBe('047f:c053');
    expect(chooseDevice([], '0b0e:0307')).toBeNull();
  });
});

describe('headset devices: plugging in and out while calls go on', () => {
  it('plugged in during a ringing call: Ring and Ringer at once; the hook answers; unplugged mid-call the call goes on; plugged back the full state is rewritten', async () => {
    const { backend, devices, calls, problems, records, inputs } = rig();
    const id = calls.ring();
    expect(await devices.refresh()).toMatchObject({ status: 'no_devices' });

    const path = backend.plug(EVOLVE, { serialNumber: 'J1' });
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
    const jabra = backend.device(path);
    expect(jabra.take()).toEqual(['02 24 00']);

    // Hook up: answered, Off-Hook at once (with Ring until the answer completes), then Off-Hook alone.
    jabra.send('02 01 00');
    await settled();
    expect(calls.actions).toEqual([`answer ${id}`]);
    expect(calls.get(id)?.phase).toBe('active');
    expect(jabra.take()).toEqual(['02 05 00', '02 01 00']);
    expect(inputs).toEqual([{ device: '0b0e:0307:J1', control: 'hookSwitch', value: 1 }]);

    // Unplugged mid-call (node-hid reports a read error): the device is gone, the call is not.
    backend.unplug(path);
    expect(await devices.refresh()).toMatchObject({ status: 'no_devices', chosen: null, devices: [] });
    expect(calls.get(id)?.phase).toBe('active');
    calls.mute(id, true);
    expect(jabra.take()).toEqual([]);

    // Plugged back in (another hidraw node): Off-Hook, Mute and Microphone: the whole state.
    const again = backend.plug(EVOLVE, { serialNumber: 'J1' });
    expect(await devices.refresh()).toMatchObject({ status: 'attached', chosen: '0b0e:0307:J1' });
    expect(backend.device(again).take()).toEqual(['02 13 00']);
    expect(problems()).toEqual([]);
    expect(records.filter((record) => record.message === 'headset gone; the calls go on without it')).toHaveLength(1);
  });

  it('unplugged in the middle of a write: logged once, no crash, nothing stuck; plugged back it works', async () => {
    const { backend, devices, calls, records } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    const jabra = backend.device(path);
    jabra.take();
    // A call rings while the cable comes out: the write is on its way and fails, and node-hid
    // reports the read error; more call changes follow.
    jabra.failing = true;
    const id = calls.ring();
    backend.unplug(path);
    calls.apply(id, { type: 'cancelled' });
    calls.ring();
    await settled();
    expect(await devices.refresh()).toMatchObject({ status: 'no_devices' });
    const said = records.filter((record) => /^headset (gone|failed)/.test(record.message));
    expect(said).toHaveLength(1);
    expect(records.filter((record) => record.level === 'error')).toEqual([]);

    const again = backend.plug(EVOLVE);
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
    expect(backend.device(again).take()).toEqual(['02 24 00']);
  });

  it('a write that fails while the device is still listed: logged once, reopened at once, and the calls go on', async () => {
    const { backend, devices, calls, problems } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    const first = backend.device(path);
    first.take();
    first.failing = true;
    const id = calls.ring();
    await settled();
    await devices.refresh();
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset failed; marked gone, the calls go on without it',
        fields: { problem: 'write_failed', error: 'Error' },
      },
    ]);
    expect(backend.opened).toHaveLength(2);
    expect(backend.opened[1]!.take()).toEqual(['02 24 00']);
    expect(devices.listing().status).toBe('attached');
    expect(calls.get(id)?.phase).toBe('ringing');
  });

  it('a device that keeps failing is tried a few times, then with growing pauses; plugged in again it starts afresh', async () => {
    const { backend, devices, problems } = rig({ maxAttempts: 3 });
    const path = backend.plug(EVOLVE, { refuse: 'failed' });
    const attempts: string[] = [];
    const open = backend.open.bind(backend);
    backend.open = (opened) => {
      attempts.push(opened);
      return open(opened);
    };
    expect(await devices.refresh()).toMatchObject({ status: 'open_failed', chosen: '0b0e:0307' });
    expect(await devices.refresh()).toMatchObject({ status: 'open_failed' });
    // The third attempt at scan 3, then at scans 5, 9, 17, 33, 65, 97, … (pauses of 2, 4, 8, 16,
    // 32, 32 scans); the status says failed from the third on.
    const triedAt: number[] = [];
    for (let scan = 3; scan <= 100; scan += 1) {
      const before = attempts.length;
      expect(await devices.refresh()).toMatchObject({ status: 'failed' });
      if (attempts.length > before) triedAt.push(scan);
    }
    expect(triedAt).toEqual([3, 5, 9, 17, 33, 65, 97]);
    expect(problems()).toHaveLength(1);

    backend.unplug(path);
    await devices.refresh();
    backend.plug(EVOLVE);
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
  });

  it('a device that failed and recovers by itself is attached at the next attempt of the back-off', async () => {
    const { backend, devices } = rig({ maxAttempts: 2 });
    const path = backend.plug(EVOLVE, { refuse: 'failed' });
    expect(await devices.refresh()).toMatchObject({ status: 'open_failed' });
    expect(await devices.refresh()).toMatchObject({ status: 'failed' });
    // It wakes up (another program let it go): not opened before the pause is over, then attached.
    backend.allow(path);
    expect(await devices.refresh()).toMatchObject({ status: 'failed' });
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
  });

  it('Linux without the udev rule: no_permission, logged once, tried at every scan until allowed', async () => {
    const { backend, devices, problems } = rig();
    backend.plug(EVOLVE, { refuse: 'no_permission' });
    for (let scan = 0; scan < 5; scan += 1)
      expect(await devices.refresh()).toMatchObject({ status: 'no_permission', chosen: '0b0e:0307' });
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset could not be opened',
        fields: { device: '0b0e:0307', problem: 'no_permission', error: 'no_permission' },
      },
    ]);
    backend.unplug('/dev/hidraw0');
    const path = backend.plug(EVOLVE);
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
    expect(backend.device(path).take()).toEqual(['02 00 00']);
  });

  it('bad input reports: no event, no crash; the controller logs each kind once', async () => {
    const { backend, devices, inputs, problems, calls } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    const jabra = backend.device(path);
    // Empty, too short, an unknown ID (twice), too short again: each kind logged once.
    for (const report of ['', '02', '07 01 00', '07 01 00', '02 01']) jabra.send(report);
    jabra.emit('data', Buffer.alloc(0));
    expect(inputs).toEqual([]);
    expect(problems().map((problem) => problem.fields?.problem)).toEqual([
      'empty_report',
      'wrong_length',
      'unknown_report_id',
    ]);
    expect(devices.listing().status).toBe('attached');
    // Still working.
    calls.ring();
    expect(jabra.take()).toEqual(['02 00 00', '02 24 00']);
  });

  it('polls at the interval given, and a tick finds a device plugged in meanwhile', async () => {
    const { backend, devices, timers } = rig();
    await devices.refresh();
    expect([...timers.intervals.values()].map((interval) => interval.ms)).toEqual([DEFAULT_POLL_INTERVAL_MS]);
    const path = backend.plug(EVOLVE);
    timers.tick();
    // The tick's scan is running; a refresh waits for it (and scans once more).
    await devices.refresh();
    expect(backend.device(path).take()).toEqual(['02 00 00']);
  });

  it('headset.enabled off: let go, nothing listed, no polling; on again: attached again', async () => {
    const { backend, devices, timers, preferences, changes } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    preferences.enabled = false;
    expect(await devices.refresh()).toEqual({
      enabled: false,
      status: 'disabled',
      devices: [],
      chosen: null,
      chosenBy: null,
    });
    expect(backend.device(path).closed).toBe(true);
    expect(timers.intervals.size).toBe(0);
    preferences.enabled = true;
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
    expect(timers.intervals.size).toBe(1);
    expect(changes.map((listing) => listing.status)).toEqual([
      'opening',
      'attached',
      'disabled',
      'opening',
      'attached',
    ]);
  });

  it('a failing list keeps the device in use; with none in use it says unavailable', async () => {
    const { backend, devices, problems } = rig();
    backend.plug(EVOLVE);
    await devices.refresh();
    backend.listFailure = new Error('hid_enumerate failed');
    expect(await devices.refresh()).toMatchObject({ status: 'attached' });
    await devices.close();

    const other = rig();
    other.backend.listFailure = new TypeError('node-hid listed no array of devices');
    expect(await other.devices.refresh()).toMatchObject({ status: 'unavailable', devices: [] });
    await other.devices.refresh();
    expect(other.problems()).toEqual([
      { level: 'warn', message: 'headsets cannot be listed', fields: { error: 'TypeError' } },
    ]);
    expect(problems()).toHaveLength(1);
  });

  it('close waits until the lights-out write has reached the device, then closes it', async () => {
    const { backend, devices, calls } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    const jabra = backend.device(path);
    calls.ring();
    expect(jabra.take()).toEqual(['02 00 00', '02 24 00']);
    const release = jabra.holdWrites();
    let closed = false;
    const closing = devices.close().then(() => {
      closed = true;
    });
    await settled();
    await settled();
    expect(closed).toBe(false);
    expect(jabra.closed).toBe(false);
    release();
    await closing;
    // Ring and Ringer off, then closed.
    expect(jabra.take()).toEqual(['02 00 00']);
    expect(jabra.closed).toBe(true);
  });

  it('close gives up waiting for a device that hangs after a second, and says so', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { backend, devices, calls, problems } = rig();
      const path = backend.plug(EVOLVE);
      await devices.refresh();
      const jabra = backend.device(path);
      calls.ring();
      jabra.holdWrites();
      let closed = false;
      const closing = devices.close().then(() => {
        closed = true;
      });
      await vi.advanceTimersByTimeAsync(CLOSE_WAIT_MS - 1);
      expect(closed).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await closing;
      expect(problems()).toEqual([
        { level: 'warn', message: 'headset did not close in time; quitting without waiting for it', fields: undefined },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('close: polling stops, the device is let go, calls no longer reach it', async () => {
    const { backend, devices, timers, calls } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    await devices.close();
    expect(timers.intervals.size).toBe(0);
    const jabra = backend.device(path);
    expect(jabra.closed).toBe(true);
    jabra.take();
    calls.ring();
    expect(jabra.take()).toEqual([]);
  });
});

describe('the live test (controller.testOutput)', () => {
  it('lights one output while no call is up; a call ends the test; refused during a call', async () => {
    const { backend, devices, controller, calls } = rig();
    const path = backend.plug(EVOLVE);
    await devices.refresh();
    const jabra = backend.device(path);
    jabra.take();
    expect(controller.testOutput('ledRing', true)).toBe(true);
    expect(controller.testOutput('ledMute', true)).toBe(true);
    expect(jabra.take()).toEqual(['02 04 00', '02 06 00']);
    expect(controller.testOutput('ledRing', false)).toBe(true);
    expect(jabra.take()).toEqual(['02 02 00']);
    const id = calls.ring();
    expect(jabra.take()).toEqual(['02 24 00']);
    expect(controller.testOutput('ledHold', true)).toBe(false);
    calls.apply(id, { type: 'cancelled' });
    expect(jabra.take()).toEqual(['02 00 00']);
  });

  it('goes off by itself 15 s after the last change, and every change of it is told', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { backend, devices, controller, calls } = rig();
      const told: string[][] = [];
      controller.onTestChange((outputs) => told.push([...outputs]));
      const path = backend.plug(EVOLVE);
      await devices.refresh();
      const jabra = backend.device(path);
      jabra.take();
      controller.testOutput('ringer', true);
      expect(jabra.take()).toEqual(['02 20 00']);
      await vi.advanceTimersByTimeAsync(DEFAULT_TEST_TIMEOUT_MS - 1000);
      // A change starts the 15 s afresh.
      controller.testOutput('ledRing', true);
      expect(jabra.take()).toEqual(['02 24 00']);
      await vi.advanceTimersByTimeAsync(DEFAULT_TEST_TIMEOUT_MS - 1);
      expect(jabra.take()).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(jabra.take()).toEqual(['02 00 00']);
      expect(controller.testing()).toEqual([]);
      expect(told).toEqual([['ringer'], ['ringer', 'ledRing'], []]);

      // A call ends it at once; so does the device going away.
      controller.testOutput('ledMute', true);
      const id = calls.ring();
      expect(told.at(-1)).toEqual([]);
      calls.apply(id, { type: 'cancelled' });
      controller.testOutput('ledHold', true);
      backend.unplug(path);
      await devices.refresh();
      expect(told.slice(3)).toEqual([['ledMute'], [], ['ledHold'], []]);
      // No time-out left behind to fire on another device.
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the node-hid port adapter', () => {
  const withIds = buildCapabilityMap(
    parseReportDescriptor(
      bytesOf(
        '05 0b 09 05 a1 01 85 02 09 20 15 00 25 01 75 01 95 01 81 02 95 07 81 01 05 08 09 18 91 02 95 07 91 01 c0',
      ),
    ),
  );
  // The same device without report IDs: hidapi wants a 0 in front of what capabilities.ts builds.
  const withoutIds: CapabilityMap = buildCapabilityMap(
    parseReportDescriptor(
      bytesOf('05 0b 09 05 a1 01 09 20 15 00 25 01 75 01 95 01 81 02 95 07 81 01 05 08 09 18 91 02 95 07 91 01 c0'),
    ),
  );

  it('writes a report that starts with its ID unchanged, and prepends 0 for a device without IDs', async () => {
    expect(hexOf(wireReport(withIds, Uint8Array.of(0x02, 0x01)))).toBe('02 01');
    expect(hexOf(wireReport(withoutIds, Uint8Array.of(0x01)))).toBe('00 01');
    const device = new FakeHidDevice('/dev/hidraw0');
    const port = new HidPort(device, withoutIds);
    await port.write(Uint8Array.of(0x01));
    expect(device.take()).toEqual(['00 01']);
  });

  it('hands on input reports as bytes, and closes once on a read error: listeners hear it once, writes then fail', async () => {
    const device = new FakeHidDevice('/dev/hidraw0');
    const port = new HidPort(device, withIds);
    const reports: string[] = [];
    let closes = 0;
    port.onReport((report) => reports.push(hexOf(report)));
    port.onClose(() => {
      closes += 1;
    });
    device.send('02 01');
    device.readError();
    device.readError();
    port.close();
    device.send('02 00');
    expect(reports).toEqual(['02 01']);
    expect(closes).toBe(1);
    await expect(port.write(Uint8Array.of(0x02, 0x00))).rejects.toThrow(/closed/);
    // The device itself is closed once the writes on their way are through.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(device.closed).toBe(true);
    // node-hid may still emit an error after closing: someone listens, so nothing throws.
    expect(() => device.emit('error', new Error('late'))).not.toThrow();
  });

  it('rejects a failed write and leaves closing to its owner (the controller says why, then closes it)', async () => {
    const device = new FakeHidDevice('/dev/hidraw0');
    const port = new HidPort(device, withIds);
    device.failing = true;
    await expect(port.write(Uint8Array.of(0x02, 0x01))).rejects.toThrow(/Cannot write/);
    expect(port.isClosed).toBe(false);
  });
});
