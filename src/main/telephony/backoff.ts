/**
 * Reconnection timing: exponential back-off from about 1 s up to 30 s, with jitter so that a
 * hundred agents whose PBX restarted do not all knock at the same instant.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0.3 spreads each delay over ±30 %. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, jitter: 0.3 };

/** Delay before attempt number `attempt` (0 = the first retry). `random` returns [0, 1). */
export function backoffDelayMs(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const factor = 1 - options.jitter + 2 * options.jitter * random();
  return Math.round(Math.min(options.maxMs, nominal * factor));
}

/**
 * Which server to try next. After a failure the next server in the list is tried at once; when
 * every server has failed in a row, the round waits for the back-off and starts again from the
 * first (primary) server, so the console returns to it as soon as it is back.
 */
export class ServerRotation {
  private index = 0;
  private failuresInRound = 0;
  private readonly servers: readonly string[];

  constructor(servers: readonly string[]) {
    if (servers.length === 0) throw new Error('ServerRotation needs at least one server');
    this.servers = servers;
  }

  get current(): string {
    return this.servers[this.index]!;
  }

  get isPrimary(): boolean {
    return this.index === 0;
  }

  get primary(): string {
    return this.servers[0]!;
  }

  /** The current server failed. Returns whether the round is over (wait before the next try). */
  failed(): { readonly roundOver: boolean } {
    this.failuresInRound += 1;
    if (this.failuresInRound >= this.servers.length) {
      this.failuresInRound = 0;
      this.index = 0;
      return { roundOver: true };
    }
    this.index = (this.index + 1) % this.servers.length;
    return { roundOver: false };
  }

  /** Connected and registered: the next failure starts a new round from here. */
  succeeded(): void {
    this.failuresInRound = 0;
  }

  /** Go back to the primary (it answered a probe). */
  backToPrimary(): void {
    this.index = 0;
    this.failuresInRound = 0;
  }
}
