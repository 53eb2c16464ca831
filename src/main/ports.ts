import type { Logger } from './core/log';
import type { HidBackend } from './headset/hid';
import type { PolicySource } from './settings/policy/sources';
import type { UpdateFeed } from './updates/update-service';

/**
 * The small seams between the core and the host it runs in. Each port has an Electron
 * implementation (src/main/host/electron-ports.ts) and a Node one (src/main/host/node-ports.ts),
 * so every service above them runs unchanged in the Electron app, the browser host and the CLI.
 */

export interface SecretProtection {
  /** True when the operating system protects the secrets (DPAPI, Keychain, libsecret, kwallet). */
  readonly protected: boolean;
  /** Which backend holds them, for Settings and diagnostics: `dpapi`, `keychain`, `gnome_libsecret`, `file`, … */
  readonly backend: string;
  /** Where an unprotected store keeps them (a file outside the data folder). */
  readonly location?: string;
  /** Why there is no keystore (no Secret Service, a locked one, …), as the system said it (for IT). */
  readonly reason?: string;
  /** The same as a code the UI words in the agent's language. */
  readonly reasonCode?: KeystoreProblem;
}

/** Why the operating system's keystore is not used. */
export type KeystoreProblem = 'no_keystore' | 'keystore_locked' | 'keystore_failed' | 'basic_text';

export interface SecretStore {
  readonly protection: SecretProtection;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export type Unsubscribe = () => void;

/** Sleep and wake. Telephony re-registers at once on resume. */
export interface PowerEvents {
  onSuspend(listener: () => void): Unsubscribe;
  onResume(listener: () => void): Unsubscribe;
}

export interface NetworkState {
  /** Whether the machine has any usable address (not just loopback). */
  readonly online: boolean;
}

/** The network changed (came back, or moved: a new address). Telephony reconnects at once. */
export interface NetworkEvents {
  onChange(listener: (state: NetworkState) => void): Unsubscribe;
}

export interface Notice {
  readonly title: string;
  readonly body: string;
  /** Set when the notice may be taken back later (`withdraw`). */
  readonly tag?: string;
}

/** OS notifications (Electron) or notifications shown by the renderer (browser host). */
export interface Notifier {
  show(notice: Notice): void;
  /** Takes down the notice with this tag, if it is still up. */
  withdraw(tag: string): void;
}

/** Drawing the agent's eye to the window while a call rings (flashFrame, dock bounce). */
export interface Attention {
  request(): void;
  cancel(): void;
}

export interface AppPaths {
  /** Where this installation keeps its data: settings, call log, secrets file, lock. */
  readonly dataDir: string;
  /** Where exports go unless the setting reports.directory says otherwise. */
  readonly exportsDir: string;
}

export interface Clock {
  now(): number;
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

export const systemClock: Clock = { now: () => Date.now() };
