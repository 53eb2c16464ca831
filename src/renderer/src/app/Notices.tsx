import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/client';

interface Notice {
  readonly id: number;
  readonly title: string;
  readonly body: string;
  readonly tag: string | null;
  /** The system notification shown with it, to close together. */
  readonly system: Notification | null;
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
    const stopShow = api.on('app.notification', ({ title, body, tag }) => {
      const id = next++;
      const system =
        'Notification' in window && Notification.permission === 'granted'
          ? new Notification(title, { body, ...(tag ? { tag } : {}) })
          : null;
      setNotices((current) => [
        ...current.filter((notice) => tag === undefined || notice.tag !== tag).slice(-2),
        { id, title, body, tag: tag ?? null, system },
      ]);
      setTimeout(() => setNotices((current) => current.filter((notice) => notice.id !== id)), SHOWN_FOR_MS);
    });
    const stopWithdraw = api.on('app.notificationWithdrawn', ({ tag }) => {
      setNotices((current) =>
        current.filter((notice) => {
          if (notice.tag !== tag) return true;
          notice.system?.close();
          return false;
        }),
      );
    });
    return () => {
      stopShow();
      stopWithdraw();
    };
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
