import { describe, expect, it } from 'vitest';
import {
  newInboundCall,
  newOutboundCall,
  ringMs,
  transition,
  type CallEvent,
} from '../../src/main/telephony/call-state';
import { talkMs, type CallSnapshot } from '../../src/shared/calls';

const caller = { number: '+4930123456', name: 'Erika Mustermann', anonymous: false };

function step(state: CallSnapshot, event: CallEvent, now: number): CallSnapshot {
  const result = transition(state, event, now);
  if (!result.ok) throw new Error(result.reason);
  return result.state;
}

const ringing = () => newInboundCall('in-1', caller, 1_000);
const dialing = () => newOutboundCall('out-1', caller, 1_000);
const early = () => step(dialing(), { type: 'progress' }, 1_500);
const activeIn = () => step(ringing(), { type: 'answer' }, 3_000);
const held = () => step(activeIn(), { type: 'hold' }, 5_000);
const ended = () => step(activeIn(), { type: 'hangup', by: 'remote' }, 9_000);
const recovering = () => step(activeIn(), { type: 'signallingLost' }, 6_000);

const EVENTS: CallEvent[] = [
  { type: 'answer' },
  { type: 'progress' },
  { type: 'accepted' },
  { type: 'hold' },
  { type: 'resume' },
  { type: 'remoteHold', held: true },
  { type: 'mute', muted: true },
  { type: 'reject', status: 486 },
  { type: 'declined' },
  { type: 'cancelled' },
  { type: 'hangup', by: 'local' },
  { type: 'hangup', by: 'remote' },
  { type: 'failed', status: 486 },
  { type: 'failed', status: 503 },
  { type: 'transferred' },
  { type: 'dropped' },
  { type: 'signallingLost' },
  { type: 'signallingRestored' },
];

/** What each event does from each state: the phase and outcome after it, or "refused". */
const TABLE: Record<string, Record<string, string>> = {
  ringing: {
    answer: 'active',
    progress: 'refused',
    accepted: 'refused',
    hold: 'refused',
    resume: 'refused',
    remoteHold: 'refused',
    mute: 'refused',
    reject: 'ended:rejected',
    declined: 'ended:busy',
    cancelled: 'ended:missed',
    'hangup:local': 'refused',
    'hangup:remote': 'refused',
    'failed:486': 'ended:failed',
    'failed:503': 'ended:failed',
    transferred: 'refused',
    dropped: 'ended:missed',
    signallingLost: 'refused',
    signallingRestored: 'refused',
  },
  dialing: {
    answer: 'refused',
    progress: 'early',
    accepted: 'active',
    hold: 'refused',
    resume: 'refused',
    remoteHold: 'refused',
    mute: 'refused',
    reject: 'refused',
    declined: 'refused',
    cancelled: 'refused',
    'hangup:local': 'ended:missed',
    'hangup:remote': 'refused',
    'failed:486': 'ended:busy',
    'failed:503': 'ended:failed',
    transferred: 'refused',
    dropped: 'ended:failed',
    signallingLost: 'refused',
    signallingRestored: 'refused',
  },
  // Ringing at the far end (early) takes the same events as dialing; filled in below.
  early: {},
  active: {
    answer: 'refused',
    progress: 'refused',
    accepted: 'refused',
    hold: 'active',
    resume: 'refused',
    remoteHold: 'active',
    mute: 'active',
    reject: 'refused',
    declined: 'refused',
    cancelled: 'refused',
    'hangup:local': 'ended:answered',
    'hangup:remote': 'ended:answered',
    'failed:486': 'ended:dropped',
    'failed:503': 'ended:dropped',
    transferred: 'ended:answered',
    dropped: 'ended:dropped',
    signallingLost: 'active',
    signallingRestored: 'refused',
  },
  held: {
    answer: 'refused',
    progress: 'refused',
    accepted: 'refused',
    hold: 'refused',
    resume: 'active',
    remoteHold: 'active',
    mute: 'active',
    reject: 'refused',
    declined: 'refused',
    cancelled: 'refused',
    'hangup:local': 'ended:answered',
    'hangup:remote': 'ended:answered',
    'failed:486': 'ended:dropped',
    'failed:503': 'ended:dropped',
    transferred: 'ended:answered',
    dropped: 'ended:dropped',
    signallingLost: 'active',
    signallingRestored: 'refused',
  },
  ended: Object.fromEntries(
    [
      'answer',
      'progress',
      'accepted',
      'hold',
      'resume',
      'remoteHold',
      'mute',
      'reject',
      'declined',
      'cancelled',
      'hangup:local',
      'hangup:remote',
      'failed:486',
      'failed:503',
      'transferred',
      'dropped',
      'signallingLost',
      'signallingRestored',
    ].map((name) => [name, 'refused']),
  ),
};

TABLE.early = { ...TABLE.dialing! };
// A connected call whose signalling is lost takes what a connected call takes, and the restore.
TABLE.recovering = { ...TABLE.active!, signallingRestored: 'active' };

