import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnfinishedIntake } from '../../../../shared/contract/intake';
import { useApi } from '../../api/client';
import { callerText } from '../calllog/callLogModel';
import { formatDateTime } from './intakeDisplay';
import { useIntakeLanguage } from './useIntakeForm';

/**
 * Drafts not submitted yet, newest first, from `intake.unfinished`: loaded again when a new draft
 * appears and after a reconnect; a submitted one leaves the list and problem counts follow
 * `intake.changed` without asking main again at every keystroke.
 */
export function useUnfinishedIntakes(): readonly UnfinishedIntake[] {
  const api = useApi();
  const [items, setItems] = useState<readonly UnfinishedIntake[]>([]);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((count) => count + 1), []);
  /** The list as last rendered, for the event listener to tell a new draft from a known one. */
  const known = useRef(new Set<string>());
  useEffect(() => {
    known.current = new Set(items.map((item) => item.callId));
  }, [items]);

  useEffect(() => {
    let active = true;
    void api.request('intake.unfinished').then((result) => {
      // Without a call log there is nothing to pick up; the call log view says why.
      if (active && result.ok) setItems(result.value);
    });
    return () => {
      active = false;
    };
  }, [api, generation]);

  useEffect(() => {
    const stop = api.on('intake.changed', ({ callId, state, problemCount }) => {
      if (state === 'submitted') setItems((current) => current.filter((item) => item.callId !== callId));
      else if (!known.current.has(callId)) reload();
      else setItems((current) => current.map((item) => (item.callId === callId ? { ...item, problemCount } : item)));
    });
    const stopConnection = api.transport.onConnection((state) => {
      if (state === 'open') reload();
    });
    return () => {
      stop();
      stopConnection();
    };
  }, [api, reload]);

  return items;
}

/** Drafts left over (a crash, a form closed by another call): a button each to carry on. */
export function UnfinishedIntakes({
  openCallId,
  onOpen,
}: {
  /** The draft already open beside the calls is not offered again. */
  readonly openCallId: string | null;
  readonly onOpen: (intake: UnfinishedIntake) => void;
}) {
  const { t } = useTranslation();
  const language = useIntakeLanguage();
  const headingId = useId();
  const items = useUnfinishedIntakes().filter((item) => item.callId !== openCallId);
  if (items.length === 0) return null;
  return (
    <section className="intake-unfinished" aria-labelledby={headingId} data-testid="intake-unfinished">
      <h2 id={headingId}>{t('intake.unfinished.title')}</h2>
      <ul className="intake-unfinished-list">
        {items.map((item) => (
          <li key={item.callId}>
            <button type="button" data-testid={`intake-unfinished-${item.callId}`} onClick={() => onOpen(item)}>
              {t('intake.unfinished.open', {
                caller: callerText(item.remote, t),
                time: formatDateTime(item.startedAt, language),
              })}
            </button>
            {item.problemCount > 0 && (
              <span className="intake-unfinished-problems">
                {' '}
                {t('intake.unfinished.problems', { count: item.problemCount })}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
