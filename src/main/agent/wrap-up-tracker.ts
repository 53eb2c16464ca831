import type { CallSnapshot } from '../../shared/calls';
import type { AgentState } from '../../shared/contract/agent';
import type { Clock } from '../core/clock';

/** What the tracker needs of the agent service. */
export interface WrapUpAgent {
  readonly state: AgentState;
  /** An answered call ended: after-call work begins (or not, if none is set or nobody is available). */
  callEnded(): Promise<void>;
  setStatus(status: 'available'): Promise<unknown>;
}

export interface WrapUpTrackerOptions {
  readonly agent: WrapUpAgent;
  readonly clock: Clock;
  /** Records how long a call's after-call work took (the call log; 0: none). */
  readonly record: (callId: string, wrapUpMs: number) => void;
}

/**
 * After-call work belongs to the answered call that ended last: it ends when that call's intake
 * is submitted (or the timer runs out, or the agent ends it), and how long it took is recorded.
 * An intake submitted while the call was still up means no after-call work at all. Driven by
 * call snapshots, the agent's state and intake submissions; it decides nothing else.
 */
export class WrapUpTracker {
  private current: { readonly callId: string; readonly endedAt: number } | null = null;
  private readonly submittedDuringCall = new Set<string>();
  private readonly options: WrapUpTrackerOptions;

  constructor(options: WrapUpTrackerOptions) {
    this.options = options;
  }

  /** The call whose after-call work is running, if any. */
  get callId(): string | null {
    return this.current?.callId ?? null;
  }

  /** Every call snapshot: an answered call that ended starts after-call work. */
  callChanged(call: CallSnapshot): void {
    if (call.phase !== 'ended' || call.outcome !== 'answered') return;
    const { agent, clock, record } = this.options;
    if (this.submittedDuringCall.delete(call.id)) {
      // The intake was done while talking: no after-call work.
      record(call.id, 0);
      return;
    }
    this.current = { callId: call.id, endedAt: call.endedAt ?? clock.now() };
    void agent.callEnded().then(() => {
      // No after-call work configured (or nobody available): none was done.
      if (agent.state.status !== 'after_call_work' && this.current?.callId === call.id) {
        this.current = null;
        record(call.id, 0);
      }
    });
  }

  /** Every agent state: leaving after-call work ends it, and its length is recorded. */
  agentChanged(state: AgentState): void {
    if (state.status === 'after_call_work' || this.current === null) return;
    const { callId, endedAt } = this.current;
    this.current = null;
    this.options.record(callId, this.options.clock.now() - endedAt);
  }

  /**
   * A call's intake was submitted: during the call, that call will need no after-call work; after
   * it, submitting ends the after-call work that call started (the agent is available again).
   */
  async intakeSubmitted(callId: string, callStillUp: boolean): Promise<void> {
    const { agent } = this.options;
    if (callStillUp) this.submittedDuringCall.add(callId);
    else if (this.current?.callId === callId && agent.state.status === 'after_call_work')
      await agent.setStatus('available');
  }
}
