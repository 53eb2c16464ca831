import type { CallSnapshot } from '../../shared/calls';
import type { QualityFigures } from '../../shared/quality';
import type { Unsubscribe } from '../core/disposables';
import { errorFields } from '../core/errors';
import type { Logger } from '../core/log';
import type { CallLog } from './call-log';

export interface RecordedCalls {
  onChange(listener: (call: CallSnapshot) => void): Unsubscribe;
  onQuality(listener: (report: { callId: string; quality: QualityFigures }) => void): Unsubscribe;
}

/**
 * The call log follows every call from its first ring or dial, and takes its quality at the end.
 * Written in the log's worker: the commit waits for the disk, the event path never does; a
 * failure is logged (name and code).
 */
export function recordCalls(callLog: CallLog, calls: RecordedCalls, log: Logger): Unsubscribe {
  const failed = (what: string) => (error: unknown) => log.error(what, errorFields(error));
  const stopCalls = calls.onChange((call) => {
    callLog.record(call).catch(failed('a call could not be written to the call log'));
  });
  const stopQuality = calls.onQuality((report) => {
    callLog
      .recordQuality(report.callId, report.quality)
      .catch(failed('call quality could not be written to the call log'));
  });
  return () => {
    stopCalls();
    stopQuality();
  };
}
