/**
 * What a headset should show for the calls in progress (pure, no I/O): which call the agent is
 * on, and the full LED/ringer state the controller rebuilds every output report from.
 *
 * - Off-Hook: a call is connected (held or not), being dialled, or being answered from the
 *   headset (so the device gets its hook acknowledged before the answer completes).
 * - On-Line: a call is connected (held or not).
 * - Ring LED: a call rings, also while another is connected (call waiting) and while the device's
 *   answer is on its way (the Teams sequence Ring → Off-Hook+Ring → Off-Hook).
 * - Ringer: a call rings and the agent is on no call: a waiting call must not ring in the ear of
 *   someone who is talking (the Ring LED shows it).
 * - Hold LED: the current call is held (no other call is connected and unheld or being dialled).
 * - Mute LED and Microphone LED: both mirror the current call's mute. Devices use either usage
 *   for their mute light (the Gigaset dongle documents Microphone as "1 mute"; hid-jabra answers
 *   Phone Mute on either), and none of our fixtures uses Microphone for "microphone live".
 */
import type { CallSnapshot } from '../../shared/calls';
import type { OutputState } from './capabilities';

/** Actions the controller started from the headset and whose outcome is not known yet. */
export interface PendingActions {
  /** Ringing calls the headset picked up (hook up): their answer is on its way. */
  readonly answering: ReadonlySet<string>;
  /** Calls the headset ended (hook down, Drop): their hang-up or rejection is on its way. */
  readonly ending: ReadonlySet<string>;
  /** A mute change asked from the headset, shown at once. */
  readonly muting: { readonly callId: string; readonly muted: boolean } | null;
}

export const NO_PENDING_ACTIONS: PendingActions = { answering: new Set(), ending: new Set(), muting: null };

export interface CallPicture {
  /** Incoming calls ringing (not being ended), oldest first. */
  readonly ringing: readonly CallSnapshot[];
  /** The ringing calls the headset is answering. */
  readonly answering: readonly CallSnapshot[];
  /** Connected calls, held or not, oldest first. */
  readonly connected: readonly CallSnapshot[];
  /** Outgoing calls not yet answered. */
  readonly dialing: readonly CallSnapshot[];
  /** The connected call not on hold, if any. */
  readonly talking: CallSnapshot | null;
  /** The call the agent is on: the one talking, else one being dialled, else a held one. */
  readonly current: CallSnapshot | null;
}

/** The calls in progress as the headset sees them (ended calls and calls being ended left out). */
export function pictureOf(calls: readonly CallSnapshot[], pending: PendingActions): CallPicture {
  const live = calls.filter((call) => call.phase !== 'ended' && !pending.ending.has(call.id));
  const ringing = live.filter((call) => call.phase === 'ringing');
  const connected = live.filter((call) => call.phase === 'active');
  const dialing = live.filter((call) => call.phase === 'dialing' || call.phase === 'early');
  const talking = connected.find((call) => !call.held) ?? null;
  return {
    ringing,
    answering: ringing.filter((call) => pending.answering.has(call.id)),
    connected,
    dialing,
    talking,
    current: talking ?? dialing[0] ?? connected[0] ?? null,
  };
}

/** The full output state for the calls in progress. */
export function outputStateFor(picture: CallPicture, pending: PendingActions): OutputState {
  const { current } = picture;
  const inCall = picture.connected.length > 0 || picture.dialing.length > 0 || picture.answering.length > 0;
  const ringing = picture.ringing.length > 0;
  const muted =
    current !== null && pending.muting !== null && pending.muting.callId === current.id
      ? pending.muting.muted
      : (current?.muted ?? false);
  return {
    ledOffHook: inCall,
    ledRing: ringing,
    ledMute: muted,
    ledHold: current !== null && current.phase === 'active' && current.held,
    ledMicrophone: muted,
    ledOnLine: picture.connected.length > 0,
    ringer: ringing && !inCall,
  };
}
