import { events, type EventName, type EventPayload } from '../../shared/contract';
import { describeIssues } from '../../shared/result';
import type { Logger } from './log';
import { errorFields } from './errors';

export type EventSink = (name: EventName, payload: unknown) => void;

/**
 * Main's outgoing events. Payloads are checked against the contract before they leave, so a
 * renderer never sees an event the contract does not describe.
 */
export class EventHub {
  private readonly sinks = new Set<EventSink>();
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  /** The payload as the contract defines it, or null (logged) when it does not fit. */
  check<N extends EventName>(name: N, payload: EventPayload<N>): EventPayload<N> | null {
    const checked = events[name].payload.safeParse(payload);
    if (checked.success) return checked.data as EventPayload<N>;
    this.log.error('event broke the contract', { event: name, issues: describeIssues(checked.error, 'payload') });
    return null;
  }

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const checked = this.check(name, payload);
    if (checked === null) return;
    for (const sink of [...this.sinks]) {
      try {
        sink(name, checked);
      } catch (error) {
        this.log.warn('event sink failed', { event: name, ...errorFields(error) });
      }
    }
  }

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get subscriberCount(): number {
    return this.sinks.size;
  }
}
