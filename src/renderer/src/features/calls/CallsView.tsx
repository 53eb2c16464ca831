import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ViewHeading } from '../../app/ViewHeading';
import { AgentPanel } from './AgentPanel';
import { CallCard } from './CallCard';
import { DialPad } from './DialPad';
import { useCalls } from './useCalls';
import { useRegistration } from './useRegistration';

export function CallsView() {
  const { t } = useTranslation();
  const api = useApi();
  const { state: registration, text } = useRegistration();
  const calls = useCalls();
  const [error, setError] = useState<ErrorData | null>(null);

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

      <AgentPanel />

      <h2>{t('calls.current')}</h2>
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

      <DialPad disabled={registration?.state !== 'registered'} />
    </section>
  );
}
