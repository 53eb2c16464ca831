import type { Clock } from './core/clock';
import type { Logger } from './core/log';
import type { SecretStore } from './core/secret-store';
import type { NetworkEvents, PowerEvents } from './core/system-events';
import type { HidBackend } from './headset/hid';
import type { PolicySource } from './settings/policy/policy-source';
import type { Attention, Notifier } from './telephony/announcements';
import type { UpdateFeed } from './updates/update-feed';

/**
 * The seams between the core and the host it runs in, gathered for the composition root. Each
 * port's interface is declared where it is used (core/ for the ones several features share, the
 * feature's folder otherwise); each has an Electron implementation (src/main/host/electron-ports.ts)
 * and a Node one (src/main/host/node-ports.ts), so every service above them runs unchanged in the
 * Electron app, the browser host and the CLI. Only app.ts, the hosts and test support import this.
 */

export type { Clock } from './core/clock';
export { systemClock } from './core/clock';
export type { Unsubscribe } from './core/disposables';
export type { KeystoreProblem, SecretProtection, SecretStore } from './core/secret-store';
export type { NetworkEvents, NetworkState, PowerEvents } from './core/system-events';
export type { Attention, Notice, Notifier } from './telephony/announcements';

export interface AppPaths {
  /** Where this installation keeps its data: settings, call log, lock. */
  readonly dataDir: string;
  /** Where exports go unless the setting reports.directory says otherwise. */
  readonly exportsDir: string;
}

export interface HostDescription {
  readonly kind: 'electron' | 'browser';
  readonly version: string;
  readonly platform: NodeJS.Platform;
}

export interface Ports {
  readonly host: HostDescription;
  readonly paths: AppPaths;
  /** Machine policy, highest precedence first (registry or profile, then the policy file). */
  readonly policy: readonly PolicySource[];
  readonly secrets: SecretStore;
  readonly power: PowerEvents;
  readonly network: NetworkEvents;
  /** USB headsets (node-hid in both hosts; a fake built from real descriptors in tests). */
  readonly hid: HidBackend;
  readonly notifier: Notifier;
  readonly attention: Attention;
  /** The update server (electron-updater in the app; a plain check in the browser host). */
  readonly updates: UpdateFeed;
  readonly clock: Clock;
  readonly log: Logger;
}
