import { useTranslation } from 'react-i18next';
import { useApi, useConnection, useLive } from '../api/client';

/** Tells the truth about the service connection and the phone line, nothing more. */
export function StatusBar() {
  const { t } = useTranslation();
  const api = useApi();
  const connection = useConnection();
  const { value: registration } = useLive('calls.registration', 'calls.registrationChanged', (payload) => payload);

  let phone = t('status.registration.loading');
  if (registration?.state === 'not_configured') phone = t('status.registration.not_configured');
  if (registration?.state === 'not_registered')
    phone = t('status.registration.not_registered', { server: registration.server });

  return (
    <footer className="status-bar" aria-label={t('status.label')}>
      <p role="status" aria-live="polite" className="status-bar-items">
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
