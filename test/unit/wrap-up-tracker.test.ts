import { describe, expect, it } from 'vitest';
import { WrapUpTracker, type WrapUpAgent } from '../../src/main/agent/wrap-up-tracker';
import type { CallSnapshot } from '../../src/shared/calls';
import type { AgentState } from '../../src/shared/contract/agent';
import { newInboundCall, transition } from '../../src/main/telephony/call-state';

/** An agent service as the tracker sees it, with after-call work of `wrapUpSeconds`. */
function fakeAgent(clock: { now(): number }, wrapUpSeconds: number) {
  const changes: ((state: AgentState) => void)[] = [];
  const agent: WrapUpAgent & { state: AgentState; onChange(listener: (state: AgentState) => void): void } = {
    state: { agent: { code: 'A-1', name: 'Agent' }, status: 'available', since: 0, wrapUpEndsAt: null },
    onChange: (listener) => changes.push(listener),
    async callEnded() {
      if (wrapUpSeconds <= 0 || agent.state.status !== 'available') return;
      set({ ...agent.state, status: 'after_call_work', wrapUpEndsAt: clock.now() + wrapUpSeconds * 1000 });
    },
    async setStatus(status) {
      set({ ...agent.state, status, wrapUpEndsAt: null });
    },
  };
  const set = (state: AgentState): void => {
    agent.state = state;
    for (const listener of changes) listener(state);
  };
  return { agent, set };
}

function endedCall(id: string, endedAt: number, answered = true): CallSnapshot {
  let call = newInboundCall(id, { number: '+4930123', name: null, anonymous: false }, endedAt - 60_000, 'A-1');
  const step = (event: Parameters<typeof transition>[1], at: number) => {
    const next = transition(call, event, at);
    if (!next.ok) throw new Error(next.reason);
    call = next.state;
  };
  if (answered) {
    step({ type: 'answer' }, endedAt - 50_000);
    step({ type: 'hangup', by: 'remote' }, endedAt);
  } else step({ type: 'cancelled' }, endedAt);
  return call;
}

function setup(wrapUpSeconds = 30) {
  let now = 1_000_000;
  const clock = { now: () => now };
  const { agent, set } = fakeAgent(clock, wrapUpSeconds);
  const recorded: [string, number][] = [];
  const tracker = new WrapUpTracker({ agent, clock, record: (callId, ms) => recorded.push([callId, ms]) });
  agent.onChange((state) => tracker.agentChanged(state));
  return { tracker, agent, set, recorded, advance: (ms: number) => (now += ms), clock };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('after-call work (WrapUpTracker, on a fake clock)', () => {
  it('starts when an answered call ends and records its length when the agent is available again', async () => {
    const { tracker, agent, recorded, advance, clock, set } = setup();
    tracker.callChanged(endedCall('c1', clock.now()));
    await settle();
    expect(agent.state.status).toBe('after_call_work');
    expect(tracker.callId).toBe('c1');
    advance(12_000);
    set({ ...agent.state, status: 'available', wrapUpEndsAt: null });
    expect(recorded).toEqual([['c1', 12_000]]);
    expect(tracker.callId).toBeNull();
  });

  it('ends with the intake submitted after the call', async () => {
    const { tracker, agent, recorded, advance, clock } = setup();
    tracker.callChanged(endedCall('c1', clock.now()));
    await settle();
    advance(45_000);
    await tracker.intakeSubmitted('c1', false);
    expect(agent.state.status).toBe('available');
    expect(recorded).toEqual([['c1', 45_000]]);
  });

  it('is none at all for a call whose intake was submitted while it was up', async () => {
    const { tracker, agent, recorded, clock } = setup();
    await tracker.intakeSubmitted('c1', true);
    tracker.callChanged(endedCall('c1', clock.now()));
    await settle();
    expect(agent.state.status).toBe('available');
    expect(recorded).toEqual([['c1', 0]]);
  });

  it('is recorded as none when no after-call work is set, and not at all for calls nobody answered', async () => {
    const { tracker, recorded, clock } = setup(0);
    tracker.callChanged(endedCall('missed', clock.now(), false));
    tracker.callChanged(endedCall('c2', clock.now()));
    await settle();
    expect(recorded).toEqual([['c2', 0]]);
  });

  it('belongs to the call that ended last: a submission for another call does not end it', async () => {
    const { tracker, agent, recorded, clock } = setup();
    tracker.callChanged(endedCall('c1', clock.now()));
    await settle();
    await tracker.intakeSubmitted('older-call', false);
    expect(agent.state.status).toBe('after_call_work');
    expect(recorded).toEqual([]);
  });
});
