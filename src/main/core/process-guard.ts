import { errorFields } from './errors';
import type { Logger } from './log';

export interface ProcessGuardOptions {
  readonly log: Logger;
  /** What to save before the process ends (the call log's writes, the lock): bounded by `graceMs`. */
  readonly beforeExit: () => Promise<void>;
  /** Ends the process (process.exit, or app.exit in Electron). */
  readonly exit: (code: number) => void;
  readonly graceMs?: number;
}

/** The exit status after an uncaught exception (EX_SOFTWARE). */
export const CRASH_EXIT_CODE = 70;

/**
 * The last line of defence of a host process. A promise nobody handled is logged (its error's
 * name and code, never its message) and the process goes on: it is a bug, but no state is lost.
 * An uncaught exception leaves the process in a state nobody knows (Node's own advice: do not go
 * on): it is logged, what is pending is saved (the call log flushed) within a grace period, and
 * the process exits.
 */
export function guardProcess(options: ProcessGuardOptions): () => void {
  let crashing = false;
  const onRejection = (reason: unknown): void => {
    options.log.error('a promise failed and nobody handled it', errorFields(reason));
  };
  const onException = (error: unknown): void => {
    options.log.error('uncaught exception: saving what is pending and stopping', errorFields(error));
    if (crashing) return;
    crashing = true;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, options.graceMs ?? 5_000).unref());
    void Promise.race([options.beforeExit().catch(() => undefined), grace]).finally(() =>
      options.exit(CRASH_EXIT_CODE),
    );
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
