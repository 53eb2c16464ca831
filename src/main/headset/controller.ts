/**
 * The headset controller: main mirrors the calls to the device (LEDs, ringer) and the device's
 * buttons to the calls. It talks to the device through a `HeadsetDevicePort` (the node-hid adapter
 * in the app, a fake in tests) and to the calls through `CallControl` (the call manager), so it
 * holds no I/O of its own; time comes from an injected clock.
 *
 * Out (see call-mirror.ts for the state): every output report is rebuilt from the full state and
 * written only when its bytes changed since the last write to this device; attaching a device
 * writes every report at once.
 *
 * In (each input report is decoded through `decodeInputReport`; a report of the wrong length or
 * with an unknown ID is logged once per kind and ignored):
 * - Hook Switch up while a call rings answers the oldest ringing call, and Off-Hook is written at
 *   once (Jabra re-sends the hook report after about 2 s otherwise); down hangs up the current call.
 *   An absolute hook is a state (a repeat of the value the device already has is no event); a
 *   relative one is a momentary button, each press flips the hook.
 * - A hook change not acted upon (up with nothing ringing, down with another call still held)
 *   re-asserts the full state, so the device does not stay out of step.
 * - After the app changed Off-Hook on its own (answered or hung up in the UI, remote hang-up),
 *   hook reports are ignored for `echoWindowMs` (default 1000 ms): some devices echo our write back
 *   as a hook change. A report that disagrees with the state is answered with the full state.
 * - Phone Mute: relative (a pulse per press) toggles the current call's mute; absolute follows the
 *   device's value on each change. With no connected call the state is re-asserted.
 * - Mute lock: a mute report that contradicts a mute state the app wrote within the echo window
 *   means the device did not take it; the state is re-asserted, up to `muteLock.attempts` times
 *   within `muteLock.windowMs` (default 3 in 10 s). Then the call follows the device (a locked
 *   mute mutes the call) and this is logged once: fighting a mute lock forever would flash the
 *   LED and leave the agent unsure whether the caller hears them.
 * - Flash: with a call waiting, answers it (the call manager holds the current call first);
 *   with a call talking and one held, swaps them (hold, then resume); else toggles hold. The
 *   Telephony Hold button toggles hold of the current call.
 * - Drop or a Programmable Button: rejects a ringing call with 486 Busy Here, as the UI's Reject
 *   does (the PBX may offer the call to another agent; 603 would decline it for all), and with
 *   none ringing hangs up the current call. With a call waiting it rejects the waiting call and
 *   keeps the conversation: ending a caller's conversation by accident is the worse mistake.
 * - Redial, with no call in progress, dials again the last number of an outgoing call seen.
 * - A button (relative or absolute) acts on its press: a report repeating the pressed value is
 *   not a second press. A control whose value changes again within `debounceMs` (default 50 ms)
 *   of its last change bounces: that change is ignored, so 1-0-1 is one press, not two. Volume and the Consumer Mute are left to the operating system.
 *
 * The live test in Settings (`testOutput`) shows outputs on while no call is in progress; they go
 * off by themselves `testTimeoutMs` (15 s) after the last change, when a call starts, or when the
 * device goes. Every change of the test's outputs is told (`onTestChange`), so the view stays true.
 *
 * A device that fails a write or closes is marked gone (logged once); the calls go on, and
 * `attach` of a new port writes the full state again (a write of our own: the echo windows open). The log carries codes, counts and report
 * IDs, never numbers or names.
 */
import type { CallSnapshot } from '../../shared/calls';
import { AppError } from '../../shared/result';
import type { Logger, LogFields } from '../core/log';
import type { Clock } from '../core/clock';
import {
  buildOutputReports,
  decodeInputReport,
  type CapabilityMap,
  type InputName,
  type OutputName,
  type OutputState,
} from './capabilities';
import { outputStateFor, pictureOf, type CallPicture, type PendingActions } from './call-mirror';
import { Emitter } from '../../shared/emitter';

