/**
 * Work that must run one at a time, in the order it was asked for (settings written on the
 * result of the last write, audit entries chained in order, intake saves compared with the one
 * before): each piece starts once everything queued before it has settled, and a failure goes to
 * its own caller only, never to the pieces after it.
 */
export class Sequencer {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once everything queued so far has settled (it never rejects). */
  idle(): Promise<void> {
    return this.tail;
  }
}
