import type { CallOutcome, CallSnapshot, RemoteParty } from '../../shared/calls';

/**
 * The call state machine, pure: no sip.js, no timers, no I/O. Every change to a call goes
 * through `transition`, which either returns the next state or says why the event does not fit.
 *
 *   inbound:  ringing ──answer──▶ active ──hangup──▶ ended (answered)
 *             ringing ──reject / cancelled / declined / dropped──▶ ended (rejected / missed / busy / missed)
 *   outbound: dialing ──progress──▶ early ──accepted──▶ active
 *             dialing|early ──failed(486/600)──▶ ended (busy), ──failed(other)──▶ ended (failed),
 *             ──hangup(local)──▶ ended (missed: nobody answered)
 *   active:   hold/resume, remoteHold, mute; hangup, transferred, dropped ──▶ ended
 *             signallingLost ──▶ active (recovering) ──signallingRestored──▶ active
 */

export type CallEvent =
  | { readonly type: 'answer' }
  | { readonly type: 'progress' }
  | { readonly type: 'accepted' }
  | { readonly type: 'hold' }
  | { readonly type: 'resume' }
  | { readonly type: 'remoteHold'; readonly held: boolean }
  | { readonly type: 'mute'; readonly muted: boolean }
  | { readonly type: 'reject'; readonly status: 486 | 603 }
  /** Declined by the console itself (agent not available): 486 to the caller. */
  | { readonly type: 'declined' }
  | { readonly type: 'cancelled' }
  | { readonly type: 'hangup'; readonly by: 'local' | 'remote' }
  | { readonly type: 'failed'; readonly status: number | null }
  | { readonly type: 'transferred' }
  | { readonly type: 'dropped' }
  /** The signalling connection went away under a connected call; its audio may still flow. */
  | { readonly type: 'signallingLost' }
  /** The dialog was refreshed over a new connection (a re-INVITE the far end accepted). */
  | { readonly type: 'signallingRestored' };

export type TransitionResult =
  { readonly ok: true; readonly state: CallSnapshot } | { readonly ok: false; readonly reason: string };

export function newInboundCall(
  id: string,
  remote: RemoteParty,
  now: number,
  agentCode: string | null = null,
): CallSnapshot {
  return base(id, 'inbound', 'ringing', remote, now, agentCode);
}

export function newOutboundCall(
  id: string,
  remote: RemoteParty,
  now: number,
  agentCode: string | null = null,
): CallSnapshot {
  return base(id, 'outbound', 'dialing', remote, now, agentCode);
}

function base(
  id: string,
  direction: CallSnapshot['direction'],
  phase: CallSnapshot['phase'],
  remote: RemoteParty,
  now: number,
  agentCode: string | null,
): CallSnapshot {
  return {
    id,
    direction,
    agentCode,
    phase,
    remote,
    held: false,
    remoteHeld: false,
    muted: false,
    startedAt: now,
    answeredAt: null,
    endedAt: null,
    holdMs: 0,
    holdStartedAt: null,
    signallingLostAt: null,
    outcome: null,
    endedBy: null,
    endStatus: null,
  };
}

function refuse(state: CallSnapshot, event: CallEvent): TransitionResult {
  return { ok: false, reason: `${event.type} does not fit a call that is ${state.phase}` };
}

function end(
  state: CallSnapshot,
  now: number,
  outcome: CallOutcome,
  endedBy: NonNullable<CallSnapshot['endedBy']>,
  status: number | null = null,
): TransitionResult {
  const holdMs = state.holdStartedAt === null ? state.holdMs : state.holdMs + (now - state.holdStartedAt);
  return {
    ok: true,
    state: {
      ...state,
      phase: 'ended',
      endedAt: now,
      outcome,
      endedBy,
      endStatus: status,
      holdMs,
      holdStartedAt: null,
      held: false,
      signallingLostAt: null,
    },
  };
}

export function transition(state: CallSnapshot, event: CallEvent, now: number): TransitionResult {
  const { phase } = state;
  if (phase === 'ended') return refuse(state, event);
  const ringingIn = phase === 'ringing';
  const dialingOut = phase === 'dialing' || phase === 'early';
  const talking = phase === 'active';

  switch (event.type) {
    case 'answer':
      return ringingIn ? { ok: true, state: { ...state, phase: 'active', answeredAt: now } } : refuse(state, event);
    case 'progress':
      return dialingOut ? { ok: true, state: { ...state, phase: 'early' } } : refuse(state, event);
    case 'accepted':
      return dialingOut ? { ok: true, state: { ...state, phase: 'active', answeredAt: now } } : refuse(state, event);
    case 'hold':
      if (!talking || state.held) return refuse(state, event);
      return { ok: true, state: { ...state, held: true, holdStartedAt: now } };
    case 'resume':
      if (!talking || !state.held) return refuse(state, event);
      return {
        ok: true,
        state: {
          ...state,
          held: false,
          holdStartedAt: null,
          holdMs: state.holdMs + (now - (state.holdStartedAt ?? now)),
        },
      };
    case 'remoteHold':
      return talking ? { ok: true, state: { ...state, remoteHeld: event.held } } : refuse(state, event);
    case 'mute':
      return talking ? { ok: true, state: { ...state, muted: event.muted } } : refuse(state, event);
    case 'reject':
      return ringingIn ? end(state, now, 'rejected', 'local', event.status) : refuse(state, event);
    case 'declined':
      return ringingIn ? end(state, now, 'busy', 'local', 486) : refuse(state, event);
    case 'cancelled':
      return ringingIn ? end(state, now, 'missed', 'remote') : refuse(state, event);
    case 'hangup':
      if (talking) return end(state, now, 'answered', event.by);
      if (dialingOut && event.by === 'local') return end(state, now, 'missed', 'local');
      return refuse(state, event);
    case 'failed': {
      if (dialingOut) {
        const busy = event.status === 486 || event.status === 600;
        return end(state, now, busy ? 'busy' : 'failed', 'remote', event.status);
      }
      // Answering can fail too (no media, the 200 OK never acknowledged).
      if (ringingIn || talking)
        return end(state, now, state.answeredAt === null ? 'failed' : 'dropped', 'network', event.status);
      return refuse(state, event);
    }
    case 'transferred':
      return talking ? end(state, now, 'answered', 'transfer') : refuse(state, event);
    case 'dropped':
      if (talking) return end(state, now, 'dropped', 'network');
      if (ringingIn) return end(state, now, 'missed', 'network');
      return end(state, now, 'failed', 'network');
    case 'signallingLost':
      if (!talking) return refuse(state, event);
      return { ok: true, state: { ...state, signallingLostAt: state.signallingLostAt ?? now } };
    case 'signallingRestored':
      if (!talking || state.signallingLostAt === null) return refuse(state, event);
      return { ok: true, state: { ...state, signallingLostAt: null } };
  }
}

/** Ring time (ms): start to answer, or to the end of a call never answered. */
export function ringMs(state: CallSnapshot, now: number): number {
  return (state.answeredAt ?? state.endedAt ?? now) - state.startedAt;
}
