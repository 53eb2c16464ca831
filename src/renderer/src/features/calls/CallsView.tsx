import { useTranslation } from 'react-i18next';
import { useLive } from '../../api/client';
import { ViewHeading } from '../../app/ViewHeading';

export function CallsView() {
  const { t } = useTranslation();
  const { value: registration } = useLive('calls.registration', 'calls.registrationChanged', (payload) => payload);
  return (
    <section aria-labelledby="calls-heading">
      <ViewHeading>
        <span id="calls-heading">{t('calls.title')}</span>
      </ViewHeading>
      {registration?.state === 'not_configured' && <p className="notice">{t('calls.notConfigured')}</p>}
      {registration?.state === 'not_registered' && <p className="notice">{t('calls.notRegistered')}</p>}
    </section>
  );
}