const STATES: Record<string, () => CallSnapshot> = {
  ringing,
  dialing,
  early,
  active: activeIn,
  held,
  recovering,
  ended,
};

function eventName(event: CallEvent): string {
  if (event.type === 'hangup') return `hangup:${event.by}`;
  if (event.type === 'failed') return `failed:${event.status}`;
  return event.type;
}

describe('call state machine: every event from every state', () => {
  for (const [stateName, make] of Object.entries(STATES)) {
    for (const event of EVENTS) {
      const expected = TABLE[stateName]![eventName(event)]!;
      it(`${stateName} + ${eventName(event)} → ${expected}`, () => {
        const result = transition(make(), event, 10_000);
        if (expected === 'refused') {
          expect(result.ok).toBe(false);
          expect(!result.ok && result.reason).toMatch(new RegExp(`^${event.type} does not fit a call that is `));
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const [phase, outcome] = expected.split(':');
        expect(result.state.phase).toBe(phase);
        expect(result.state.outcome).toBe(outcome ?? null);
      });
    }
  }
});

describe('call state machine: what each transition records', () => {
  it('answering records the time; ringing time runs until then', () => {
    const call = activeIn();
    expect(call.answeredAt).toBe(3_000);
    expect(ringMs(call, 99_000)).toBe(2_000);
  });

  it('a missed call rings until it is cancelled and has no talk time', () => {
    const call = step(ringing(), { type: 'cancelled' }, 7_000);
    expect(call).toMatchObject({ outcome: 'missed', endedBy: 'remote', endedAt: 7_000 });
    expect(ringMs(call, 99_000)).toBe(6_000);
    expect(talkMs(call, 99_000)).toBe(0);
  });

  it('hold time is counted apart from talk time, also for a hold running at hang-up', () => {
    let call = activeIn(); // answered at 3 s
    call = step(call, { type: 'hold' }, 5_000);
    expect(call.held).toBe(true);
    call = step(call, { type: 'resume' }, 8_000);
    expect(call).toMatchObject({ held: false, holdMs: 3_000, holdStartedAt: null });
    call = step(call, { type: 'hold' }, 10_000);
    expect(talkMs(call, 11_000)).toBe(11_000 - 3_000 - 3_000 - 1_000);
    call = step(call, { type: 'hangup', by: 'local' }, 12_000);
    expect(call).toMatchObject({ phase: 'ended', outcome: 'answered', endedBy: 'local', holdMs: 5_000, held: false });
    expect(talkMs(call, 99_000)).toBe(12_000 - 3_000 - 5_000);
  });

  it('a lost signalling connection records when it was first lost; a restore or the end clears it', () => {
    let call = step(activeIn(), { type: 'signallingLost' }, 6_000);
    expect(call).toMatchObject({ phase: 'active', signallingLostAt: 6_000 });
    call = step(call, { type: 'signallingLost' }, 7_000);
    expect(call.signallingLostAt).toBe(6_000);
    expect(step(call, { type: 'signallingRestored' }, 8_000).signallingLostAt).toBeNull();
    expect(step(call, { type: 'dropped' }, 9_000)).toMatchObject({
      outcome: 'dropped',
      endedBy: 'network',
      signallingLostAt: null,
    });
  });

  it('a reject keeps the status sent to the caller', () => {
    expect(step(ringing(), { type: 'reject', status: 603 }, 2_000)).toMatchObject({
      outcome: 'rejected',
      endStatus: 603,
      endedBy: 'local',
    });
    expect(step(ringing(), { type: 'declined' }, 2_000)).toMatchObject({
      outcome: 'busy',
      endStatus: 486,
      endedBy: 'local',
    });
  });

  it('an outbound call the far end refuses is busy (486, 600) or failed (anything else)', () => {
    expect(step(early(), { type: 'failed', status: 600 }, 2_000)).toMatchObject({ outcome: 'busy', endStatus: 600 });
    expect(step(early(), { type: 'failed', status: 404 }, 2_000)).toMatchObject({ outcome: 'failed', endStatus: 404 });
    expect(step(dialing(), { type: 'failed', status: null }, 2_000)).toMatchObject({
      outcome: 'failed',
      endStatus: null,
    });
  });

  it('mute and remote hold are flags of an active call', () => {
    let call = activeIn();
    call = step(call, { type: 'mute', muted: true }, 3_500);
    call = step(call, { type: 'remoteHold', held: true }, 4_000);
    expect(call).toMatchObject({ muted: true, remoteHeld: true, phase: 'active', held: false });
  });

  it('a call dropped by the network is recorded as dropped', () => {
    expect(step(held(), { type: 'dropped' }, 20_000)).toMatchObject({
      outcome: 'dropped',
      endedBy: 'network',
      holdMs: 15_000,
    });
  });

  it('a transfer ends the call for this agent as answered', () => {
    expect(step(activeIn(), { type: 'transferred' }, 20_000)).toMatchObject({
      outcome: 'answered',
      endedBy: 'transfer',
    });
  });
});
