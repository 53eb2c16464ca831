/** Stops a subscription: returned by every `on…(listener)`. */
export type Unsubscribe = () => void;

export interface EmitterOptions {
  /**
   * A listener that throws: without this the error goes to whoever emitted (and the listeners
   * after it are not called); with it, it is reported here and the other listeners still hear.
   */
  readonly onListenerError?: (error: unknown) => void;
}

/**
 * A set of listeners for one kind of event. Each listener is called in the order it was added,
 * with the listeners as they were when the event was emitted (one that unsubscribes itself or
 * another meanwhile changes nothing for this event). In shared/, so main and the renderer use one.
 */
export class Emitter<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();
  private readonly onListenerError: ((error: unknown) => void) | undefined;

  constructor(options: EmitterOptions = {}) {
    this.onListenerError = options.onListenerError;
  }

  /** Adds a listener; the function returned removes it (again and again, harmlessly). */
  on(listener: (...args: Args) => void): Unsubscribe {
    // The same function twice is two subscriptions: wrap it, so each unsubscribes only itself.
    const entry = (...args: Args): void => listener(...args);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(...args: Args): void {
    for (const listener of [...this.listeners]) {
      if (this.onListenerError === undefined) listener(...args);
      else
        try {
          listener(...args);
        } catch (error) {
          this.onListenerError(error);
        }
    }
  }

  /** Removes every listener (the source is going away). */
  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
