import type { CallControl } from '../../src/main/headset/controller';
import { newInboundCall, newOutboundCall, transition, type CallEvent } from '../../src/main/telephony/call-state';
import type { CallSnapshot } from '../../src/shared/calls';
import { AppError } from '../../src/shared/result';

/** Headset tests' time: moved on by the test, never by the wall clock. */
export class FakeClock {
  private time = 1_700_000_000_000;
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * Calls held in the real state machine (call-state.ts). The CallControl methods record what the
 * controller asked for and behave as the call manager does: answer and hold finish later (after
 * the SIP exchange), reject and hang-up change the call at once, mute is synchronous, answering
 * holds the call in progress first. `apply` and `ring` are the PBX's and the UI's side.
 */
export class StateMachineCalls implements CallControl {
  readonly actions: string[] = [];
  failNext: AppError | null = null;
  private readonly calls = new Map<string, CallSnapshot>();
  private readonly listeners = new Set<(call: CallSnapshot) => void>();
  private count = 0;

  constructor(private readonly clock: FakeClock) {}

  ring(number = '+4930123456'): string {
    this.count += 1;
    const call = newInboundCall(
      `in-${this.count}`,
      { number, name: 'Erika Muster', anonymous: false },
      this.clock.now(),
    );
    this.publish(call);
    return call.id;
  }

  place(number: string): string {
    this.count += 1;
    const call = newOutboundCall(`out-${this.count}`, { number, name: null, anonymous: false }, this.clock.now());
    this.publish(call);
    return call.id;
  }

  apply(callId: string, event: CallEvent): CallSnapshot {
    const call = this.calls.get(callId);
    if (call === undefined) throw new AppError('not_found', 'no such call');
    const result = transition(call, event, this.clock.now());
    if (!result.ok) throw new AppError('conflict', result.reason);
    this.publish(result.state);
    return result.state;
  }

  get(callId: string): CallSnapshot | undefined {
    return this.calls.get(callId);
  }

  async answer(callId: string): Promise<CallSnapshot> {
    this.actions.push(`answer ${callId}`);
    await Promise.resolve();
    this.throwIfFailing();
    for (const other of this.list())
      if (other.id !== callId && other.phase === 'active' && !other.held) this.apply(other.id, { type: 'hold' });
    return this.apply(callId, { type: 'answer' });
  }

  async reject(callId: string, status: 486 | 603): Promise<CallSnapshot> {
    this.actions.push(`reject ${callId} ${status}`);
    this.throwIfFailing();
    return this.apply(callId, { type: 'reject', status });
  }

  async hangup(callId: string): Promise<CallSnapshot> {
    this.actions.push(`hangup ${callId}`);
    this.throwIfFailing();
    const phase = this.get(callId)?.phase;
    return this.apply(callId, phase === 'ringing' ? { type: 'reject', status: 486 } : { type: 'hangup', by: 'local' });
  }

  async hold(callId: string, held: boolean): Promise<CallSnapshot> {
    this.actions.push(`hold ${callId} ${held}`);
    await Promise.resolve();
    this.throwIfFailing();
    return this.apply(callId, { type: held ? 'hold' : 'resume' });
  }

  mute(callId: string, muted: boolean): CallSnapshot {
    this.actions.push(`mute ${callId} ${muted}`);
    this.throwIfFailing();
    return this.apply(callId, { type: 'mute', muted });
  }

  async dial(target: string): Promise<CallSnapshot> {
    this.actions.push(`dial ${target}`);
    this.throwIfFailing();
    const id = this.place(target);
    return this.calls.get(id) as CallSnapshot;
  }

  list(): CallSnapshot[] {
    return [...this.calls.values()].filter((call) => call.phase !== 'ended');
  }

  onChange(listener: (call: CallSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private throwIfFailing(): void {
    const failure = this.failNext;
    this.failNext = null;
    if (failure !== null) throw failure;
  }

  private publish(call: CallSnapshot): void {
    this.calls.set(call.id, call);
    for (const listener of [...this.listeners]) listener(call);
  }
}
