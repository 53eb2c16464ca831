/**
 * The headset device manager: finds headsets (device-list.ts), chooses one, opens it and hands it
 * to the controller (the sink), and follows plugging in and out while the app runs.
 *
 * - node-hid has no plug events, so the device list is polled (`pollIntervalMs`, 2 s by default;
 *   the list is read in node-hid's worker, never on the event loop). A device whose entries did
 *   not change is not analysed again. A closed port (unplugged: node-hid reports a read error; a
 *   failed write) triggers a scan at once.
 * - Unplugged during a call: the call goes on (the controller marks the device gone). Plugged back
 *   in: it is opened again and attached, and the controller writes the full state (Ring while a
 *   call rings, Off-Hook while one is up).
 * - A device that cannot be opened, or closes, is tried again at the next scans, `maxAttempts`
 *   times while it stays connected (a press of one of its buttons proves it works and starts the
 *   count afresh); then, status `failed`, it is tried with growing pauses: after 2, 4, 8, 16 and
 *   then every 32 scans (about once a minute at the default interval), so a device that was busy
 *   or slow to wake comes back by itself without being hammered. Plugging it in again or choosing
 *   it again starts afresh. A permission problem (Linux without the udev rule) is tried at every scan, as
 *   the rule may be installed meanwhile; it is logged once.
 * - `headset.enabled` off: nothing is listed or opened, no polling.
 *
 * The sink is the HeadsetController in the app, and a passive one for `headset monitor`. Every
 * decoded input change is also published (`onInput`) for the live test in Settings and the monitor.
 */
import type { HeadsetInputEvent, HeadsetListing, HeadsetStatus } from '../../shared/contract/headset';
import { AppError } from '../../shared/result';
import type { Logger, LogFields } from '../core/log';
import type { Unsubscribe } from '../core/disposables';
import { decodeInputReport, INPUT_NAMES, type InputName } from './capabilities';
import type { HeadsetDevicePort } from './controller';
import { isKnownDevice } from './descriptor-source';
import { chooseDevice, contractDevice, findHeadsets, type Choice, type FoundDevice } from './device-list';
import { HidOpenError, usbIdPair, type HidBackend, type HidDeviceInfo } from './hid';
import { HidPort } from './node-hid-port';
import { Emitter } from '../../shared/emitter';
import { bestEffort } from '../core/errors';

export const DEFAULT_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_MAX_ATTEMPTS = 3;
/** The longest pause, in scans, between attempts at a device that keeps failing. */
export const MAX_BACKOFF_SCANS = 32;
/** How long closing waits for the last writes (the lights going out) to reach the device. */
export const CLOSE_WAIT_MS = 1_000;

/** Where an opened headset goes: the controller (attach replaces, detach lets go). */
export interface HeadsetSink {
  attach(port: HeadsetDevicePort): void;
  detach(): void;
}

/** For `headset monitor`: the device is opened and read, nothing is written to it. */
export const passiveSink: HeadsetSink = { attach: () => undefined, detach: () => undefined };

export interface HeadsetPreferences {
  readonly enabled: boolean;
  /** `vvvv:pppp`, `vvvv:pppp:serial`, or '' for automatic. */
  readonly device: string;
}