/** An agent's Reject from the headset, as from the UI: 486 Busy Here. */
export const HEADSET_REJECT_STATUS = 486;
export const DEFAULT_ECHO_WINDOW_MS = 1000;
/** Contact bounce: a control changing again this soon after its last change is not the agent. */
export const DEFAULT_DEBOUNCE_MS = 50;
export const DEFAULT_MUTE_LOCK: MuteLockOptions = { attempts: 3, windowMs: 10_000 };
/** The live test's lights and ringer go off by themselves this long after the last change. */
export const DEFAULT_TEST_TIMEOUT_MS = 15_000;

/** setTimeout and clearTimeout, injectable so tests run the live test's time-out themselves. */
export interface TimeoutTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimeouts: TimeoutTimers = {
  setTimeout: (run, ms) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type CallResult = Promise<CallSnapshot> | CallSnapshot;

/** The call actions the controller needs (the call manager has them); each may throw or reject. */
/** Every light and the ringer off: what a device is left with when it is let go. */
const LIGHTS_OUT: OutputState = {
  ledOffHook: false,
  ledRing: false,
  ledMute: false,
  ledHold: false,
  ledMicrophone: false,
  ledOnLine: false,
  ringer: false,
};

export interface CallControl {
  answer(callId: string): CallResult;
  reject(callId: string, status: 486 | 603): CallResult;
  hangup(callId: string): CallResult;
  hold(callId: string, held: boolean): CallResult;
  mute(callId: string, muted: boolean): CallResult;
  dial(target: string): CallResult;
  /** The calls not yet ended. */
  list(): readonly CallSnapshot[];
  onChange(listener: (call: CallSnapshot) => void): () => void;
}

/** One opened headset, as the node-hid adapter (or a test's fake) provides it. */
export interface HeadsetDevicePort {
  readonly capabilities: CapabilityMap;
  /** Writes one output report (the report ID first when the device uses IDs); throws or rejects when the device is gone. */
  write(report: Uint8Array): void | Promise<void>;
  /** Input reports as the device sends them; returns the unsubscribe function. */
  onReport(listener: (report: Uint8Array) => void): () => void;
  /** The device went away (unplugged, read error); returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  close(): void;
}

export interface MuteLockOptions {
  /** Re-assertions of the app's mute state before the call follows the device. */
  readonly attempts: number;
  /** Within this time (ms). */
  readonly windowMs: number;
}

export interface HeadsetControllerOptions {
  readonly calls: CallControl;
  readonly log: Logger;
  readonly clock: Clock;
  /** How long after the app changed Off-Hook (or Mute) itself the device's reports count as echoes. */
  readonly echoWindowMs?: number;
  /** A change of one control within this time (ms) of its previous change is a bounce and ignored. */
  readonly debounceMs?: number;
  readonly muteLock?: MuteLockOptions;
  /** How long the live test's outputs stay on without a change (default 15 s). */
  readonly testTimeoutMs?: number;
  readonly timers?: TimeoutTimers;
}

type ActionName = 'answer' | 'reject' | 'hangup' | 'hold' | 'resume' | 'swap' | 'mute' | 'dial';

interface AttachedDevice {
  readonly port: HeadsetDevicePort;
  readonly map: CapabilityMap;
  readonly unsubscribe: (() => void)[];
  /** The bytes last written, by output report ID. */
  readonly written: Map<number, string>;
  /** The last value of each input control, to find presses. */
  readonly lastInput: Map<InputName, number>;
  /** When each control last changed in a way that was acted upon (for the debounce). */
  readonly lastChange: Map<InputName, number>;
  /** Off-Hook as the device has it: from its reports, and from our writes when it has the LED. */
  hook: boolean;
  /** Mute as the device has it, the same way. */
  mute: boolean;
  hookEchoUntil: number;
  muteEchoUntil: number;
  /** When the device contradicted the app's mute state lately. */
  muteRefusals: number[];
}

/** Input controls in the order one report's values are handled: the hook before the buttons. */
const HANDLED_INPUTS = [
  'hookSwitch',
  'phoneMute',
  'flash',
  'hold',
  'drop',
  'programmableButton',
  'redial',
] as const satisfies readonly InputName[];

export class HeadsetController {
  private readonly calls: CallControl;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly echoWindowMs: number;
  private readonly debounceMs: number;
  private readonly muteLock: MuteLockOptions;
  private readonly stopCalls: () => void;

