import { useTranslation } from 'react-i18next';
import { useApi, useConnection } from '../api/client';
import { useAgent } from '../features/calls/AgentPanel';
import { useRegistration } from '../features/calls/useRegistration';

/** Tells the truth about the service connection and the phone line, nothing more. */
export function StatusBar() {
  const { t } = useTranslation();
  const api = useApi();
  const connection = useConnection();
  const { state: registration, text: phone } = useRegistration();
  const agent = useAgent();
  const agentText = agent?.agent
    ? t('agent.statusBar', { status: t(`agent.statuses.${agent.status}`) })
    : t('agent.statusBarNone');

  return (
    <footer className="status-bar" aria-label={t('status.label')}>
      <p role="status" aria-live="polite" className="status-bar-items">
        <span data-testid="status-agent">{agentText}</span>
        <span data-testid="status-registration" data-state={registration?.state ?? 'loading'}>
          {phone}
        </span>
        {api.transport.kind === 'websocket' && (
          <span data-testid="status-connection" data-state={connection}>
            {t(`status.connection.${connection}`)}
          </span>
        )}
      </p>
    </footer>
  );
}
