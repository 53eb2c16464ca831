import type { EventName } from '../shared/contract';
import type { CallShortcutAction } from '../shared/shortcuts';
import type { EventHub } from './core/event-hub';
import type { Dispatch } from './core/router';
import type { HeadsetDevices } from './headset/devices';
import type { Ports } from './ports';
import type { SettingsService } from './settings/settings-service';
import type { BackoffOptions } from './telephony/backoff';
import type { MediaEngine } from './telephony/media';
import type { TelephonyService } from './telephony/telephony-service';

/** What the composition root (app.ts) hands the hosts. */

export const APP_NAME = 'Hotline Desk';
export const USER_SETTINGS_FILE = 'settings.json';

export interface RendererClient {
  readonly id: string;
  send(name: EventName, payload: unknown): void;
}

export interface App {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly settings: SettingsService;
  readonly telephony: TelephonyService;
  /** The USB headsets: which are connected, the one in use (mirrored by the headset controller). */
  readonly headsets: HeadsetDevices;
  readonly ports: Ports;
  /** A call shortcut from outside the window (an OS-wide key): acts on the calls as they are. */
  runCallShortcut(action: CallShortcutAction): Promise<void>;
  /** A renderer (window or tab) connects: it receives every event until it detaches. */
  attach(client: RendererClient): () => void;
  close(): Promise<void>;
}

/** Knobs for tests and benchmarks; production leaves them unset. */
export interface AppTuning {
  readonly backoff?: BackoffOptions;
  readonly failbackIntervalMs?: number;
  /** How often to look whether IT changed the policy file. */
  readonly policyPollMs?: number;
  /** A media engine for signalling-only tests (the app's comes from the renderer). */
  readonly media?: MediaEngine;
  /** How long a call waits for its lost signalling to come back before it ends as dropped. */
  readonly callRecoveryMs?: number;
  /** When the first update check runs after start (default 1 minute). */
  readonly updateFirstCheckMs?: number;
}