  private readonly answering = new Set<string>();
  private readonly ending = new Set<string>();
  private muting: { callId: string; muted: boolean } | null = null;
  /** Kept in memory only, never logged. */
  private lastDialled: string | null = null;

  private device: AttachedDevice | null = null;
  private readonly logged = new Set<string>();
  private readonly queue: { device: AttachedDevice; report: unknown }[] = [];
  private processing = false;
  /** While one input report is handled: the reports written for it, and whether it asks for the full state. */
  private round: Set<number> | null = null;
  private reassert = false;
  /** Outputs the live test in Settings turned on (only while no call is in progress). */
  private readonly testOutputs = new Set<OutputName>();
  private readonly testListeners = new Emitter<[outputs: readonly OutputName[]]>({
    onListenerError: (error) =>
      this.logOnce('test_listener', 'error', 'a headset test listener failed', { error: errorName(error) }),
  });
  private readonly testTimeoutMs: number;
  private readonly timers: TimeoutTimers;
  private testTimer: unknown = null;

  constructor(options: HeadsetControllerOptions) {
    this.calls = options.calls;
    this.log = options.log;
    this.clock = options.clock;
    this.echoWindowMs = options.echoWindowMs ?? DEFAULT_ECHO_WINDOW_MS;
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.muteLock = options.muteLock ?? DEFAULT_MUTE_LOCK;
    this.testTimeoutMs = options.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
    this.timers = options.timers ?? systemTimeouts;
    for (const call of this.calls.list()) this.remember(call);
    this.stopCalls = this.calls.onChange((call) => this.onCall(call));
  }

  get attached(): boolean {
    return this.device !== null;
  }

  /** What the device should show now. */
  outputState(): OutputState {
    const state = outputStateFor(this.picture(), this.pending());
    for (const name of this.testOutputs) state[name] = true;
    return state;
  }

  /**
   * The live test in Settings: turns one output of the attached device on, or back off. Refused
   * (false, nothing changes) with no device attached or while a call is in progress; a call that
   * starts ends the test, so the device shows the calls again.
   */
  testOutput(name: OutputName, on: boolean): boolean {
    if (this.device === null || this.calls.list().length > 0) return false;
    if (on) this.testOutputs.add(name);
    else this.testOutputs.delete(name);
    this.stopTestTimer();
    // Left on (the agent went away from Settings): off by itself after a while.
    if (this.testOutputs.size > 0)
      this.testTimer = this.timers.setTimeout(() => {
        this.testTimer = null;
        this.guarded(() => {
          this.endTest();
          this.settle(false);
        });
      }, this.testTimeoutMs);
    this.settle(false);
    this.publishTest();
    return true;
  }

  /** The outputs the live test has on now. */
  testing(): OutputName[] {
    return [...this.testOutputs];
  }

  /** Hears every change of the live test's outputs (turned on or off, timed out, ended by a call or a device change). */
  onTestChange(listener: (outputs: readonly OutputName[]) => void): () => void {
    return this.testListeners.on(listener);
  }

  /** Ends the live test (nothing written here: the caller settles). */
  private endTest(): void {
    this.stopTestTimer();
    if (this.testOutputs.size === 0) return;
    this.testOutputs.clear();
    this.publishTest();
  }

  private stopTestTimer(): void {
    if (this.testTimer === null) return;
    this.timers.clearTimeout(this.testTimer);
    this.testTimer = null;
  }

  private publishTest(): void {
    const outputs = this.testing();
    this.testListeners.emit(outputs);
  }

