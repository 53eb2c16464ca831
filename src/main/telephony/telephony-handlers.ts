import { sipTraceText } from '../../shared/contract/diagnostics';
import type { AuditTrail } from '../calllog/audit';
import type { Clock } from '../core/clock';
import type { FeatureHandlers } from '../core/handlers';
import type { Logger } from '../core/log';
import type { TelephonyService } from './telephony-service';

type CallRequests =
  | 'calls.registration'
  | 'calls.account'
  | 'calls.setPassword'
  | 'calls.reconnect'
  | 'calls.list'
  | 'calls.answer'
  | 'calls.reject'
  | 'calls.hangup'
  | 'calls.hold'
  | 'calls.mute'
  | 'calls.dial'
  | 'calls.transfer'
  | 'calls.attendedTransfer'
  | 'calls.dtmf';

/** calls.*: the line and the calls on it; a new SIP password is audited (its name, never its value). */
export function callHandlers(telephony: TelephonyService, audit: AuditTrail): FeatureHandlers<CallRequests> {
  const { calls } = telephony;
  return {
    'calls.registration': () => telephony.state,
    'calls.account': () => telephony.account(),
    'calls.setPassword': async ({ password }) => {
      const account = await telephony.setPassword(password);
      audit('settings_change', 'secret:sip.password', ['sip.password']);
      return account;
    },
    'calls.reconnect': () => telephony.reconnect(),
    'calls.list': () => calls.list(),
    'calls.answer': ({ callId }) => calls.answer(callId),
    'calls.reject': ({ callId, status }) => calls.reject(callId, status),
    'calls.hangup': ({ callId }) => calls.hangup(callId),
    'calls.hold': ({ callId, held }) => calls.hold(callId, held),
    'calls.mute': ({ callId, muted }) => calls.mute(callId, muted),
    'calls.dial': ({ target }) => calls.dial(target),
    'calls.transfer': ({ callId, target }) => calls.transfer(callId, target),
    'calls.attendedTransfer': ({ callId, withCallId }) => calls.attendedTransfer(callId, withCallId),
    'calls.dtmf': async ({ callId, tones }) => ({ via: await calls.dtmf(callId, tones) }),
  };
}

/** diagnostics.*: the redacted SIP trace, on and off, and its export (audited). */
export function diagnosticsHandlers(
  telephony: TelephonyService,
  options: { readonly audit: AuditTrail; readonly clock: Clock; readonly log: Logger },
): FeatureHandlers<'diagnostics.sipTrace' | 'diagnostics.setSipTrace' | 'diagnostics.exportSipTrace'> {
  const { trace } = telephony;
  const current = () => ({ enabled: trace.enabled, entries: trace.list() });
  return {
    'diagnostics.sipTrace': current,
    'diagnostics.setSipTrace': ({ enabled }) => {
      trace.setEnabled(enabled);
      options.log.info(enabled ? 'SIP trace on' : 'SIP trace off');
      return current();
    },
    'diagnostics.exportSipTrace': () => {
      const text = sipTraceText(current());
      options.audit('export', 'sip-trace', ['messages']);
      const stamp = new Date(options.clock.now()).toISOString().replace(/[:.]/g, '-');
      return { fileName: `hotline-desk-sip-trace-${stamp}.txt`, text };
    },
  };
}
