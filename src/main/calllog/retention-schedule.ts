import type { Unsubscribe } from '../core/disposables';
import { errorFields } from '../core/errors';
import type { Logger } from '../core/log';
import type { CallLog } from './call-log';

export interface RetentionScheduleOptions {
  readonly callLog: Pick<CallLog, 'status' | 'integrity' | 'purge' | 'purgeAudit'>;
  readonly days: () => number;
  readonly auditDays: () => number;
  /** The console's own export files hold the same calls: removed as long after they were written. */
  readonly removeExpiredExports: (days: number) => Promise<unknown>;
  readonly log: Logger;
  readonly intervalMs?: number;
}

/**
 * Retention, at start (after the integrity check: its long read would keep the purge's
 * checkpoint from emptying the WAL) and then daily: the calls' personal fields and the export
 * files `retention.days` after, the audit log's entries after `retention.auditDays`; every run
 * audited by the call log. A failure is logged (name and code) and the next run tries again.
 */
export function scheduleRetention(options: RetentionScheduleOptions): Unsubscribe {
  const { callLog, log } = options;
  const failed = (what: string) => (error: unknown) => log.error(what, errorFields(error));
  const run = (): void => {
    if (callLog.status.state !== 'open') return;
    const days = options.days();
    callLog.purge(days).catch(failed('the retention run failed'));
    options.removeExpiredExports(days).catch(failed('the retention run for export files failed'));
    callLog.purgeAudit(options.auditDays()).catch(failed('the audit retention run failed'));
  };
  void callLog.integrity.then(run);
  const timer = setInterval(run, options.intervalMs ?? 86_400_000);
  timer.unref();
  return () => clearInterval(timer);
}