  /** Takes a newly opened device (replacing any other) and writes the full state to it at once. */
  attach(port: HeadsetDevicePort): void {
    this.detach();
    const device: AttachedDevice = {
      port,
      map: port.capabilities,
      unsubscribe: [],
      written: new Map(),
      lastInput: new Map(),
      lastChange: new Map(),
      hook: false,
      mute: false,
      hookEchoUntil: Number.NEGATIVE_INFINITY,
      muteEchoUntil: Number.NEGATIVE_INFINITY,
      muteRefusals: [],
    };
    this.device = device;
    this.logged.clear();
    this.endTest();
    try {
      device.unsubscribe.push(port.onReport((report) => this.receive(device, report)));
      device.unsubscribe.push(port.onClose(() => this.gone(device, 'closed', null)));
    } catch (error) {
      this.gone(device, 'subscribe_failed', error);
      return;
    }
    this.log.info('headset attached', {
      callControl: port.capabilities.callControl,
      outputs: Object.keys(port.capabilities.outputs).length,
    });
    this.sync(true);
  }

  /**
   * Lets the device go (the app chose another, it was switched off, or it shuts down); the calls
   * are not touched. Its lights and ringer are switched off first, so a headset let go in the middle
   * of a ringing call or a live test is not left ringing or off-hook.
   */
  detach(): void {
    const device = this.device;
    if (device === null) return;
    const off = buildOutputReports(device.map, LIGHTS_OUT);
    if (!this.release(device)) return;
    if (off.ok) {
      for (const report of off.value) {
        if (device.written.get(report.reportId) === toHex(report.bytes)) continue;
        try {
          const result = device.port.write(report.bytes);
          // Gone while letting it go: nothing more to do for it.
          if (isPromiseLike(result)) result.then(undefined, () => undefined);
        } catch {
          break;
        }
      }
    }
    closeQuietly(device.port);
  }

  dispose(): void {
    this.stopCalls();
    this.detach();
    this.stopTestTimer();
    this.testListeners.clear();
  }

  // ── calls → device ──────────────────────────────────────────────────────────────────────────

  private onCall(call: CallSnapshot): void {
    try {
      this.remember(call);
      if (call.phase !== 'ended') this.endTest();
      if (call.phase !== 'ringing') this.answering.delete(call.id);
      if (call.phase === 'ended') this.ending.delete(call.id);
      if (this.muting?.callId === call.id && (call.muted === this.muting.muted || call.phase === 'ended'))
        this.muting = null;
      if (this.round === null) this.settle(false);
      else this.sync(false);
    } catch (error) {
      this.logOnce('internal', 'error', 'headset controller failed on a call change', { error: errorName(error) });
    }
  }

  private remember(call: CallSnapshot): void {
    if (call.direction === 'outbound' && call.remote.number !== null && call.remote.number !== '')
      this.lastDialled = call.remote.number;
  }

  private pending(): PendingActions {
    return { answering: this.answering, ending: this.ending, muting: this.muting };
  }

  private picture(): CallPicture {
    return pictureOf(this.calls.list(), this.pending());
  }

  /** Writes the reports whose bytes changed; with `force`, every report (once per input report handled). */
  private sync(force: boolean): void {
    const device = this.device;
    if (device === null) return;
    const state = this.outputState();
    const built = buildOutputReports(device.map, state);
    if (!built.ok) {
      this.logOnce('output_not_built', 'warn', 'headset output report could not be built', {
        detail: built.error.message,
      });
      return;
    }
    for (const report of built.value) {
      const hex = toHex(report.bytes);
      const unchanged = device.written.get(report.reportId) === hex;
      if (unchanged && (!force || (this.round?.has(report.reportId) ?? false))) {
        // Forced, and these very bytes already went out for this input report: the device has them.
        if (force) this.noteWritten(device, report.reportId, state);
        continue;
      }
      device.written.set(report.reportId, hex);
      this.round?.add(report.reportId);
      this.noteWritten(device, report.reportId, state);
      if (!this.write(device, report.bytes)) return;
    }
  }

