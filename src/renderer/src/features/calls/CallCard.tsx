import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSnapshot } from '../../../../shared/calls';
import { qualityWarnings } from '../../../../shared/quality';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { useCallQuality } from '../../media/context';
import { formatDuration, useElapsed } from './useCalls';

export function useCallerText(call: CallSnapshot): string {
  const { t } = useTranslation();
  if (call.remote.anonymous) return t('calls.anonymous');
  const number = call.remote.number ?? t('calls.noNumber');
  return call.remote.name ? `${call.remote.name} (${number})` : number;
}

function Quality({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const figures = useCallQuality(callId);
  if (!figures) return null;
  const warnings = qualityWarnings(figures);
  return (
    <p
      className={warnings.length > 0 ? 'quality quality-warning' : 'quality'}
      data-testid={`quality-${callId}`}
      data-packets={figures.packetsReceived}
    >
      <span className="visually-hidden">{t('calls.quality.label')}: </span>
      {warnings.length > 0 && <strong>{t('calls.quality.warning')} · </strong>}
      {[
        figures.mos !== null ? t('calls.quality.mos', { value: figures.mos.toFixed(1) }) : null,
        figures.rttMs !== null ? t('calls.quality.rtt', { value: figures.rttMs }) : null,
        figures.jitterMs !== null ? t('calls.quality.jitter', { value: figures.jitterMs }) : null,
        figures.lossPercent !== null ? t('calls.quality.loss', { value: figures.lossPercent }) : null,
        t('calls.quality.packets', { value: figures.packetsReceived }),
      ]
        .filter(Boolean)
        .join(' · ')}
    </p>
  );
}

/** One call: who, how long, its state, and what the agent can do with it. */
export function CallCard({ call }: { call: CallSnapshot }) {
  const { t } = useTranslation();
  const api = useApi();
  const caller = useCallerText(call);
  const elapsed = useElapsed(call.answeredAt ?? call.startedAt);
  const [error, setError] = useState<ErrorData | null>(null);
  const run = async (work: Promise<{ ok: boolean; error?: ErrorData }>): Promise<void> => {
    const result = await work;
    setError(result.ok ? null : (result.error ?? null));
  };
  const status = [
    t(`calls.phases.${call.phase}`),
    call.held ? t('calls.held') : null,
    call.remoteHeld ? t('calls.remoteHeld') : null,
    call.muted ? t('calls.muted') : null,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <li
      className="call-card"
      data-testid={`call-${call.id}`}
      data-phase={call.phase}
      data-held={call.held}
      data-muted={call.muted}
    >
      <div className="call-head">
        <strong className="call-caller">{caller}</strong>
        <span className="call-timer" aria-label={formatDuration(elapsed)}>
          {formatDuration(elapsed)}
        </span>
      </div>
      <p className="call-status">{status}</p>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="call-actions">
        {call.phase === 'active' && (
          <>
            <button
              type="button"
              aria-pressed={call.held}
              data-testid="call-hold"
              onClick={() => void run(api.request('calls.hold', { callId: call.id, held: !call.held }))}
            >
              {call.held ? t('calls.resume') : t('calls.hold')}
            </button>
            <button
              type="button"
              aria-pressed={call.muted}
              data-testid="call-mute"
              onClick={() => void run(api.request('calls.mute', { callId: call.id, muted: !call.muted }))}
            >
              {call.muted ? t('calls.unmute') : t('calls.mute')}
            </button>
          </>
        )}
        {call.phase !== 'ringing' && (
          <button
            type="button"
            className="button-danger"
            data-testid="call-hangup"
            onClick={() => void run(api.request('calls.hangup', { callId: call.id }))}
          >
            {t('calls.hangup')}
          </button>
        )}
      </div>
      {call.phase === 'active' && <Quality callId={call.id} />}
    </li>
  );
}
