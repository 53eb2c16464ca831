import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSnapshot } from '../../../../shared/calls';
import { qualityWarnings } from '../../../../shared/quality';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { useCallQuality, useTonesPlayed } from '../../media/context';
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

function CallerName({ call }: { call: CallSnapshot }) {
  return <>{useCallerText(call)}</>;
}

/** Transfer: blind to a number, or attended to another call in progress; and DTMF tones. */
function CallTools({ call, others }: { call: CallSnapshot; others: CallSnapshot[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const ids = { target: useId(), tones: useId() };
  const [target, setTarget] = useState('');
  const [tones, setTones] = useState('');
  const [error, setError] = useState<ErrorData | null>(null);
  // Tones in the media are shown as the RTCDTMFSender plays them; SIP INFO ones once sent.
  const played = useTonesPlayed(call.id);
  const [sentByInfo, setSentByInfo] = useState<string | null>(null);
  const run = async <T,>(
    work: Promise<{ ok: true; value: T } | { ok: false; error: ErrorData }>,
    done: (value: T) => void,
  ): Promise<void> => {
    const result = await work;
    setError(result.ok ? null : result.error);
    if (result.ok) done(result.value);
  };
  return (
    <div className="call-tools">
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <form
        className="field"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void run(api.request('calls.transfer', { callId: call.id, target }), () => setTarget(''));
        }}
      >
        <label htmlFor={ids.target}>{t('calls.transferTo')}</label>
        <input
          id={ids.target}
          type="tel"
          value={target}
          data-testid="call-transfer-target"
          onChange={(event) => setTarget(event.target.value)}
        />
        <button type="submit" disabled={target.trim() === ''} data-testid="call-transfer">
          {t('calls.transfer')}
        </button>
      </form>
      {others
        .filter((other) => other.phase === 'active')
        .map((other) => (
          <button
            key={other.id}
            type="button"
            data-testid="call-connect"
            onClick={() =>
              void run(
                api.request('calls.attendedTransfer', { callId: call.id, withCallId: other.id }),
                () => undefined,
              )
            }
          >
            {t('calls.connectCalls')}
            <CallerName call={other} />
          </button>
        ))}
      <form
        className="field"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void run(api.request('calls.dtmf', { callId: call.id, tones }), ({ via }) => {
            if (via === 'info') setSentByInfo((sent) => ((sent ?? '') + tones.replace(/,/g, '')).slice(-32));
            setTones('');
          });
        }}
      >
        <label htmlFor={ids.tones}>{t('calls.dtmf')}</label>
        <input
          id={ids.tones}
          inputMode="tel"
          value={tones}
          maxLength={32}
          data-testid="call-dtmf"
          onChange={(event) => setTones(event.target.value)}
        />
        <button type="submit" disabled={tones === ''}>
          {t('calls.dtmf')}
        </button>
      </form>
      <p className="dtmf-sent" aria-live="polite" data-testid="dtmf-sent">
        {played !== '' && <span data-via="rfc4733">{t('calls.dtmfSentMedia', { tones: played })}</span>}
        {sentByInfo !== null && <span data-via="info">{t('calls.dtmfSentInfo', { tones: sentByInfo })}</span>}
      </p>
    </div>
  );
}

/** One call: who, how long, its state, and what the agent can do with it. */
export function CallCard({ call, others = [] }: { call: CallSnapshot; others?: CallSnapshot[] }) {
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
      {call.signallingLostAt !== null && (
        <p className="call-warning" role="status" data-testid="call-recovering">
          {t('calls.signallingLost')}
        </p>
      )}
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
      {call.phase === 'active' && <CallTools call={call} others={others.filter((other) => other.id !== call.id)} />}
    </li>
  );
}
