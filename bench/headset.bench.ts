import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { buildCapabilityMap, decodeInputReport } from '../src/main/headset/capabilities';
import { HeadsetController, type CallControl, type HeadsetDevicePort } from '../src/main/headset/controller';
import { parseReportDescriptor } from '../src/main/headset/descriptor';
import { fixtureDescriptor, parseHeadsetFixture } from '../src/main/headset/fixture';
import { silentLogger } from '../src/main/core/log';
import { newInboundCall, transition } from '../src/main/telephony/call-state';
import type { CallSnapshot } from '../src/shared/calls';
import { figures, measure, printFigures, printMachine } from './measure';

/**
 * Headset input: how many input reports the decoder takes per second (the real Jabra BIZ 2400 II
 * layout), and how long a hook-switch report takes from the device port to the call action at the
 * call manager's door (answer), inside the process: decode, controller state, the action call.
 * No USB here: the device is a port fed in memory; node-hid's own read path is not measured.
 */
function jabra() {
  const parsed = parseHeadsetFixture(
    readFileSync(join(process.cwd(), 'test', 'fixtures', 'headsets', 'jabra-biz-2400-ii.json'), 'utf8'),
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return buildCapabilityMap(parseReportDescriptor(fixtureDescriptor(parsed.value)));
}

it('headset input', async () => {
  printMachine('Headset: input report decoding and hook switch → answer inside the process (Jabra BIZ 2400 II layout)');
  const map = jabra();
  const reports = [Uint8Array.of(2, 1, 0), Uint8Array.of(2, 0, 0), Uint8Array.of(2, 4, 0), Uint8Array.of(2, 0, 0)];
  let index = 0;
  const decode = await measure(
    'decode one input report',
    () => {
      index = (index + 1) % reports.length;
      const reading = decodeInputReport(map, reports[index]!);
      if (!reading.ok) throw new Error(reading.error.message);
    },
    { iterations: 200_000, warmup: 10_000 },
  );

  // Calls as the call manager keeps them (the real state machine); answer is where the time stops.
  const listeners = new Set<(call: CallSnapshot) => void>();
  const calls = new Map<string, CallSnapshot>();
  let answered: (() => void) | null = null;
  const publish = (call: CallSnapshot): void => {
    if (call.phase === 'ended') calls.delete(call.id);
    else calls.set(call.id, call);
    for (const listener of [...listeners]) listener(call);
  };
  const control: CallControl = {
    answer: async (callId) => {
      answered?.();
      const result = transition(calls.get(callId)!, { type: 'answer' }, Date.now());
      if (!result.ok) throw new Error(result.reason);
      publish(result.state);
      return result.state;
    },
    reject: async () => {
      throw new Error('not in this bench');
    },
    hangup: async (callId) => {
      const result = transition(calls.get(callId)!, { type: 'hangup', by: 'local' }, Date.now());
      if (!result.ok) throw new Error(result.reason);
      publish(result.state);
      return result.state;
    },
    hold: async () => {
      throw new Error('not in this bench');
    },
    mute: () => {
      throw new Error('not in this bench');
    },
    dial: async () => {
      throw new Error('not in this bench');
    },
    list: () => [...calls.values()],
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const reportListeners = new Set<(report: Uint8Array) => void>();
  const port: HeadsetDevicePort = {
    capabilities: map,
    write: () => undefined,
    onReport: (listener) => {
      reportListeners.add(listener);
      return () => reportListeners.delete(listener);
    },
    onClose: () => () => undefined,
    close: () => undefined,
  };
  let now = 1_700_000_000_000;
  // Each round is seconds apart on the controller's clock: no report counts as an echo.
  const controller = new HeadsetController({ calls: control, log: silentLogger(), clock: { now: () => now } });
  controller.attach(port);
  const samples: number[] = [];
  for (let round = 1; round <= 2_200; round += 1) {
    now += 5_000;
    publish(newInboundCall(`call-${round}`, { number: '+4930123456', name: null, anonymous: false }, now));
    now += 5_000;
    const reached = new Promise<void>((resolve) => (answered = resolve));
    const started = performance.now();
    for (const listener of [...reportListeners]) listener(Uint8Array.of(2, 1, 0));
    await reached;
    // The first 200 rounds warm up.
    if (round > 200) samples.push(performance.now() - started);
    now += 5_000;
    for (const listener of [...reportListeners]) listener(Uint8Array.of(2, 0, 0));
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (calls.size > 0) throw new Error('the hook-down report did not end the call');
  }
  const hookToAnswer = figures('hook switch report → answer at the call manager', samples);
  controller.dispose();
  printFigures([decode, hookToAnswer]);
});
