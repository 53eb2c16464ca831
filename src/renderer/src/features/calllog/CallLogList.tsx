import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallLogQuery, CallRecord } from '../../../../shared/contract/calllog';
import { ErrorNotice } from '../../app/ErrorNotice';
import {
  callbackNumber,
  callerText,
  formatMs,
  isEmptyQuery,
  outcomeKey,
  useCallLogFormats,
  type CallLogFormats,
} from './callLogModel';
import { useCallLogPages } from './useCallLog';
import { geometry, ROW_HEIGHT, rowTop, scrollTopToShow, type Geometry } from './virtual';

/** Load the next page when the rendered rows come this close to the end of the loaded ones. */
const LOAD_AHEAD = 40;

interface RowProps {
  readonly record: CallRecord;
  readonly index: number;
  readonly top: number;
  readonly setSize: number;
  readonly selected: boolean;
  /** The one row in the tab order (roving tabindex). */
  readonly tabbable: boolean;
  readonly formats: CallLogFormats;
  readonly onPick: (record: CallRecord, index: number) => void;
  readonly onFocusRow: (record: CallRecord, index: number) => void;
  readonly onCallBack: (number: string) => void;
}

/** One call: a button that selects it, and for a missed call with a number, "Rückruf". */
const CallLogRow = memo(function CallLogRow({
  record,
  index,
  top,
  setSize,
  selected,
  tabbable,
  formats,
  onPick,
  onFocusRow,
  onCallBack,
}: RowProps) {
  const { t } = useTranslation();
  const caller = callerText(record.remote, t);
  const outcome = outcomeKey(record);
  const missed = record.outcome === 'missed';
  const number = callbackNumber(record);
  return (
    <li
      className={['calllog-row', missed && 'calllog-missed', selected && 'calllog-selected'].filter(Boolean).join(' ')}
      style={{ top, height: ROW_HEIGHT }}
      data-testid="calllog-row"
      data-id={record.id}
      data-outcome={outcome}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={setSize}
    >
      <button
        type="button"
        className="calllog-select"
        tabIndex={tabbable ? 0 : -1}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onPick(record, index)}
        onFocus={() => onFocusRow(record, index)}
      >
        <span className="calllog-line">
          <span className="calllog-caller">{caller}</span>
          <span className={`calllog-outcome calllog-outcome-${outcome}`}>
            {missed && (
              <span className="calllog-missed-icon" aria-hidden="true">
                {'⚠ '}
              </span>
            )}
            {t(`calllog.outcomes.${outcome}`)}
          </span>
        </span>
        <span className="calllog-line calllog-meta">
          <time dateTime={new Date(record.startedAt).toISOString()}>{formats.dateTime(record.startedAt)}</time>
          <span>{t(`calllog.directions.${record.direction}`)}</span>
          {record.talkMs !== null && <span>{t('calllog.talkShort', { duration: formatMs(record.talkMs) })}</span>}
          <span>{record.agentCode ? t('calllog.agentShort', { code: record.agentCode }) : t('calllog.noAgent')}</span>
          {record.intake === 'draft' && (
            <span className="calllog-intake-draft" data-testid="calllog-intake-draft">
              {t('calllog.intakeDraft')}
            </span>
          )}
        </span>
      </button>
      {number !== null && (
        <button
          type="button"
          className="calllog-callback"
          data-testid="calllog-callback"
          tabIndex={tabbable ? 0 : -1}
          aria-label={t('calllog.callbackTo', { caller })}
          onClick={() => onCallBack(number)}
        >
          {t('calllog.callback')}
        </button>
      )}
    </li>
  );
});

interface ListProps {
  readonly query: CallLogQuery;
  readonly selectedId: string | null;
  readonly onSelect: (record: CallRecord) => void;
  /** Enter on a row: select it and move to the detail pane. */
  readonly onOpen: (record: CallRecord) => void;
  readonly onCallBack: (number: string) => void;
}

/**
 * Every call matching `query`, newest first, loaded page by page as the user scrolls. Only the
 * rows in view (plus some overscan, plus the selected one) are in the DOM: rows have one fixed
 * height and are placed absolutely in an element as tall as all of them.
 */
