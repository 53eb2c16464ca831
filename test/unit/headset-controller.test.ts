import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, type LogRecord } from '../../src/main/core/log';
import { buildCapabilityMap, type CapabilityMap } from '../../src/main/headset/capabilities';
import {
  HeadsetController,
  type HeadsetControllerOptions,
  type HeadsetDevicePort,
} from '../../src/main/headset/controller';
import { parseReportDescriptor } from '../../src/main/headset/descriptor';
import { fixtureDescriptor, parseHeadsetFixture } from '../../src/main/headset/fixture';
import { transition, type CallEvent } from '../../src/main/telephony/call-state';
import { AppError } from '../../src/shared/result';
import { FakeClock, StateMachineCalls } from '../support/state-machine-calls';
import { seededRandom } from '../support/random';

/*
 * The real controller against real descriptors (test/fixtures/headsets) and the recorded traffic
 * (test/fixtures/headsets/traffic/recordings.json), with a fake device port and calls driven by
 * the real call state machine. Every output report written is asserted as hex, in order.
 */

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'headsets');

const hexOf = (data: Uint8Array) => Array.from(data, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
const bytes = (text: string) => Uint8Array.from(text.split(/\s+/).filter(Boolean), (pair) => Number.parseInt(pair, 16));

function fixtureMap(name: string): CapabilityMap {
  const parsed = parseHeadsetFixture(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
  return buildCapabilityMap(parseReportDescriptor(fixtureDescriptor(parsed.value)));
}

function hexMap(descriptor: string): CapabilityMap {
  return buildCapabilityMap(parseReportDescriptor(bytes(descriptor)));
}

const recordingsSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      device: z.string(),
      recorded: z
        .array(
          z.looseObject({
            dir: z.string().optional(),
            hex: z.string().optional(),
            reportId: z.number().optional(),
            dataHex: z.string().nullable().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
const RECORDINGS = recordingsSchema.parse(
  JSON.parse(readFileSync(join(FIXTURES, 'traffic', 'recordings.json'), 'utf8')),
).items;

function recording(device: string) {
  const item = RECORDINGS.find((entry) => entry.device.includes(device));
  if (item?.recorded === undefined) throw new Error(`no recording for ${device}`);
  return item.recorded;
}

/**
 * The reference headset of the Teams capture (recordings.json): input report 2 with Hook Switch
 * at bit 0 and Redial at bit 1 ("02 03" answers), output report 4 with Off-Hook, Mute and Ring at
 * bits 0-2 ("04 04" Ring, "04 05" Off-Hook + Ring, "04 01" Off-Hook). Its descriptor is not in the
 * recording; the device pressed (02 03) and released (02 00) without Teams hanging up, so its
 * Hook Switch is a momentary button: declared Relative here.
 */
const TEAMS_STYLE = `05 0b 09 05 a1 01 85 02 15 00 25 01 75 01 09 20 09 24 95 02 81 06 95 06 81 01
  85 04 05 08 09 17 09 09 09 18 95 03 91 02 95 05 91 01 c0`;

/**
 * The Gigaset dongle's documented layout (recordings.json), with Phone Mute declared Absolute as a
 * boom-arm mute switch reports it. Input report 2: Hook 0, Line Busy Tone 1, Line 2, Phone Mute 3
 * (absolute), Flash 4, Redial 5, Speed Dial 6. Output report 2: Off-Hook 0, Mute 1, Ring 2, Hold 3,
 * Microphone 4, On-Line 5, Ringer 6. No published descriptor has an absolute Phone Mute.
 */
const ABSOLUTE_MUTE = `05 0b 09 05 a1 01 85 02 15 00 25 01 75 01 09 20 09 97 09 2a 09 2f 95 04 81 02
  09 21 09 24 09 50 95 03 81 06 95 01 81 01 05 08 09 17 09 09 09 18 09 20 09 21 09 2a 95 06 91 02
  05 0b 09 9e 95 01 91 02 95 01 91 01 c0`;

/** Lets the call actions' promises settle (event-loop order, no timing). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A headset that records what is written to it; `send` delivers an input report. */
class FakePort implements HeadsetDevicePort {
  private readonly writes: string[] = [];
  private readonly reportListeners = new Set<(report: Uint8Array) => void>();
  private readonly closeListeners = new Set<() => void>();
  failure: 'throw' | 'reject' | null = null;
  closed = false;
  attempts = 0;

  constructor(readonly capabilities: CapabilityMap) {}

  write(report: Uint8Array): void | Promise<void> {
    this.attempts += 1;
    if (this.closed) throw new Error('HID device is closed');
    if (this.failure === 'throw') throw new Error('could not write to HID device');
    if (this.failure === 'reject') return Promise.reject(new Error('could not write to HID device'));
    this.writes.push(hexOf(report));
  }

  onReport(listener: (report: Uint8Array) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
  }

  send(...reports: string[]): void {
    for (const report of reports) for (const listener of [...this.reportListeners]) listener(bytes(report));
  }

  sendRaw(report: Uint8Array): void {
    for (const listener of [...this.reportListeners]) listener(report);
  }

  unplug(): void {
    this.closed = true;
    for (const listener of [...this.closeListeners]) listener();
  }

  get listening(): boolean {
    return this.reportListeners.size > 0;
  }

  /** The reports written since the last call, as hex. */
  take(): string[] {
    return this.writes.splice(0);
  }
}

function rig(map: CapabilityMap, options: Partial<Omit<HeadsetControllerOptions, 'calls' | 'log' | 'clock'>> = {}) {
  const clock = new FakeClock();
  const calls = new StateMachineCalls(clock);
  const records: LogRecord[] = [];
  const log = createLogger({ level: 'debug', write: (record) => records.push(record), now: () => new Date(0) });
  // The sequences below are presses an agent makes, each its own press; the fake clock does not
  // move between them unless a test says so. The debounce (50 ms by default) has tests of its own.
  const controller = new HeadsetController({ calls, log, clock, debounceMs: 0, ...options });
  const port = new FakePort(map);
  controller.attach(port);
  const problems = () =>
    records
      .filter((record) => record.level === 'warn' || record.level === 'error')
      .map(({ level, message, fields }) => ({ level, message, fields }));
  return { clock, calls, controller, port, records, problems };
}

/** A rig with one call answered from the device (hook up), its writes taken. */
async function inCall(map: CapabilityMap, hookUp: string) {
  const setup = rig(map);
  const id = setup.calls.ring();
  setup.port.send(hookUp);
  await settled();
  setup.port.take();
  setup.calls.actions.splice(0);
  return { ...setup, id };
}

describe('headset controller: Jabra BIZ 2400 II (report 2, relative Phone Mute)', () => {
  const JABRA = fixtureMap('jabra-biz-2400-ii');
  // Output report 2: Off-Hook 0x01, Mute 0x02, Ring 0x04, Hold 0x08, Microphone 0x10, Ringer 0x20.
  // Input report 2: Hook Switch 0x01 (absolute), Phone Mute 0x04, Flash 0x08, Redial 0x10 (relative).

  it('writes the full state when attached, then Ring and Ringer while a call rings', () => {
    const { port, calls } = rig(JABRA);
    expect(port.take()).toEqual(['02 00 00']);
    const id = calls.ring();
    expect(port.take()).toEqual(['02 24 00']);
    calls.apply(id, { type: 'cancelled' });
    expect(port.take()).toEqual(['02 00 00']);
  });

  it('a headset let go while a call rings (another chosen, switched off) is left dark and silent, then closed', () => {
    const { port, calls, controller } = rig(JABRA);
    port.take();
    calls.ring();
    expect(port.take()).toEqual(['02 24 00']);
    controller.detach();
    expect(port.take()).toEqual(['02 00 00']);
    expect(port.closed).toBe(true);
    expect(controller.attached).toBe(false);
  });

  it('a headset let go with nothing lit gets no extra write', () => {
    const { port, controller } = rig(JABRA);
    port.take();
    controller.detach();
    expect(port.take()).toEqual([]);
    expect(port.closed).toBe(true);
  });

  it('hook up answers at once with Off-Hook, and the Engage hook re-send 2 s later is no second answer', async () => {
    const { port, calls, clock } = rig(JABRA);
    port.take();
    const id = calls.ring();
    expect(port.take()).toEqual(['02 24 00']);

    // recordings.json, Jabra Engage 50: report 2 "01 00" when the Answer/End button is pressed.
    const [press] = recording('Jabra Engage 50');
    const hookUp = `${(press?.reportId ?? 0).toString(16).padStart(2, '0')} ${press?.dataHex ?? ''}`;
    expect(hookUp).toBe('02 01 00');
    port.send(hookUp);
    expect(calls.actions).toEqual([`answer ${id}`]);
    // Off-Hook is written before the answer completes (Off-Hook + Ring, the ringer stops).
    expect(port.take()).toEqual(['02 05 00']);
    await settled();
    expect(calls.get(id)?.phase).toBe('active');
    expect(port.take()).toEqual(['02 01 00']);

    // Without that echo the device would re-send the hook report after about 2 s: the same value.
    clock.advance(2000);
    port.send(hookUp);
    await settled();
    expect(calls.actions).toEqual([`answer ${id}`]);
    expect(port.take()).toEqual([]);
  });

  it('a bouncing hook (up, down, up within a few ms) answers once and hangs up nothing', async () => {
    const { port, calls, clock } = rig(JABRA, { debounceMs: 50 });
    port.take();
    const id = calls.ring();
    port.take();
    port.send('02 01 00');
    clock.advance(3);
    port.send('02 00 00');
    clock.advance(3);
    port.send('02 01 00');
    await settled();
    expect(calls.actions).toEqual([`answer ${id}`]);
    expect(calls.get(id)?.phase).toBe('active');
    expect(port.take()).toEqual(['02 05 00', '02 01 00']);
    // Later, hook down is the agent's: it hangs up.
    clock.advance(2000);
    port.send('02 00 00');
    await settled();
    expect(calls.actions).toEqual([`answer ${id}`, `hangup ${id}`]);
    expect(port.take()).toEqual(['02 00 00']);
  });

  it('hook down during a call hangs up and clears everything', async () => {
    const { port, calls, id } = await inCall(JABRA, '02 01 00');
    port.send('02 00 00');
    expect(calls.actions).toEqual([`hangup ${id}`]);
    expect(port.take()).toEqual(['02 00 00']);
    expect(calls.get(id)?.outcome).toBe('answered');
    await settled();
    expect(port.take()).toEqual([]);
  });

  it('a mute press right after the agent muted in the window is the agent unmuting, not the device refusing', async () => {
    const { port, calls, id, problems } = await inCall(JABRA, '02 01 00');
    // Muted from the window: the Mute and Microphone LEDs go on.
    calls.apply(id, { type: 'mute', muted: true });
    expect(port.take()).toEqual(['02 13 00']);
    // 0.2 s later the agent presses the headset's mute button (a pulse): unmuted, LEDs off.
    port.send('02 05 00', '02 01 00');
    expect(calls.actions).toEqual([`mute ${id} false`]);
    expect(calls.get(id)?.muted).toBe(false);
    expect(port.take()).toEqual(['02 01 00']);
    expect(problems()).toEqual([]);
  });

  it('hook up with nothing ringing is not acted upon: the device is put back on-hook', () => {
    const { port, calls, problems } = rig(JABRA);
    port.take();
    port.send('02 01 00');
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual(['02 00 00']);
    expect(problems()).toEqual([]);
  });

  it('ignores the device echoing an answer or hang-up made in the UI, within the echo window only', async () => {
    const { port, calls, clock } = rig(JABRA);
    port.take();
    const first = calls.ring();
    calls.apply(first, { type: 'answer' }); // the agent answers in the UI
    expect(port.take()).toEqual(['02 24 00', '02 01 00']);
    port.send('02 01 00'); // the device reports Hook Switch = 1 back
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual([]);

    // Call waiting: the Ring LED shows the second call, the ringer stays off.
    const second = calls.ring();
    expect(port.take()).toEqual(['02 05 00']);
    calls.apply(first, { type: 'hangup', by: 'local' }); // hung up in the UI: the second call now rings
    expect(port.take()).toEqual(['02 24 00']);
    // A late echo of the earlier Off-Hook must not answer the ringing call; the state is re-asserted.
    port.send('02 01 00');
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual(['02 24 00']);

    clock.advance(1000); // the window (1000 ms by default) has passed: hook up is the agent's again
    port.send('02 01 00');
    expect(calls.actions).toEqual([`answer ${second}`]);
    expect(port.take()).toEqual(['02 05 00']);
    await settled();
    expect(port.take()).toEqual(['02 01 00']);
  });

  it('the echo window is a constructor option', () => {
    const { port, calls, clock } = rig(JABRA, { echoWindowMs: 5000 });
    port.take();
    const first = calls.ring();
    calls.apply(first, { type: 'answer' });
    calls.ring();
    calls.apply(first, { type: 'hangup', by: 'local' });
    port.take();
    clock.advance(4999);
    port.send('02 01 00');
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual(['02 24 00']);
  });

  it('a mute pulse toggles mute both ways, and the Mute and Microphone LEDs answer it', async () => {
    const { port, calls, id } = await inCall(JABRA, '02 01 00');
    // recordings.json (WebHID issue 72): Phone Mute value 1 then value 0, the host answers with the LED.
    expect(recording('models not stated')[0]).toMatchObject({ sequence: 'Phone Mute value 1 then value 0' });
    port.send('02 05 00', '02 01 00');
    expect(calls.actions).toEqual([`mute ${id} true`]);
    expect(calls.get(id)?.muted).toBe(true);
    expect(port.take()).toEqual(['02 13 00']);

    port.send('02 05 00', '02 01 00');
    expect(calls.actions).toEqual([`mute ${id} true`, `mute ${id} false`]);
    expect(calls.get(id)?.muted).toBe(false);
    expect(port.take()).toEqual(['02 01 00']);

    calls.apply(id, { type: 'mute', muted: true }); // muted in the UI
    expect(port.take()).toEqual(['02 13 00']);
  });

  it('a mute pulse with no call re-asserts the state and mutes nothing', () => {
    const { port, calls } = rig(JABRA);
    port.take();
    port.send('02 04 00', '02 00 00');
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual(['02 00 00']);
  });

  it('a call waiting rings on the Ring LED only; Flash answers it, holding the conversation', async () => {
    const { port, calls, id } = await inCall(JABRA, '02 01 00');
    const waiting = calls.ring();
    expect(port.take()).toEqual(['02 05 00']);
    port.send('02 09 00', '02 01 00');
    expect(calls.actions).toEqual([`answer ${waiting}`]);
    await settled();
    expect(calls.get(id)?.held).toBe(true);
    expect(calls.get(waiting)?.phase).toBe('active');
    // The call manager holds the first call, then answers: the Hold LED shows the moment between.
    expect(port.take()).toEqual(['02 0d 00', '02 01 00']);
  });

  it('a failed answer takes Off-Hook back: the call rings on, nothing is stuck', async () => {
    const { port, calls, problems } = rig(JABRA);
    port.take();
    calls.ring();
    port.take();
    calls.failNext = new AppError('unavailable', 'The call could not be answered.');
    port.send('02 01 00');
    expect(port.take()).toEqual(['02 05 00']);
    await settled();
    expect(port.take()).toEqual(['02 24 00']);
    expect(problems()).toEqual([
      { level: 'warn', message: 'headset call action failed', fields: { action: 'answer', error: 'unavailable' } },
    ]);
  });

  it('logs reports with an unknown ID or the wrong length once per kind, ignores them and carries on', async () => {
    const { port, calls, problems } = rig(JABRA);
    port.take();
    port.send('07 01 00', '09 01 00', '02 01', '02 01', '');
    port.sendRaw(new Uint8Array(65).fill(2));
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual([]);
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset report ignored',
        fields: { problem: 'unknown_report_id', reportId: 7, length: 3 },
      },
      { level: 'warn', message: 'headset report ignored', fields: { problem: 'wrong_length', reportId: 2, length: 2 } },
      {
        level: 'warn',
        message: 'headset report ignored',
        fields: { problem: 'empty_report', reportId: null, length: 0 },
      },
    ]);
    // Not stuck: the next good report acts.
    const id = calls.ring();
    port.send('02 01 00');
    expect(calls.actions).toEqual([`answer ${id}`]);
    await settled();
    expect(port.take()).toEqual(['02 24 00', '02 05 00', '02 01 00']);
  });
});

describe('headset controller: the recorded Teams answer sequence', () => {
  const TEAMS = hexMap(TEAMS_STYLE);

  it('Ring → (hook) → Off-Hook + Ring → Off-Hook, byte for byte as recorded', async () => {
    const { port, calls } = rig(TEAMS);
    expect(port.take()).toEqual(['04 00']);
    const sequence = recording('Microsoft Teams');
    const id = calls.ring();
    for (const step of sequence) if (step.dir === 'device->host') port.send(step.hex ?? '');
    await settled();
    expect(port.take()).toEqual(sequence.filter((step) => step.dir === 'host->device').map((step) => step.hex));
    // "02 03" also carries Redial: with a call ringing it dials nothing.
    expect(calls.actions).toEqual([`answer ${id}`]);
  });

  it('a momentary (relative) hook button: each press flips the hook; echoes of UI actions are ignored', async () => {
    const { port, calls, clock } = rig(TEAMS);
    port.take();
    const first = calls.ring();
    calls.apply(first, { type: 'answer' });
    expect(port.take()).toEqual(['04 04', '04 01']);
    port.send('02 01', '02 00'); // the device acknowledges Off-Hook with a press: not a hang-up
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual(['04 01']); // taken as an echo, answered with the state

    expect(calls.get(first)?.phase).toBe('active');

    clock.advance(1000);
    port.send('02 01', '02 00'); // the agent presses: hang up
    expect(calls.actions).toEqual([`hangup ${first}`]);
    expect(port.take()).toEqual(['04 00']);

    const second = calls.ring();
    port.send('02 01', '02 00'); // press again: answer
    await settled();
    expect(calls.actions).toEqual([`hangup ${first}`, `answer ${second}`]);
    expect(port.take()).toEqual(['04 04', '04 05', '04 01']);
  });
});

describe('headset controller: Poly BT700 (each LED in its own report, absolute Flash)', () => {
  const BT700 = fixtureMap('poly-bt700');
  // Output reports: 0x21 Ring, 0x23 Mute, 0x24 Off-Hook, 0x25 Hold (one bit each).
  // Input report 0x20: Hook 0x01 (absolute), Phone Mute 0x02 (relative), Flash 0x04 (absolute), Redial 0x08.

  it('writes each LED report once, and only the report whose LED changed', async () => {
    const { port, calls } = rig(BT700);
    expect(port.take()).toEqual(['21 00', '23 00', '24 00', '25 00']);
    const id = calls.ring();
    expect(port.take()).toEqual(['21 01']);
    port.send('20 01');
    expect(port.take()).toEqual(['24 01']);
    await settled();
    expect(port.take()).toEqual(['21 00']);
    // While off-hook the device keeps Hook = 1 in every report: mute pulses carry it.
    port.send('20 03', '20 01');
    expect(calls.actions).toEqual([`answer ${id}`, `mute ${id} true`]);
    expect(port.take()).toEqual(['23 01']);
    port.send('20 03', '20 01');
    expect(port.take()).toEqual(['23 00']);
  });

  it('Flash holds and resumes; Off-Hook is kept during hold', async () => {
    const { port, calls, id } = await inCall(BT700, '20 01');
    port.send('20 05', '20 01');
    await settled();
    expect(calls.get(id)?.held).toBe(true);
    expect(port.take()).toEqual(['25 01']);
    // The absolute Flash repeating its pressed value is no second press.
    port.send('20 05', '20 05');
    await settled();
    expect(calls.actions).toEqual([`hold ${id} true`, `hold ${id} false`]);
    expect(calls.get(id)?.held).toBe(false);
    expect(port.take()).toEqual(['25 00']);
  });

  it('a bouncing Flash (1-0-1 within the debounce) holds once; the next press 50 ms on resumes', async () => {
    const { port, calls, clock, id } = await (async () => {
      const setup = rig(BT700, { debounceMs: 50 });
      const callId = setup.calls.ring();
      setup.port.send('20 01');
      await settled();
      setup.port.take();
      setup.calls.actions.splice(0);
      return { ...setup, id: callId };
    })();
    clock.advance(1000);
    port.send('20 05');
    clock.advance(2);
    port.send('20 01');
    clock.advance(2);
    port.send('20 05');
    clock.advance(30);
    port.send('20 01');
    await settled();
    expect(calls.actions).toEqual([`hold ${id} true`]);
    expect(port.take()).toEqual(['25 01']);
    clock.advance(50);
    port.send('20 05');
    await settled();
    expect(calls.actions).toEqual([`hold ${id} true`, `hold ${id} false`]);
    expect(port.take()).toEqual(['25 00']);
  });

  it('Flash answers a waiting call, then swaps between the two calls', async () => {
    const { port, calls, id: first } = await inCall(BT700, '20 01');
    const second = calls.ring();
    expect(port.take()).toEqual(['21 01']);
    port.send('20 05', '20 01');
    await settled();
    // The call manager holds the first call, then answers: the Hold LED shows the moment between.
    expect(calls.actions).toEqual([`answer ${second}`]);
    expect(port.take()).toEqual(['25 01', '21 00', '25 00']);

    port.send('20 05', '20 01');
    await settled();
    expect(calls.actions).toEqual([`answer ${second}`, `hold ${second} true`, `hold ${first} false`]);
    expect(calls.get(first)?.held).toBe(false);
    expect(calls.get(second)?.held).toBe(true);
    expect(port.take()).toEqual(['25 01', '25 00']);

    // Hook down ends the call talking; the held one stays, so the device is put back off-hook.
    port.send('20 00');
    expect(calls.actions.at(-1)).toBe(`hangup ${first}`);
    await settled();
    expect(port.take()).toEqual(['25 01', '21 00', '23 00', '24 01']);
  });
});

describe('headset controller: Poly Blackwire C5220 (LEDs in five reports, On-Line)', () => {
  const C5220 = fixtureMap('poly-blackwire-c5220');
  // Output reports: 0x09 Mute, 0x17 Off-Hook, 0x18 Ring, 0x20 Hold, 0x2A On-Line. Input 0x08: Mute 0x01, Hook 0x02.

  it('unplugged during a call: the call goes on; a new port gets the full state at once', async () => {
    const { port, calls, controller, records, clock } = rig(C5220);
    expect(port.take()).toEqual(['09 00', '17 00', '18 00', '20 00', '2a 00']);
    const id = calls.ring();
    expect(port.take()).toEqual(['18 01']);
    port.send('08 02');
    expect(port.take()).toEqual(['17 01']);
    await settled();
    expect(port.take()).toEqual(['18 00', '2a 01']);

    port.unplug();
    expect(controller.attached).toBe(false);
    expect(port.listening).toBe(false);
    calls.apply(id, { type: 'mute', muted: true });
    expect(calls.get(id)?.phase).toBe('active');
    expect(records.filter((record) => record.message.startsWith('headset gone'))).toHaveLength(1);

    const replugged = new FakePort(C5220);
    controller.attach(replugged);
    expect(replugged.take()).toEqual(['09 01', '17 01', '18 00', '20 00', '2a 01']);
    // The full write opened the echo window; a mute pulse inside it would count as the device disagreeing.
    clock.advance(1000);
    replugged.send('08 03', '08 02'); // unmute from the device
    expect(calls.get(id)?.muted).toBe(false);
    expect(replugged.take()).toEqual(['09 00']);
  });
});

describe('headset controller: EPOS IMPACT D1 (Button array in the input report, Drop)', () => {
  const D1 = fixtureMap('epos-impact-d1');
  // Output report 3: Off-Hook 0x01, Microphone 0x02, Ring 0x04, Mute 0x08, On-Line 0x10, Hold 0x20.
  // Input report 2: Hook 0x01, Flash 0x02, Redial 0x04, Phone Mute 0x08, Drop 0x10, Button array 0x20.

  it('an element of the Button array is no telephony control; the hook beside it is', async () => {
    const { port, calls } = rig(D1);
    expect(port.take()).toEqual(['03 00']);
    const id = calls.ring();
    expect(port.take()).toEqual(['03 04']);
    port.send('02 20', '02 00');
    expect(calls.actions).toEqual([]);
    expect(port.take()).toEqual([]);
    port.send('02 21');
    expect(calls.actions).toEqual([`answer ${id}`]);
    await settled();
    expect(port.take()).toEqual(['03 05', '03 11']);
    port.send('02 29', '02 01');
    expect(port.take()).toEqual(['03 1b']);
  });

  it('Drop rejects a ringing call with 486 and hangs up an active one', async () => {
    const { port, calls } = rig(D1);
    port.take();
    const ringing = calls.ring();
    port.take();
    port.send('02 10', '02 00');
    expect(calls.actions).toEqual([`reject ${ringing} 486`]);
    expect(calls.get(ringing)?.endStatus).toBe(486);
    expect(port.take()).toEqual(['03 00']);

    const answered = calls.ring();
    port.send('02 01');
    await settled();
    port.take();
    port.send('02 11', '02 00');
    expect(calls.actions).toEqual([`reject ${ringing} 486`, `answer ${answered}`, `hangup ${answered}`]);
    expect(port.take()).toEqual(['03 00']);
  });

  it('Drop with a call waiting rejects the waiting call and keeps the conversation', async () => {
    const { port, calls, id } = await inCall(D1, '02 01');
    const waiting = calls.ring();
    expect(port.take()).toEqual(['03 15']);
    port.send('02 11', '02 01');
    expect(calls.actions).toEqual([`reject ${waiting} 486`]);
    expect(calls.get(id)?.phase).toBe('active');
    expect(port.take()).toEqual(['03 11']);
  });

  it('a write that rejects marks the device gone once; the calls go on', async () => {
    const { port, calls, controller, problems } = rig(D1);
    port.take();
    port.failure = 'reject';
    const id = calls.ring();
    await settled();
    expect(controller.attached).toBe(false);
    calls.apply(id, { type: 'answer' });
    expect(port.attempts).toBe(2);
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset failed; marked gone, the calls go on without it',
        fields: { problem: 'write_failed', error: 'Error' },
      },
    ]);
  });
});

