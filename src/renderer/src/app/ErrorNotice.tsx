import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../../shared/result';

/** A request that failed: what it means in the user's language, and main's own message as detail. */
export function ErrorNotice({ error, onDismiss }: { error: ErrorData; onDismiss?: () => void }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="notice notice-error">
      <strong>{t(`errors.${error.code}`)}</strong> <span>{t('errors.detail', { message: error.message })}</span>
      {onDismiss && (
        <button type="button" className="button-link" onClick={onDismiss}>
          {t('errors.dismiss')}
        </button>
      )}
    </div>
  );
}
