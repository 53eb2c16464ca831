/**
 * Saves the latest value a short while after the last change (debounce), but never later than
 * `maxWaitMs` after the first unsaved change, also while changes keep coming. Saves run one after
 * another, each with the newest value; a failed save keeps its value for the next attempt (the next
 * change, or `flush`). No React and no I/O of its own: `save` does the work.
 */
export interface AutosaveOptions<T> {
  /** Saves the value; resolves true when it was saved. */
  readonly save: (value: T) => Promise<boolean>;
  readonly delayMs?: number;
  readonly maxWaitMs?: number;
  readonly now?: () => number;
}

export class Autosave<T> {
  private readonly save: (value: T) => Promise<boolean>;
  private readonly delayMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private pending: { readonly value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstChangeAt: number | null = null;
  private paused = false;
  private chain: Promise<void> = Promise.resolve();

  constructor({ save, delayMs = 400, maxWaitMs = 1_000, now = Date.now }: AutosaveOptions<T>) {
    this.save = save;
    this.delayMs = delayMs;
    this.maxWaitMs = maxWaitMs;
    this.now = now;
  }

  /** A value not saved yet (a change waiting, or a save that failed). */
  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** A new value: it is saved after the delay, unless another change comes first. */
  change(value: T): void {
    this.pending = { value };
    if (this.paused) return;
    const now = this.now();
    this.firstChangeAt ??= now;
    this.clearTimer();
    const wait = Math.max(0, Math.min(this.delayMs, this.firstChangeAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  /** Saves the pending value now (after any save on its way); resolves when that is done. */
  flush(): Promise<void> {
    this.clearTimer();
    this.firstChangeAt = null;
    this.chain = this.chain.then(() => this.saveLatest());
    return this.chain;
  }

  /** Changes are kept but not saved until `resume` (while something else, a submit, is on its way). */
  pause(): void {
    this.paused = true;
    this.clearTimer();
    this.firstChangeAt = null;
  }

  resume(): void {
    this.paused = false;
    if (this.pending) this.change(this.pending.value);
  }

  /** Drops what is pending without saving it (the record was completed by other means). */
  discard(): void {
    this.clearTimer();
    this.firstChangeAt = null;
    this.pending = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async saveLatest(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    const saved = await this.save(pending.value).catch(() => false);
    // Kept for the next attempt, unless a newer value came in the meantime.
    if (!saved && this.pending === null) this.pending = pending;
  }
}
