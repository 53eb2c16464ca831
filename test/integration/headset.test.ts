import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import type { HeadsetListing } from '../../src/shared/contract/headset';
import { kamailioRequirement } from '../lab/kamailio';
import { sippRequirement } from '../lab/sipp';
import { startApp } from '../support/app';
import { callEvent, cleanUpCallLab, expectCompleted, lab, registeredAgent, sipp } from '../support/calls';
import { FakeHidBackend } from '../support/fake-hid';
import { tempDir } from '../support/temp';

/*
 * The real app (createApp on Node ports) with one fake: the HID stack, holding fixture devices
 * (test/support/fake-hid.ts). Jabra Evolve Link MS: output report 02 <Off-Hook 01, Mute 02,
 * Ring 04, Hold 08, Microphone 10, Ringer 20> 00; input report 02 <Hook Switch 01> 00.
 */
const context = { clientId: 'test' };

function headsetEvents(app: App): HeadsetListing[] {
  const seen: HeadsetListing[] = [];
  app.events.subscribe((name, payload) => {
    if (name === 'headset.changed') seen.push(payload as HeadsetListing);
  });
  return seen;
}

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)('a headset beside a real call', () => {
  beforeAll(() => {
    kamailioRequirement.assert();
    sippRequirement.assert();
  });
  afterEach(cleanUpCallLab);

  it('the Jabra rings with the call, its hook answers it (Off-Hook written), and the far end’s hang-up puts it back', async () => {
    const kamailio = await lab();
    const hid = new FakeHidBackend();
    const path = hid.plug('jabra-evolve-link-ms', { serialNumber: 'J1' });
    const { app, calls } = await registeredAgent(kamailio.wsUrl, '1001', {}, { hid });
    expect(await app.headsets.refresh()).toMatchObject({ status: 'attached', chosen: '0b0e:0307:J1' });
    const jabra = hid.device(path);
    expect(jabra.take()).toEqual(['02 00 00']);

    const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    // Ring LED and Ringer while it rings.
    expect(jabra.take()).toEqual(['02 24 00']);
    // The live test is for when no call is in progress.
    expect(await app.dispatch('headset.test', { output: 'ledHold', on: true }, context)).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    // Hook up on the headset: the real call is answered, Off-Hook goes out at once.
    jabra.send('02 01 00');
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'active');
    expect(jabra.take()).toEqual(['02 05 00', '02 01 00']);

    // The caller hangs up (caller-bye.xml): the headset goes back on-hook.
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'ended');
    await expectCompleted(caller);
    expect(jabra.take()).toEqual(['02 00 00']);
  });

  it('unplugged while the call rings, the call goes on; plugged back, it shows the call again', async () => {
    const kamailio = await lab();
    const hid = new FakeHidBackend();
    const path = hid.plug('jabra-evolve-link-ms', { serialNumber: 'J1' });
    const { app, calls } = await registeredAgent(kamailio.wsUrl, '1002', {}, { hid });
    await app.headsets.refresh();
    const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1002' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    hid.unplug(path);
    expect(await app.headsets.refresh()).toMatchObject({ status: 'no_devices' });
    expect(calls.at(-1)).toMatchObject({ id: ringing.id, phase: 'ringing' });

    const again = hid.plug('jabra-evolve-link-ms', { serialNumber: 'J1' });
    expect(await app.headsets.refresh()).toMatchObject({ status: 'attached' });
    expect(hid.device(again).take()).toEqual(['02 24 00']);
    expect(await app.dispatch('calls.answer', { callId: ringing.id }, context)).toMatchObject({ ok: true });
    expect(hid.device(again).take()).toEqual(['02 01 00']);
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'ended');
    await expectCompleted(caller);
  });
});

describe('the headset requests of the real app', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('list, choose (kept in the setting) and the live test; close lets the device go', async () => {
    const hid = new FakeHidBackend();
    const jabra = hid.plug('jabra-evolve-link-ms', { serialNumber: 'J1' });
    const poly = hid.plug('poly-blackwire-c5220', { serialNumber: 'P1' });
    hid.plug('logitech-g535');
    const app = await startApp(await tempDir(), {}, { hid });
    apps.push(app);
    const seen = headsetEvents(app);
    await app.headsets.refresh();
    const listed = await app.dispatch('headset.list', {}, context);
    expect(listed).toMatchObject({
      ok: true,
      value: {
        enabled: true,
        status: 'attached',
        chosen: '047f:c053:P1',
        chosenBy: 'automatic',
        devices: [{ key: '046d:0ac4' }, { key: '047f:c053:P1' }, { key: '0b0e:0307:J1' }],
      },
    });

    expect(await app.dispatch('headset.choose', { device: '0B0E:0307:J1' }, context)).toMatchObject({
      ok: true,
      value: { status: 'attached', chosen: '0b0e:0307:J1', chosenBy: 'setting' },
    });
    expect(app.settings.get('headset.device')).toBe('0b0e:0307:J1');
    expect(hid.device(poly).closed).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: 'attached', chosen: '0b0e:0307:J1' });
    const device = hid.device(jabra);
    expect(device.take()).toEqual(['02 00 00']);

    const testStates: unknown[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'headset.testChanged') testStates.push(payload);
    });
    expect(await app.dispatch('headset.test', { output: 'ringer', on: true }, context)).toEqual({
      ok: true,
      value: { output: 'ringer', on: true },
    });
    expect(await app.dispatch('headset.testing', {}, context)).toEqual({ ok: true, value: { outputs: ['ringer'] } });
    expect(await app.dispatch('headset.test', { output: 'ringer', on: false }, context)).toMatchObject({ ok: true });
    expect(device.take()).toEqual(['02 20 00', '02 00 00']);
    expect(testStates).toEqual([{ outputs: ['ringer'] }, { outputs: [] }]);
    // The Jabra has no On-Line light.
    expect(await app.dispatch('headset.test', { output: 'ledOnLine', on: true }, context)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/no ledOnLine output/) },
    });

    // Refused: a device without call control, one not connected.
    expect(await app.dispatch('headset.choose', { device: '046d:0ac4' }, context)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/has no call control/) },
    });
    expect(await app.dispatch('headset.choose', { device: '1395:0082' }, context)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(app.settings.get('headset.device')).toBe('0b0e:0307:J1');

    // The input events of the live test.
    const inputs: unknown[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'headset.input') inputs.push(payload);
    });
    device.send('02 04 00');
    device.send('02 00 00');
    expect(inputs).toEqual([
      { device: '0b0e:0307:J1', control: 'phoneMute', value: 1 },
      { device: '0b0e:0307:J1', control: 'phoneMute', value: 0 },
    ]);

    // Off: let go. Automatic again when on.
    await app.dispatch('settings.update', { key: 'headset.enabled', value: false }, context);
    expect(await app.headsets.refresh()).toMatchObject({ status: 'disabled', devices: [] });
    expect(device.closed).toBe(true);
    expect(await app.dispatch('headset.test', { output: 'ledRing', on: true }, context)).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    await app.dispatch('settings.update', { key: 'headset.enabled', value: true }, context);
    expect(await app.dispatch('headset.choose', { device: '' }, context)).toMatchObject({
      ok: true,
      value: { status: 'attached', chosen: '047f:c053:P1', chosenBy: 'automatic' },
    });

    await app.close();
    expect(hid.opened.every((each) => each.closed)).toBe(true);
  });
});