describe('headset controller: Sennheiser SC 660 (one LED report, Redial, Drop)', () => {
  const SC660 = fixtureMap('sennheiser-sc660-anc-usb');
  // Output report 9: Mute 0x01, Off-Hook 0x02, Ring 0x04, Microphone 0x08, On-Line 0x10, Hold 0x20.
  // Input report 8: Phone Mute 0x01, Hook 0x02, Redial 0x04, Flash 0x08, Drop 0x10.

  it('Redial dials the last number of an outgoing call again, never logging it', async () => {
    const { port, calls, records } = rig(SC660);
    port.take();
    port.send('08 04', '08 00');
    expect(calls.actions).toEqual([]); // nothing dialled yet

    const out = calls.place('030 1234567');
    expect(port.take()).toEqual(['09 02']);
    calls.apply(out, { type: 'accepted' });
    expect(port.take()).toEqual(['09 12']);
    port.send('08 06', '08 02'); // Redial during a call does nothing
    calls.apply(out, { type: 'hangup', by: 'remote' });
    expect(port.take()).toEqual(['09 00']);

    port.send('08 04');
    expect(calls.actions).toEqual(['dial 030 1234567']);
    expect(port.take()).toEqual(['09 02']);
    // The release still says on-hook (sent before our Off-Hook arrived): the state is re-asserted.
    port.send('08 00');
    expect(port.take()).toEqual(['09 02']);
    await settled();
    expect(JSON.stringify(records)).not.toContain('1234567');
  });

  it('a write that throws: the device is gone, logged once, no throw; attach brings the LEDs back', async () => {
    const { port, calls, controller, problems, id } = await inCall(SC660, '08 02');
    const attempts = port.attempts;
    port.failure = 'throw';
    port.send('08 03', '08 02'); // mute: the LED write throws
    expect(calls.get(id)?.muted).toBe(true);
    expect(controller.attached).toBe(false);
    expect(port.closed).toBe(true);
    calls.apply(id, { type: 'mute', muted: false });
    calls.apply(id, { type: 'mute', muted: true });
    expect(port.attempts).toBe(attempts + 1); // only the write that threw
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset failed; marked gone, the calls go on without it',
        fields: { problem: 'write_failed', error: 'Error' },
      },
    ]);

    const next = new FakePort(SC660);
    controller.attach(next);
    expect(next.take()).toEqual(['09 1b']);
  });
});

