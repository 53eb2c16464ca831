import { useCallback, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallLogStatus, CallRecord } from '../../../../shared/contract/calllog';
import type { ErrorData } from '../../../../shared/result';
import { useApi, useLive } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ViewHeading } from '../../app/ViewHeading';
import { SubjectRequests } from '../privacy/SubjectRequests';
import { CallDetail } from './CallDetail';
import { CallLogFilters, NO_FILTERS, useCallLogQuery, type Filters } from './CallLogFilters';
import { CallLogList } from './CallLogList';

/** Why the log cannot be used, in the user's language; for a corrupt log, a way to start again. */
function StatusNotice({ status, onStarted }: { status: CallLogStatus; onStarted: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);

  const startFresh = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    const result = await api.request('calllog.startFresh');
    setBusy(false);
    if (result.ok) {
      setError(null);
      onStarted();
    } else setError(result.error);
  };

  let message: string;
  switch (status.state) {
    case 'open':
      return null;
    case 'wrong_key':
      message = t('calllog.status.wrong_key');
      break;
    case 'corrupt':
      message = t('calllog.status.corrupt', { path: status.movedTo });
      break;
    case 'newer_version':
      message = t('calllog.status.newer_version', { version: status.version });
      break;
    case 'unavailable':
      message = t('calllog.status.unavailable', { reason: status.reason });
      break;
    case 'secrets_unprotected':
      message = t('calllog.status.secrets_unprotected', { reason: status.reason });
      break;
  }

  return (
    <div
      className={status.state === 'unavailable' ? 'notice notice-warning' : 'notice notice-error'}
      data-testid="calllog-status"
      data-state={status.state}
    >
      <p className="calllog-status-message">{message}</p>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {status.state === 'corrupt' && (
        <button
          type="button"
          className="button-primary"
          aria-disabled={busy}
          data-testid="calllog-start-fresh"
          onClick={() => void startFresh()}
        >
          {t('calllog.status.startFresh')}
        </button>
      )}
    </div>
  );
}

/** The call log: search and filters, the calls (newest first), and the selected call's details. */
export function CallLogView() {
  const { t } = useTranslation();
  const api = useApi();
  // main announces every change, also the one startFresh makes.
  const { value: status, error: statusError } = useLive('calllog.status', 'calllog.statusChanged', (next) => next);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const query = useCallLogQuery(filters);
  const [selected, setSelected] = useState<CallRecord | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const dialing = useRef(false);
  const detailHeadingId = useId();
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const listArea = useRef<HTMLDivElement>(null);

  const select = useCallback((record: CallRecord) => setSelected(record), []);
  const open = useCallback((record: CallRecord) => {
    setSelected(record);
    detailHeading.current?.focus();
  }, []);

  const callBack = useCallback(
    async (target: string): Promise<void> => {
      if (dialing.current) return;
      dialing.current = true;
      const result = await api.request('calls.dial', { target });
      dialing.current = false;
      if (result.ok) {
        setError(null);
        window.location.hash = '/calls';
      } else setError(result.error);
    },
    [api],
  );
  const onCallBack = useCallback((target: string) => void callBack(target), [callBack]);

  const backToList = (event: React.KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    const row = listArea.current?.querySelector<HTMLElement>('.calllog-select[tabindex="0"]');
    if (!row) return;
    event.preventDefault();
    row.focus();
  };

  let body: React.ReactNode;
  if (!status) {
    body = statusError ? <ErrorNotice error={statusError} /> : <p>{t('app.loading')}</p>;
  } else if (status.state !== 'open') {
    body = (
      <StatusNotice
        status={status}
        onStarted={() => {
          // The selected call was in the log that was moved aside.
          setSelected(null);
        }}
      />
    );
  } else {
    body = (
      <>
        <CallLogFilters filters={filters} onChange={setFilters} />
        <div className="calllog-layout">
          <div ref={listArea} className="calllog-list-area">
            <CallLogList
              key={JSON.stringify(query)}
              query={query}
              selectedId={selected?.id ?? null}
              onSelect={select}
              onOpen={open}
              onCallBack={onCallBack}
            />
          </div>
          <section
            className="calllog-detail panel"
            data-testid="calllog-detail"
            aria-labelledby={detailHeadingId}
            onKeyDown={backToList}
          >
            <h2 id={detailHeadingId} ref={detailHeading} tabIndex={-1} className="calllog-detail-heading">
              {t('calllog.detail.title')}
            </h2>
            {selected ? (
              <>
                <p className="shortcut-hint calllog-hint">{t('calllog.detail.backHint')}</p>
                <CallDetail key={selected.id} initial={selected} />
              </>
            ) : (
              <p>{t('calllog.detail.none')}</p>
            )}
          </section>
        </div>
        <SubjectRequests />
      </>
    );
  }

  return (
    <section aria-labelledby="calllog-heading" className="calllog">
      <ViewHeading>
        <span id="calllog-heading">{t('calllog.title')}</span>
      </ViewHeading>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {body}
    </section>
  );
}
