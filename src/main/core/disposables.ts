import type { Unsubscribe } from '../../shared/emitter';

export type { Unsubscribe };

/**
 * Subscriptions to end together: `add` each one's unsubscribe, `dispose` ends them all (each once,
 * in the order they were added). Where the order of closing matters (services), it stays written
 * out where they are closed.
 */
export class DisposableStore {
  private readonly entries: Unsubscribe[] = [];
  private disposed = false;

  /** Keeps `dispose`; after the store was disposed, runs it at once. Returns it. */
  add(dispose: Unsubscribe): Unsubscribe {
    if (this.disposed) dispose();
    else this.entries.push(dispose);
    return dispose;
  }

  dispose(): void {
    this.disposed = true;
    for (const dispose of this.entries.splice(0)) dispose();
  }
}