describe('headset controller: absolute Phone Mute and mute lock (Gigaset layout)', () => {
  const SWITCH = hexMap(ABSOLUTE_MUTE);
  // Output report 2: Off-Hook 0x01, Mute 0x02, Ring 0x04, Hold 0x08, Microphone 0x10, On-Line 0x20, Ringer 0x40.
  // Input report 2: Hook 0x01, Phone Mute 0x08 (absolute).

  it('follows the device’s mute value; a repeated value is no second change', async () => {
    const { port, calls } = rig(SWITCH);
    expect(port.take()).toEqual(['02 00']);
    const id = calls.ring();
    expect(port.take()).toEqual(['02 44']);
    port.send('02 01');
    await settled();
    expect(port.take()).toEqual(['02 05', '02 21']);
    port.send('02 09', '02 09');
    expect(calls.actions).toEqual([`answer ${id}`, `mute ${id} true`]);
    expect(port.take()).toEqual(['02 33']);
    port.send('02 01');
    expect(calls.actions.at(-1)).toBe(`mute ${id} false`);
    expect(port.take()).toEqual(['02 21']);
  });

  it('mute lock: re-asserts the app’s unmute twice, then the call follows the device, logged once', async () => {
    const { port, calls, clock, problems, id } = await inCall(SWITCH, '02 01');
    port.send('02 09');
    expect(port.take()).toEqual(['02 33']);
    calls.actions.splice(0);

    clock.advance(5000);
    calls.apply(id, { type: 'mute', muted: false }); // the agent unmutes in the UI
    expect(port.take()).toEqual(['02 21']);
    port.send('02 09'); // the device keeps its microphone muted
    clock.advance(100);
    expect(port.take()).toEqual(['02 21']);
    port.send('02 09');
    clock.advance(100);
    expect(port.take()).toEqual(['02 21']);
    expect(calls.actions).toEqual([]);
    port.send('02 09'); // third time: follow the device
    expect(calls.actions).toEqual([`mute ${id} true`]);
    expect(port.take()).toEqual(['02 33']);
    expect(problems()).toEqual([
      {
        level: 'warn',
        message: 'headset does not take the app’s mute state; the call follows the device',
        fields: { attempts: 3, muted: true },
      },
    ]);

    // Once more, later: the lock is followed again, the log stays quiet.
    clock.advance(20_000);
    calls.apply(id, { type: 'mute', muted: false });
    port.send('02 09', '02 09', '02 09');
    expect(calls.actions).toEqual([`mute ${id} true`, `mute ${id} true`]);
    expect(problems()).toHaveLength(1);
  });

  it('a mute change on the device after the echo window is the agent’s and followed at once', async () => {
    const { port, calls, clock, id } = await inCall(SWITCH, '02 01');
    calls.apply(id, { type: 'mute', muted: true });
    expect(port.take()).toEqual(['02 33']);
    clock.advance(1000);
    port.send('02 01'); // the device (switch) says unmuted
    expect(calls.actions).toEqual([`mute ${id} false`]);
    expect(port.take()).toEqual(['02 21']);
  });
});

