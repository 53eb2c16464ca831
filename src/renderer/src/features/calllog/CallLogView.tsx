import { useTranslation } from 'react-i18next';
import { ViewHeading } from '../../app/ViewHeading';

export function CallLogView() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="calllog-heading">
      <ViewHeading>
        <span id="calllog-heading">{t('calllog.title')}</span>
      </ViewHeading>
      <p className="notice">{t('calllog.empty')}</p>
    </section>
  );
}