  /** After a write the device has our Off-Hook and Mute; a change we made ourselves opens the echo window. */
  private noteWritten(device: AttachedDevice, reportId: number, state: OutputState): void {
    const { outputs } = device.map;
    const now = this.clock.now();
    if (outputs.ledOffHook?.reportId === reportId && device.hook !== state.ledOffHook) {
      device.hook = state.ledOffHook;
      device.hookEchoUntil = now + this.echoWindowMs;
    }
    const carriesMute = outputs.ledMute?.reportId === reportId || outputs.ledMicrophone?.reportId === reportId;
    if (carriesMute && device.mute !== state.ledMute) {
      device.mute = state.ledMute;
      device.muteEchoUntil = now + this.echoWindowMs;
    }
  }

  private write(device: AttachedDevice, bytes: Uint8Array): boolean {
    try {
      const result = device.port.write(bytes);
      if (isPromiseLike(result))
        result.then(undefined, (error: unknown) => this.guarded(() => this.gone(device, 'write_failed', error)));
      return true;
    } catch (error) {
      this.gone(device, 'write_failed', error);
      return false;
    }
  }

  /** Syncs, then writes the full state when asked to or when the device's hook disagrees with ours. */
  private settle(force: boolean): void {
    const device = this.device;
    if (device === null) return;
    const outer = this.round;
    // A round of its own when no input report is being handled, so no report goes out twice.
    if (outer === null) this.round = new Set();
    try {
      this.sync(false);
      if (this.device !== device) return;
      const hookAstray = device.map.outputs.ledOffHook !== undefined && this.outputState().ledOffHook !== device.hook;
      if (force || this.reassert || hookAstray) this.sync(true);
    } finally {
      if (outer === null) this.round = null;
    }
  }

  // ── device → calls ──────────────────────────────────────────────────────────────────────────

