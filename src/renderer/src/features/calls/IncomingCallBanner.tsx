import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSnapshot } from '../../../../shared/calls';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { useCallerText } from './CallCard';

function Incoming({ call }: { call: CallSnapshot }) {
  const { t } = useTranslation();
  const api = useApi();
  const caller = useCallerText(call);
  const [error, setError] = useState<ErrorData | null>(null);
  const act = async (request: 'calls.answer' | 'calls.reject'): Promise<void> => {
    const result = await api.request(request, { callId: call.id });
    setError(result.ok ? null : result.error);
  };
  return (
    <section
      className="incoming"
      aria-label={t('calls.incomingFrom', { caller })}
      data-testid="incoming-call"
      data-call={call.id}
    >
      <p className="incoming-title">
        <strong>{t('calls.incoming')}</strong>: <span data-testid="incoming-caller">{caller}</span>
      </p>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="call-actions">
        <button
          type="button"
          className="button-primary"
          aria-keyshortcuts="Alt+A"
          data-testid="incoming-answer"
          onClick={() => void act('calls.answer')}
        >
          {t('calls.answer')}
        </button>
        <button type="button" data-testid="incoming-reject" onClick={() => void act('calls.reject')}>
          {t('calls.reject')}
        </button>
      </div>
    </section>
  );
}

/** Ringing calls, above every view, announced to screen readers. */
export function IncomingCallBanner({ calls }: { calls: CallSnapshot[] }) {
  const { t } = useTranslation();
  const ringing = calls.filter((call) => call.phase === 'ringing');
  return (
    <div className="incoming-area" role="region" aria-live="assertive" aria-label={t('calls.incoming')}>
      {ringing.map((call) => (
        <Incoming key={call.id} call={call} />
      ))}
    </div>
  );
}
