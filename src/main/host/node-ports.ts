import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EventHub } from '../core/event-hub';
import type { Logger } from '../core/log';
import type { PolicySource } from '../settings/policy/sources';
import { InterfaceWatcher } from './network-watcher';
import { policyFromFile } from './policy-locations';
import { genericFeed } from '../updates/generic-feed';
import type { UpdateFeed } from '../updates/update-service';
import { createNodeHidBackend } from './node-hid-backend';
import {
  systemClock,
  type Attention,
  type Notice,
  type Notifier,
  type Ports,
  type PowerEvents,
  type SecretStore,
  type Unsubscribe,
} from '../ports';
import { openNodeSecrets } from './node-secrets';
import { Emitter } from '../../shared/emitter';

/** Node implementations of the ports, for the browser host and the CLI outside Electron. */

export const APP_DIR_NAME = 'Hotline Desk';

/** The same folder Electron's `app.getPath('userData')` gives, so every host finds one installation's data. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/**
 * Node has no sleep/wake events. A timer that fires much later than it should means the machine
 * slept (or the process was stopped): report a suspend and a resume at that moment.
 */
export class TimerDriftPowerEvents implements PowerEvents {
  private readonly suspendListeners = new Emitter<[]>();
  private readonly resumeListeners = new Emitter<[]>();
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly now: () => number;

  constructor(options: { intervalMs?: number; toleranceMs?: number; now?: () => number } = {}) {
    this.intervalMs = options.intervalMs ?? 2_000;
    this.toleranceMs = options.toleranceMs ?? 8_000;
    // The wall clock, on purpose: monotonic clocks stop while the machine is suspended.
    this.now = options.now ?? (() => Date.now());
  }

  onSuspend(listener: () => void): Unsubscribe {
    return this.add(this.suspendListeners, listener);
  }

  onResume(listener: () => void): Unsubscribe {
    return this.add(this.resumeListeners, listener);
  }

  /** Checks once; called by the timer, and directly by tests. */
  check(): void {
    const now = this.now();
    const late = now - this.last - this.intervalMs;
    this.last = now;
    // A clock set back (NTP, a time zone fix) is not a wake-up.
    if (late > this.toleranceMs) {
      this.suspendListeners.emit();
      this.resumeListeners.emit();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private add(emitter: Emitter<[]>, listener: () => void): Unsubscribe {
    const stop = emitter.on(listener);
    if (!this.timer) {
      this.last = this.now();
      this.timer = setInterval(() => this.check(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      stop();
      if (this.suspendListeners.size === 0 && this.resumeListeners.size === 0) this.stop();
    };
  }
}

/**
 * In the browser host the renderer shows notifications (Web Notifications or in-page). The host
 * connects this port to the app's events once the app exists.
 */
export class ForwardingNotifier implements Notifier {
  private sink: { show(notice: Notice): void; withdraw(tag: string): void } | null = null;

  connect(sink: { show(notice: Notice): void; withdraw(tag: string): void }): void {
    this.sink = sink;
  }

  show(notice: Notice): void {
    this.sink?.show(notice);
  }

  withdraw(tag: string): void {
    this.sink?.withdraw(tag);
  }
}

/** Shows main's notifications through the renderer: `app.notification` and `app.notificationWithdrawn`. */
export function forwardNotifications(notifier: ForwardingNotifier, events: EventHub): void {
  notifier.connect({
    show: (notice) => events.emit('app.notification', notice),
    withdraw: (tag) => events.emit('app.notificationWithdrawn', { tag }),
  });
}

/** The browser host has no window to flash; the page title is the renderer's business. */
export const noAttention: Attention = { request: () => undefined, cancel: () => undefined };

export interface NodePortsOptions {
  readonly dataDir: string;
  /** A policy file (the browser host's --policy); null for none. */
  readonly policyFile: string | null;
  /** The policy sources instead (a test of the machine's locations). */
  readonly policy?: readonly PolicySource[];
  /** The update feed (default: a check of the generic server, never an install). */
  readonly updates?: UpdateFeed;
  /** Default: `exports` in the data directory. */
  readonly exportsDir?: string;
  readonly version: string;
  readonly log: Logger;
  /** The secret store (default: the OS keystore, else a file in the state folder: node-secrets.ts). */
  readonly secrets?: SecretStore;
}

/** The ports for running main's services in plain Node: the browser host, tests and benchmarks. */
export async function createNodePorts(options: NodePortsOptions): Promise<
  Ports & {
    readonly power: TimerDriftPowerEvents;
    readonly network: InterfaceWatcher;
    readonly notifier: ForwardingNotifier;
  }
> {
  const secrets =
    options.secrets ??
    (
      await openNodeSecrets({
        dataDir: options.dataDir,
        env: process.env,
        platform: process.platform,
        log: options.log.child('secrets'),
      })
    ).store;
  return {
    host: { kind: 'browser', version: options.version, platform: process.platform },
    policy: options.policy ?? (options.policyFile === null ? [] : policyFromFile(options.policyFile)),
    paths: {
      dataDir: options.dataDir,
      exportsDir: options.exportsDir ?? join(options.dataDir, 'exports'),
    },
    secrets,
    power: new TimerDriftPowerEvents(),
    network: new InterfaceWatcher(),
    hid: createNodeHidBackend({ log: options.log.child('hid') }),
    notifier: new ForwardingNotifier(),
    attention: noAttention,
    // The browser host never replaces itself: whoever runs it updates it, so it only tells.
    updates: options.updates ?? genericFeed({ installKind: 'per_machine' }),
    clock: systemClock,
    log: options.log,
  };
}
