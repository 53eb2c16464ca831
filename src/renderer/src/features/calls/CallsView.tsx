import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { CallSnapshot, RemoteParty } from '../../../../shared/calls';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ViewHeading } from '../../app/ViewHeading';
import { callerText } from '../calllog/callLogModel';
import { IntakeForm } from '../intake/IntakeForm';
import { UnfinishedIntakes } from '../intake/UnfinishedIntakes';
import { AgentPanel } from './AgentPanel';
import { CallCard } from './CallCard';
import { DialPad } from './DialPad';
import { useCalls } from './useCalls';
import { useRegistration } from './useRegistration';

/** The call whose intake form is open beside the calls; it may have ended since. */
interface OpenIntake {
  readonly callId: string;
  readonly callerNumber: string | null;
  readonly caller: string;
}

function openIntakeFor(callId: string, remote: RemoteParty, t: TFunction): OpenIntake {
  return { callId, callerNumber: remote.anonymous ? null : remote.number, caller: callerText(remote, t) };
}

/**
 * Which call's intake is open: a call answered since the last render opens its form (the most
 * recently answered one, when several were), and the form stays open after the call ends.
 */
function useOpenIntake(calls: readonly CallSnapshot[]): [OpenIntake | null, (next: OpenIntake | null) => void] {
  const { t } = useTranslation();
  const [open, setOpen] = useState<OpenIntake | null>(null);
  /** The answered calls of the last render: only a call not among them opens a form. */
  const [answered, setAnswered] = useState<ReadonlySet<string>>(() => new Set());
  const newly = calls.filter((call) => call.answeredAt !== null && !answered.has(call.id));
  if (newly.length > 0) {
    setAnswered(new Set(calls.filter((call) => call.answeredAt !== null).map((call) => call.id)));
    const latest = newly.reduce((a, b) => ((b.answeredAt ?? 0) > (a.answeredAt ?? 0) ? b : a));
    setOpen(openIntakeFor(latest.id, latest.remote, t));
  }
  return [open, setOpen];
}

export function CallsView() {
  const { t } = useTranslation();
  const api = useApi();
  const { state: registration, text } = useRegistration();
  const calls = useCalls();
  const [error, setError] = useState<ErrorData | null>(null);
  const [intake, setIntake] = useOpenIntake(calls);
  /** Where focus goes when the intake form closes under it. */
  const currentHeading = useRef<HTMLHeadingElement>(null);

  const reconnect = async (): Promise<void> => {
    const result = await api.request('calls.reconnect');
    setError(result.ok ? null : result.error);
  };

  return (
    <section aria-labelledby="calls-heading">
      <ViewHeading>
        <span id="calls-heading">{t('calls.title')}</span>
      </ViewHeading>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {registration?.state === 'not_configured' && <p className="notice">{t('calls.notConfigured')}</p>}
      {registration?.state === 'registered' && (
        <p className="notice" data-testid="calls-registration">
          {text}
        </p>
      )}
      {(registration?.state === 'reconnecting' ||
        registration?.state === 'failed' ||
        registration?.state === 'connecting') && (
        <div className="notice notice-warning">
          <p>{t('calls.notRegistered')}</p>
          <p data-testid="calls-registration">{text}</p>
          <button type="button" onClick={() => void reconnect()} data-testid="calls-reconnect">
            {t('calls.reconnectNow')}
          </button>
        </div>
      )}

      <div className={intake ? 'calls-layout calls-layout-intake' : 'calls-layout'}>
        <div className="calls-area-calls">
          <AgentPanel />

          <h2 ref={currentHeading} tabIndex={-1}>
            {t('calls.current')}
          </h2>
          {calls.length === 0 ? (
            <p>{t('calls.none')}</p>
          ) : (
            <ul className="call-list" data-testid="call-list">
              {calls.map((call) => (
                <CallCard key={call.id} call={call} others={calls} />
              ))}
            </ul>
          )}
          <p className="shortcut-hint">{t('calls.shortcuts')}</p>
        </div>
        {intake && (
          <div className="calls-area-intake">
            <IntakeForm
              key={intake.callId}
              callId={intake.callId}
              callerNumber={intake.callerNumber}
              caller={intake.caller}
              onClose={() => {
                setIntake(null);
                currentHeading.current?.focus();
              }}
            />
          </div>
        )}
        <div className="calls-area-extra">
          <UnfinishedIntakes
            openCallId={intake?.callId ?? null}
            onOpen={(item) => setIntake(openIntakeFor(item.callId, item.remote, t))}
          />
          <DialPad disabled={registration?.state !== 'registered'} />
        </div>
      </div>
    </section>
  );
}