  private receive(device: AttachedDevice, report: unknown): void {
    this.queue.push({ device, report });
    // A port may deliver a report while we write (a fake echoing at once): handle it after this one.
    if (this.processing) return;
    this.processing = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        if (this.device !== next.device) continue;
        try {
          this.handle(next.device, next.report);
        } catch (error) {
          this.logOnce('internal', 'error', 'headset controller failed on an input report', {
            error: errorName(error),
          });
        } finally {
          this.round = null;
          this.reassert = false;
        }
      }
    } finally {
      this.processing = false;
    }
  }

  private handle(device: AttachedDevice, report: unknown): void {
    if (!(report instanceof Uint8Array)) {
      this.logOnce('not_bytes', 'warn', 'headset report ignored', { problem: 'not_bytes' });
      return;
    }
    const decoded = decodeInputReport(device.map, report);
    if (!decoded.ok) {
      const problem = reportProblem(device.map, report);
      this.logOnce(problem, 'warn', 'headset report ignored', {
        problem,
        reportId: device.map.usesReportIds ? (report[0] ?? null) : 0,
        length: report.length,
      });
      return;
    }
    this.round = new Set();
    this.reassert = false;
    for (const name of HANDLED_INPUTS) {
      const value = decoded.value.values[name];
      const control = device.map.inputs[name];
      if (value === undefined || control === undefined) continue;
      const previous = device.lastInput.get(name) ?? 0;
      device.lastInput.set(name, value);
      if (value !== previous) {
        const now = this.clock.now();
        const last = device.lastChange.get(name);
        if (last !== undefined && now - last < this.debounceMs) {
          // A bounce (1-0-1 within a few ms): acting on it would answer and hang up, or hold and
          // resume. The state we act on stays the one of the accepted change.
          this.log.debug('headset input bounce ignored', { control: name });
          continue;
        }
        device.lastChange.set(name, now);
      }
      const pressed = value !== 0 && previous === 0;
      this.input(device, name, control.relative, value, pressed);
    }
    this.settle(false);
  }

  private input(device: AttachedDevice, name: InputName, relative: boolean, value: number, pressed: boolean): void {
    switch (name) {
      case 'hookSwitch':
        if (relative) {
          if (pressed) this.onHook(device, !device.hook);
        } else this.onHook(device, value !== 0);
        return;
      case 'phoneMute':
        if (relative) {
          if (pressed) this.onMute(device, 'toggle');
        } else this.onMute(device, value !== 0);
        return;
      case 'flash':
        if (pressed) this.onFlash();
        return;
      case 'hold':
        if (pressed) this.onHoldButton();
        return;
      case 'drop':
      case 'programmableButton':
        if (pressed) this.onDrop();
        return;
      case 'redial':
        if (pressed) this.onRedial();
        return;
      default:
        return;
    }
  }

  private onHook(device: AttachedDevice, up: boolean): void {
    if (up === device.hook) return;
    device.hook = up;
    if (device.map.outputs.ledOffHook !== undefined && this.clock.now() < device.hookEchoUntil) {
      // An echo of our own Off-Hook write; settle() answers a disagreeing one with the full state.
      this.log.debug('headset hook report taken as an echo', { up });
      return;
    }
    const picture = this.picture();
    if (up) {
      if (picture.current !== null || picture.answering.length > 0) return;
      const call = picture.ringing[0];
      // Nothing rings: not acted upon, and settle() puts the device back on-hook.
      if (call === undefined) return;
      this.answering.add(call.id);
      this.act(
        'answer',
        () => this.calls.answer(call.id),
        () => this.answering.delete(call.id),
      );
      return;
    }
    const call = picture.current ?? picture.answering[0];
    if (call === undefined) return;
    this.end(call, 'hangup');
  }

  private onMute(device: AttachedDevice, value: boolean | 'toggle'): void {
    if (value === device.mute) return;
    const shown = this.outputState().ledMute;
    const want = value === 'toggle' ? !shown : value;
    device.mute = want;
    const hasLed = device.map.outputs.ledMute !== undefined || device.map.outputs.ledMicrophone !== undefined;
    let lockFollowed = false;
    // Only a state report can contradict what we wrote; a pulse (relative control) is always the
    // agent pressing the button, also right after a mute change from the window.
    if (hasLed && value !== 'toggle' && this.clock.now() < device.muteEchoUntil) {
      // The device contradicts a mute state we have just written: it did not take it.
      const now = this.clock.now();
      device.muteRefusals = device.muteRefusals.filter((at) => now - at < this.muteLock.windowMs);
      device.muteRefusals.push(now);
      if (device.muteRefusals.length < this.muteLock.attempts) {
        this.reassert = true;
        return;
      }
      device.muteRefusals = [];
      lockFollowed = true;
      this.logOnce('mute_lock', 'warn', 'headset does not take the app’s mute state; the call follows the device', {
        attempts: this.muteLock.attempts,
        muted: want,
      });
    }
    const call = this.picture().current;
    if (call === null || call.phase !== 'active') {
      // No call to mute: show the device the state again (unless we have given up on that).
      if (!lockFollowed) this.reassert = true;
      return;
    }
    if (want === shown) return;
    this.muting = { callId: call.id, muted: want };
    this.act(
      'mute',
      () => this.calls.mute(call.id, want),
      () => {
        if (this.muting?.callId === call.id) this.muting = null;
      },
    );
  }

  private onFlash(): void {
    const picture = this.picture();
    const { talking } = picture;
    const waiting = picture.ringing.find((call) => !this.answering.has(call.id));
    if (talking !== null && waiting !== undefined) {
      this.act('answer', () => this.calls.answer(waiting.id));
      return;
    }
    const held = picture.connected.find((call) => call.held);
    if (talking !== null && held !== undefined) {
      this.act('swap', async () => {
        await this.calls.hold(talking.id, true);
        return this.calls.hold(held.id, false);
      });
      return;
    }
    this.toggleHold(picture);
  }

  private onHoldButton(): void {
    this.toggleHold(this.picture());
  }

  private toggleHold(picture: CallPicture): void {
    const { talking } = picture;
    if (talking !== null) {
      this.act('hold', () => this.calls.hold(talking.id, true));
      return;
    }
    const held = picture.connected.find((call) => call.held);
    if (held !== undefined) this.act('resume', () => this.calls.hold(held.id, false));
    else this.log.debug('headset hold ignored: no connected call');
  }

  private onDrop(): void {
    const picture = this.picture();
    const ringing = picture.ringing.find((call) => !this.answering.has(call.id));
    if (ringing !== undefined) {
      this.end(ringing, 'reject');
      return;
    }
    const call = picture.current ?? picture.answering[0];
    if (call !== undefined) this.end(call, 'hangup');
    else this.log.debug('headset drop ignored: no call');
  }

  private end(call: CallSnapshot, action: 'reject' | 'hangup'): void {
    this.answering.delete(call.id);
    this.ending.add(call.id);
    const undo = (): void => {
      this.ending.delete(call.id);
    };
    if (action === 'reject') this.act('reject', () => this.calls.reject(call.id, HEADSET_REJECT_STATUS), undo);
    else this.act('hangup', () => this.calls.hangup(call.id), undo);
  }

  private onRedial(): void {
    const picture = this.picture();
    const target = this.lastDialled;
    if (picture.current !== null || picture.ringing.length > 0) {
      this.log.debug('headset redial ignored: a call is in progress');
      return;
    }
    if (target === null) {
      this.log.debug('headset redial ignored: nothing dialled yet');
      return;
    }
    this.act('dial', () => this.calls.dial(target));
  }

  /**
   * Runs a call action. `done` clears what the controller showed ahead of it, when the action
   * has finished either way; a failure is logged once per action and the full state re-asserted.
   */
  private act(action: ActionName, run: () => CallResult, done?: () => void): void {
    const failed = (error: unknown): void => {
      done?.();
      this.logOnce(`action_${action}`, 'warn', 'headset call action failed', { action, error: errorName(error) });
      if (this.round !== null) this.reassert = true;
      else this.settle(true);
    };
    try {
      const result = run();
      if (!isPromiseLike(result)) {
        done?.();
        return;
      }
      result.then(
        () =>
          this.guarded(() => {
            done?.();
            this.settle(false);
          }),
        (error: unknown) => this.guarded(() => failed(error)),
      );
    } catch (error) {
      failed(error);
    }
  }

  // ── device gone ─────────────────────────────────────────────────────────────────────────────

  private release(device: AttachedDevice): boolean {
    if (this.device !== device) return false;
    this.device = null;
    // The test belonged to this device.
    this.endTest();
    for (const unsubscribe of device.unsubscribe) {
      try {
        unsubscribe();
      } catch {
        // The port is going away; nothing more to stop.
      }
    }
    return true;
  }

  private gone(device: AttachedDevice, problem: 'closed' | 'write_failed' | 'subscribe_failed', error: unknown): void {
    if (!this.release(device)) return;
    closeQuietly(device.port);
    if (problem === 'closed') this.log.info('headset gone; the calls go on without it');
    else
      this.logOnce(problem, 'warn', 'headset failed; marked gone, the calls go on without it', {
        problem,
        error: errorName(error),
      });
  }

  /** Runs a callback of a settled promise: nothing may escape into an unhandled rejection. */
  private guarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.logOnce('internal', 'error', 'headset controller failed after a call action', { error: errorName(error) });
    }
  }

  private logOnce(kind: string, level: 'warn' | 'error', message: string, fields: LogFields): void {
    if (this.logged.has(kind)) return;
    this.logged.add(kind);
    this.log[level](message, fields);
  }
}

function closeQuietly(port: HeadsetDevicePort): void {
  try {
    port.close();
  } catch {
    // Already closed or unplugged.
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A code or class name for the log: error messages may carry a number someone dialled. */
function errorName(error: unknown): string {
  if (error instanceof AppError) return error.code;
  if (error instanceof Error) return error.name;
  return typeof error;
}

function reportProblem(map: CapabilityMap, report: Uint8Array): 'empty_report' | 'unknown_report_id' | 'wrong_length' {
  if (report.length === 0) return 'empty_report';
  const reportId = map.usesReportIds ? (report[0] ?? 0) : 0;
  return map.inputReportLengths.has(reportId) ? 'wrong_length' : 'unknown_report_id';
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
