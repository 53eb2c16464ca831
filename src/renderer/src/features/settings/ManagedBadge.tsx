import { useTranslation } from 'react-i18next';

/**
 * "Managed by your organisation": shown next to every setting machine policy fixes. The locked
 * control names it in `aria-describedby`, so screen readers say why the control cannot be changed.
 */
export function ManagedBadge({ id }: { id: string }) {
  const { t } = useTranslation();
  return (
    <span id={id} className="badge">
      {t('settings.managed')}
    </span>
  );
}