/** setInterval and clearInterval, injectable so tests drive the scans themselves. */
export interface IntervalTimers {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemTimers: IntervalTimers = {
  setInterval: (run, ms) => {
    const timer = setInterval(run, ms);
    timer.unref();
    return timer;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface HeadsetDevicesOptions {
  readonly backend: HidBackend;
  readonly sink: HeadsetSink;
  readonly log: Logger;
  readonly preferences: () => HeadsetPreferences;
  readonly pollIntervalMs?: number;
  readonly timers?: IntervalTimers;
  readonly maxAttempts?: number;
  /** Whether the table of known descriptors has these IDs (default: the generated table). */
  readonly isKnown?: (vendorId: number, productId: number) => boolean;
}

type Trouble = 'no_permission' | 'open_failed' | 'failed';

interface Attachment {
  readonly device: FoundDevice;
  readonly port: HidPort;
  readonly stops: Unsubscribe[];
  readonly lastInput: Map<InputName, number>;
}

export class HeadsetDevices {
  private readonly backend: HidBackend;
  private readonly sink: HeadsetSink;
  private readonly log: Logger;
  private readonly preferences: () => HeadsetPreferences;
  private readonly pollIntervalMs: number;
  private readonly timers: IntervalTimers;
  private readonly maxAttempts: number;
  private readonly isKnown: (vendorId: number, productId: number) => boolean;

  // A listener's failure is logged (once) and keeps none of the others from hearing.
  private readonly changeListeners = new Emitter<[listing: HeadsetListing]>({
    onListenerError: (error) =>
      this.logOnce('change_listener', 'error', 'a headset listener failed', { error: errorName(error) }),
  });
  private readonly inputListeners = new Emitter<[event: HeadsetInputEvent]>({
    onListenerError: (error) =>
      this.logOnce('input_listener', 'error', 'a headset input listener failed', { error: errorName(error) }),
  });
  private readonly logged = new Set<string>();
  private readonly troubles = new Map<string, { trouble: Trouble; attempts: number; notBefore: number }>();
  /** Scans made so far: the clock of the back-off. */
  private scans = 0;

  private enabled = false;
  private devices: FoundDevice[] = [];
  private listingFailed = false;
  private choice: Choice | null = null;
  private current: Attachment | null = null;
  private opening: string | null = null;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private published = '';

  constructor(options: HeadsetDevicesOptions) {
    this.backend = options.backend;
    this.sink = options.sink;
    this.log = options.log;
    this.preferences = options.preferences;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.timers = options.timers ?? systemTimers;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.isKnown = options.isKnown ?? isKnownDevice;
  }

  /** The headsets, the one in use and its status, as `headset.list` answers. */
  listing(): HeadsetListing {
    const chosen = this.choice;
    return {
      enabled: this.enabled,
      status: this.status(),
      devices: this.devices.map(contractDevice),
      chosen: chosen?.device.key ?? null,
      chosenBy: chosen?.by ?? null,
    };
  }

  /** The device in use now, when one is open. */
  get attached(): FoundDevice | null {
    return this.current?.device ?? null;
  }

  onChange(listener: (listing: HeadsetListing) => void): Unsubscribe {
    return this.changeListeners.on(listener);
  }

  onInput(listener: (event: HeadsetInputEvent) => void): Unsubscribe {
    return this.inputListeners.on(listener);
  }

  /**
   * Looks at the devices now (and starts or stops polling as `headset.enabled` says). Scans never
   * overlap: a refresh asked for during one runs right after it. `retry` forgets earlier failures
   * (the agent chose the device again).
   */
  refresh(options: { readonly retry?: boolean } = {}): Promise<HeadsetListing> {
    if (options.retry === true) this.troubles.clear();
    this.again = true;
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
    return this.running.then(() => this.listing());
  }

  /**
   * Stops polling, lets the device go (the calls are not touched) and waits until it is closed, its
   * lights out: up to CLOSE_WAIT_MS, as a device that hangs must not keep the app from quitting.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopPolling();
    await this.running;
    const port = this.drop();
    this.changeListeners.clear();
    this.inputListeners.clear();
    if (port === null) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLOSE_WAIT_MS);
    });
    const outcome = await Promise.race([port.whenClosed().then(() => 'closed' as const), gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.log.warn('headset did not close in time; quitting without waiting for it');
  }

  // ── scanning ────────────────────────────────────────────────────────────────────────────────

  private async loop(): Promise<void> {
    while (this.again && !this.closed) {
      this.again = false;
      try {
        await this.scan();
      } catch (error) {
        this.logOnce('internal', 'error', 'headset scan failed', { error: errorName(error) });
      }
    }
  }

  private tick(): void {
    // A scan still running (a slow enumeration) is not queued again by the timer.
    if (this.running !== null || this.closed) return;
    void this.refresh();
  }

  private startPolling(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = this.timers.setInterval(() => this.tick(), this.pollIntervalMs);
  }

  private stopPolling(): void {
    if (this.timer === null) return;
    this.timers.clearInterval(this.timer);
    this.timer = null;
  }

  private async scan(): Promise<void> {
    if (!this.preferences().enabled) {
      this.stopPolling();
      this.enabled = false;
      this.drop();
      this.devices = [];
      this.choice = null;
      this.troubles.clear();
      this.publish();
      return;
    }
    this.enabled = true;
    this.startPolling();
    this.scans += 1;

    let entries: readonly HidDeviceInfo[] | null = null;
    try {
      entries = await this.backend.devices();
      this.listingFailed = false;
    } catch (error) {
      // Kept as it was: a device in use stays in use until it closes itself.
      this.listingFailed = true;
      this.logOnce('list_failed', 'warn', 'headsets cannot be listed', { error: errorName(error) });
    }
    if (this.closed) return;
    if (entries !== null) {
      const previous = new Map(this.devices.map((device) => [device.id, device]));
      this.devices = await findHeadsets(this.backend, entries, { isKnown: this.isKnown, previous });
      if (this.closed) return;
      this.noteNewDevices(previous);
      // A device no longer connected starts afresh when it comes back.
      for (const id of [...this.troubles.keys()])
        if (!this.devices.some((device) => device.id === id)) this.troubles.delete(id);
    }

    this.choice = chooseDevice(this.devices, this.preferences().device);
    const wanted = this.choice?.device ?? null;
    const current = this.current;
    if (
      current !== null &&
      (wanted === null || wanted.id !== current.device.id || wanted.path !== current.device.path)
    ) {
      this.log.info('headset let go', { device: usbIdPair(current.device.vendorId, current.device.productId) });
      this.drop();
    }
    if (wanted !== null && this.current === null && this.mayOpen(wanted)) await this.open(wanted);
    this.publish();
  }

  private noteNewDevices(previous: ReadonlyMap<string, FoundDevice>): void {
    for (const device of this.devices) {
      if (previous.has(device.id)) continue;
      this.log.info('headset found', {
        device: usbIdPair(device.vendorId, device.productId),
        descriptor: device.descriptor,
        callControl: device.map?.callControl ?? false,
        // The reason only: it names files and IDs, never a person.
        problem: device.problem ?? undefined,
      });
      const { count, firstOffset } = device.descriptorWarnings;
      if (count > 0)
        this.log.warn('headset descriptor has fields left out as malformed', {
          device: usbIdPair(device.vendorId, device.productId),
          fields: count,
          firstOffset,
        });
    }
  }

  private mayOpen(device: FoundDevice): boolean {
    const trouble = this.troubles.get(device.id);
    return trouble === undefined || trouble.trouble === 'no_permission' || this.scans >= trouble.notBefore;
  }

  private async open(device: FoundDevice): Promise<void> {
    const map = device.map;
    if (map === null) return;
    this.opening = device.id;
    this.publish();
    let connection;
    try {
      connection = await this.backend.open(device.path);
    } catch (error) {
      this.opening = null;
      const trouble: Trouble =
        error instanceof HidOpenError && error.problem === 'no_permission' ? 'no_permission' : 'open_failed';
      this.noteTrouble(device, trouble);
      this.logOnce(`${trouble}:${device.id}`, 'warn', 'headset could not be opened', {
        device: usbIdPair(device.vendorId, device.productId),
        problem: trouble,
        error: errorName(error),
      });
      return;
    }
    this.opening = null;
    if (this.closed) {
      await bestEffort(connection.close(), this.log, 'a headset opened too late did not close');
      return;
    }
    const port = new HidPort(connection, map);
    const attachment: Attachment = { device, port, stops: [], lastInput: new Map() };
    attachment.stops.push(port.onClose(() => this.portClosed(attachment)));
    attachment.stops.push(port.onReport((report) => this.input(attachment, report)));
    this.current = attachment;
    this.log.info('headset opened', {
      device: usbIdPair(device.vendorId, device.productId),
      descriptor: device.descriptor,
    });
    this.sink.attach(port);
  }

  private noteTrouble(device: FoundDevice, trouble: Trouble): void {
    const attempts = (this.troubles.get(device.id)?.attempts ?? 0) + 1;
    const over = attempts - this.maxAttempts;
    // The next scan at first; past maxAttempts, 2, 4, 8 … MAX_BACKOFF_SCANS scans later.
    const pause = over < 0 ? 1 : Math.min(2 ** (over + 1), MAX_BACKOFF_SCANS);
    this.troubles.set(device.id, { trouble, attempts, notBefore: this.scans + pause });
  }

  private portClosed(attachment: Attachment): void {
    if (this.current !== attachment) return;
    this.release(attachment);
    this.noteTrouble(attachment.device, 'failed');
    this.log.debug('headset port closed', {
      device: usbIdPair(attachment.device.vendorId, attachment.device.productId),
    });
    // Unplugged, or failing: the list says which, now rather than at the next poll.
    if (!this.closed) void this.refresh();
  }

  private input(attachment: Attachment, report: Uint8Array): void {
    if (this.current !== attachment) return;
    const decoded = decodeInputReport(attachment.port.capabilities, report);
    // Bad reports are the controller's to log; here they are only not shown.
    if (!decoded.ok) return;
    // It answers: whatever went wrong with it before is forgotten.
    this.troubles.delete(attachment.device.id);
    for (const control of INPUT_NAMES) {
      const value = decoded.value.values[control];
      if (value === undefined) continue;
      const before = attachment.lastInput.get(control) ?? 0;
      attachment.lastInput.set(control, value);
      if (value === before) continue;
      const event: HeadsetInputEvent = { device: attachment.device.key, control, value };
      this.inputListeners.emit(event);
    }
  }

  /** Forgets the attachment without closing anything. */
  private release(attachment: Attachment): void {
    if (this.current === attachment) this.current = null;
    for (const stop of attachment.stops.splice(0)) stop();
  }

  /** Lets the device in use go: the sink first (it stops writing), then the port, which is returned. */
  private drop(): HidPort | null {
    const attachment = this.current;
    if (attachment === null) return null;
    this.release(attachment);
    try {
      this.sink.detach();
    } catch (error) {
      this.logOnce('detach', 'error', 'headset could not be detached', { error: errorName(error) });
    }
    attachment.port.close();
    return attachment.port;
  }

  private status(): HeadsetStatus {
    if (!this.enabled) return 'disabled';
    if (this.current !== null) return 'attached';
    const chosen = this.choice?.device ?? null;
    if (chosen === null) {
      if (this.devices.length > 0) return 'no_call_control';
      return this.listingFailed ? 'unavailable' : 'no_devices';
    }
    if (this.opening === chosen.id) return 'opening';
    const trouble = this.troubles.get(chosen.id);
    if (trouble === undefined) return 'opening';
    return trouble.trouble === 'no_permission' || trouble.attempts < this.maxAttempts ? trouble.trouble : 'failed';
  }

  private publish(): void {
    if (this.closed) return;
    const listing = this.listing();
    const text = JSON.stringify(listing);
    if (text === this.published) return;
    this.published = text;
    this.changeListeners.emit(listing);
  }

  private logOnce(kind: string, level: 'warn' | 'error', message: string, fields: LogFields): void {
    if (this.logged.has(kind)) return;
    this.logged.add(kind);
    this.log[level](message, fields);
  }
}

/** A code or class name for the log. */
function errorName(error: unknown): string {
  if (error instanceof AppError) return error.code;
  if (error instanceof HidOpenError) return error.problem;
  if (error instanceof Error) return error.name;
  return typeof error;
}
