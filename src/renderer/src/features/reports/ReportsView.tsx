import { useTranslation } from 'react-i18next';
import { ViewHeading } from '../../app/ViewHeading';

export function ReportsView() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="reports-heading">
      <ViewHeading>
        <span id="reports-heading">{t('reports.title')}</span>
      </ViewHeading>
      <p className="notice">{t('reports.empty')}</p>
    </section>
  );
}
