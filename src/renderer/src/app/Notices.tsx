import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/client';

interface Notice {
  readonly id: number;
  readonly title: string;
  readonly body: string;
}

const SHOWN_FOR_MS = 15_000;

/**
 * Notifications main asks for (the browser host cannot show OS notifications itself): a system
 * notification when the user allowed them, and always an in-page notice that screen readers announce.
 */
export function Notices() {
  const { t } = useTranslation();
  const api = useApi();
  const [notices, setNotices] = useState<Notice[]>([]);

  useEffect(() => {
    let next = 1;
    return api.on('app.notification', ({ title, body }) => {
      const id = next++;
      setNotices((current) => [...current.slice(-2), { id, title, body }]);
      setTimeout(() => setNotices((current) => current.filter((notice) => notice.id !== id)), SHOWN_FOR_MS);
      if ('Notification' in window && Notification.permission === 'granted') new Notification(title, { body });
    });
  }, [api]);

  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className="notice notice-toast">
          <strong>{notice.title}</strong> <span>{notice.body}</span>{' '}
          <button
            type="button"
            className="button-link"
            onClick={() => setNotices((current) => current.filter((each) => each.id !== notice.id))}
          >
            {t('errors.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
