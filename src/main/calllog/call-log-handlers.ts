import type { FeatureHandlers } from '../core/handlers';
import type { CallLog } from './call-log';

/** calllog.*: the log's state, its pages and searches, one call, and a fresh log after damage. */
export function callLogHandlers(
  callLog: CallLog,
): FeatureHandlers<'calllog.status' | 'calllog.list' | 'calllog.get' | 'calllog.startFresh'> {
  return {
    'calllog.status': () => callLog.status,
    'calllog.list': ({ query, after, limit }) => callLog.list(query, after, limit),
    'calllog.get': ({ id }) => callLog.get(id),
    'calllog.startFresh': () => callLog.startFresh(),
  };
}