export function CallLogList({ query, selectedId, onSelect, onOpen, onCallBack }: ListProps) {
  const { t } = useTranslation();
  const formats = useCallLogFormats();
  const headingId = useId();
  const hintId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const atTopRef = useRef(true);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  /** Where the selected row was last seen, so that finding it is not a search of every row. */
  const [hint, setHint] = useState(0);
  /** A row to focus once it is rendered (after a key moved the selection). */
  const [focusRequest, setFocusRequest] = useState<{ index: number } | null>(null);

  const atTop = useCallback(() => atTopRef.current, []);
  const { rows, hasMore, loaded, error, loadMore, retry } = useCallLogPages(query, atTop);

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setViewport(entry.contentRect.height);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const at: Geometry = geometry(rows.length, scrollTop, viewport);

  const selectedIndex = useMemo(() => {
    if (selectedId === null) return -1;
    if (rows[hint]?.id === selectedId) return hint;
    return rows.findIndex((row) => row.id === selectedId);
  }, [rows, selectedId, hint]);

  // Near the end of what is loaded: ask for the next page.
  useEffect(() => {
    if (hasMore && at.last >= rows.length - LOAD_AHEAD) loadMore();
  }, [at.last, rows.length, hasMore, loadMore]);

  const scrollTo = useCallback(
    (index: number): void => {
      const element = scrollRef.current;
      if (!element) return;
      const target = scrollTopToShow(index, geometry(rows.length, element.scrollTop, viewport), viewport);
      if (target === null) return;
      element.scrollTop = target;
      atTopRef.current = element.scrollTop < ROW_HEIGHT;
      setScrollTop(element.scrollTop);
    },
    [rows.length, viewport],
  );

  const pick = useCallback(
    (record: CallRecord, index: number): void => {
      setHint(index);
      onSelect(record);
    },
    [onSelect],
  );

  // The latest render's selection and window, for the row callbacks (kept stable for memo).
  const latest = useRef({ selectedId, first: at.first, last: at.last });
  useLayoutEffect(() => {
    latest.current = { selectedId, first: at.first, last: at.last };
  });

  // Focus selects (Tab into the list, or onto the selected row after scrolling it away).
  const focusRow = useCallback(
    (record: CallRecord, index: number): void => {
      const { selectedId: current, first, last } = latest.current;
      if (index < first || index > last) scrollTo(index);
      if (record.id !== current) pick(record, index);
    },
    [pick, scrollTo],
  );

  useLayoutEffect(() => {
    if (!focusRequest) return;
    listRef.current
      ?.querySelector<HTMLElement>(`li[data-index="${focusRequest.index}"] .calllog-select`)
      ?.focus({ preventScroll: true });
  }, [focusRequest]);

  const moveTo = (index: number): void => {
    const target = Math.max(0, Math.min(rows.length - 1, index));
    const record = rows[target];
    if (!record) return;
    setHint(target);
    onSelect(record);
    scrollTo(target);
    setFocusRequest({ index: target });
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLUListElement>): void => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const element = event.target as HTMLElement;
    const row = element.closest<HTMLElement>('li[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    const targets: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (event.key === 'Enter' && element.classList.contains('calllog-select')) {
      const record = rows[index];
      if (!record) return;
      event.preventDefault();
      setHint(index);
      onOpen(record);
      return;
    }
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveTo(target);
  };

  // What is rendered: the rows in view with overscan, and the selected row wherever it is, so
  // that it keeps focus (and stays the tab stop) when scrolled away.
  const indexes: number[] = [];
  for (let index = at.first; index <= at.last; index += 1) indexes.push(index);
  const selectedOutside = selectedIndex >= 0 && (selectedIndex < at.first || selectedIndex > at.last);
  if (selectedOutside) {
    if (selectedIndex < at.first) indexes.unshift(selectedIndex);
    else indexes.push(selectedIndex);
  }
  const tabbable = selectedIndex >= 0 ? selectedIndex : at.firstVisible;
  const setSize = hasMore ? -1 : rows.length;
  const total = formats.number(rows.length);

  return (
    <section className="calllog-list-pane" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('calllog.listHeading')}</h2>
      {error && (
        <div className="calllog-load-error">
          <ErrorNotice error={error} />
          <button type="button" onClick={retry}>
            {t('calllog.retry')}
          </button>
        </div>
      )}
      {!loaded ? (
        !error && <p className="calllog-summary">{t('app.loading')}</p>
      ) : rows.length === 0 ? (
        <p className="calllog-summary" role="status">
          {isEmptyQuery(query) ? t('calllog.empty') : t('calllog.noMatches')}
        </p>
      ) : (
        <p className="calllog-summary">
          {hasMore ? t('calllog.loadedSome', { total }) : t('calllog.loadedAll', { total })}
        </p>
      )}
      <div
        ref={scrollRef}
        className="calllog-scroll panel"
        data-testid="calllog-list"
        onScroll={(event) => {
          const top = event.currentTarget.scrollTop;
          atTopRef.current = top < ROW_HEIGHT;
          setScrollTop(top);
        }}
      >
        <ul
          ref={listRef}
          className="calllog-rows"
          style={{ height: at.height }}
          aria-labelledby={headingId}
          aria-describedby={hintId}
          onKeyDown={onKeyDown}
        >
          {indexes.map((index) => {
            const record = rows[index]!;
            // A selected row out of view keeps its place; when the rows are scaled (a very long
            // list) its place may lie outside the element, so it waits above the top unseen.
            const natural = rowTop(index, at, scrollTop);
            const top = natural < 0 || natural > at.height - ROW_HEIGHT ? -2 * ROW_HEIGHT : natural;
            return (
              <CallLogRow
                key={record.id}
                record={record}
                index={index}
                top={top}
                setSize={setSize}
                selected={index === selectedIndex}
                tabbable={index === tabbable}
                formats={formats}
                onPick={pick}
                onFocusRow={focusRow}
                onCallBack={onCallBack}
              />
            );
          })}
        </ul>
      </div>
      <p id={hintId} className="shortcut-hint calllog-hint">
        {t('calllog.keyboardHint')}
      </p>
    </section>
  );
}
