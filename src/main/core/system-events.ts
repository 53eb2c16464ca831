import type { Unsubscribe } from './disposables';

/** What the machine does under the console (ports the hosts implement; telephony follows them). */

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