describe('headset controller: fuzz', () => {
  const prng = seededRandom;

  const DEVICES = [
    'jabra-biz-2400-ii',
    'jabra-evolve-link-ms',
    'poly-bt700',
    'poly-blackwire-c5220',
    'epos-impact-d1',
    'sennheiser-sc660-anc-usb',
    'logitech-g535',
  ];

  it.each(DEVICES)(
    '%s: random reports and call events never throw, every write is a declared output report',
    async (name) => {
      const map = fixtureMap(name);
      const random = prng(0x4ead5e7 + name.length);
      const { port, calls, clock, controller, records } = rig(map);
      let current = port;
      const written: string[] = [];
      const ids = [...map.inputReportLengths.keys()];
      for (let step = 0; step < 600; step += 1) {
        const roll = random.next();
        if (roll < 0.7) {
          const id = random.next() < 0.9 ? random.pick(ids) : random.int(256);
          const expected = map.inputReportLengths.get(id) ?? 3;
          const length = random.next() < 0.85 ? expected : random.int(70);
          const report = Uint8Array.from({ length }, (_, index) =>
            index === 0 && map.usesReportIds ? id : random.next() < 0.6 ? 0 : random.int(256),
          );
          expect(() => current.sendRaw(report)).not.toThrow();
        } else if (roll < 0.8) {
          calls.ring();
        } else if (roll < 0.88) {
          const call = random.pick(calls.list());
          const event = random.pick<CallEvent>([
            { type: 'answer' },
            { type: 'hangup', by: 'remote' },
            { type: 'cancelled' },
            { type: 'mute', muted: random.next() < 0.5 },
            { type: 'accepted' },
          ]);
          if (call !== undefined && transition(call, event, clock.now()).ok) calls.apply(call.id, event);
        } else if (roll < 0.95) {
          clock.advance(random.int(3000));
        } else if (roll < 0.97) {
          written.push(...current.take());
          current.failure = random.pick(['throw', 'reject', null] as const);
        } else {
          written.push(...current.take());
          current = new FakePort(map);
          controller.attach(current);
        }
        if (step % 25 === 0) await settled();
      }
      await settled();
      written.push(...current.take());
      for (const hex of written) {
        const report = bytes(hex);
        const id = map.usesReportIds ? (report[0] ?? -1) : 0;
        expect(map.outputReportLengths.get(id)).toBe(report.length);
      }
      expect(records.filter((record) => record.level === 'error')).toEqual([]);
      // The run reached the interesting parts: the device acted on calls and LEDs were written.
      if (map.callControl) expect(calls.actions.length).toBeGreaterThan(5);
      if (Object.keys(map.outputs).length > 0) expect(written.length).toBeGreaterThan(10);
    },
  );
});
