import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestOutput } from '../../../../shared/contract';
import type { CallLogQuery, CallRecord } from '../../../../shared/contract/calllog';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { isEmptyQuery, mergeChanged, PAGE_SIZE } from './callLogModel';

type Cursor = NonNullable<RequestOutput<'calllog.list'>['next']>;

export interface CallLogPages {
  /** The rows loaded so far, newest first. */
  readonly rows: readonly CallRecord[];
  /** More rows follow (the last page's `next`). */
  readonly hasMore: boolean;
  /** The first page has arrived. */
  readonly loaded: boolean;
  /** The last page request failed; no further page is loaded until `loadMore` is asked again. */
  readonly error: ErrorData | null;
}

/**
 * The call log for one query, page by page (keyset cursor). Mount it again (a `key`) for another
 * query. `atTop` tells whether the user sees the top of the list: only then do new calls appear
 * there live (see mergeChanged).
 */
export function useCallLogPages(
  query: CallLogQuery,
  atTop: () => boolean,
): CallLogPages & { loadMore: () => void; retry: () => void } {
  const api = useApi();
  const [pages, setPages] = useState<CallLogPages>({ rows: [], hasMore: false, loaded: false, error: null });
  /** Answers to an older first-page load (a reload after a reconnect) are dropped. */
  const generation = useRef(0);
  const busy = useRef(false);
  const cursor = useRef<Cursor | null>(null);
  const failed = useRef(false);

  const fetchPage = useCallback(
    (first: boolean): void => {
      const after = first ? null : cursor.current;
      if (!first && (busy.current || after === null)) return;
      if (first) generation.current += 1;
      const current = generation.current;
      busy.current = true;
      void api.request('calllog.list', { query, limit: PAGE_SIZE, ...(after ? { after } : {}) }).then((result) => {
        if (current !== generation.current) return;
        busy.current = false;
        if (!result.ok) {
          failed.current = true;
          setPages((state) => ({ ...state, error: result.error }));
          return;
        }
        failed.current = false;
        cursor.current = result.value.next;
        const { rows, next } = result.value;
        setPages((state) => ({
          rows: first ? rows : [...state.rows, ...rows],
          hasMore: next !== null,
          loaded: true,
          error: null,
        }));
      });
    },
    [api, query],
  );

  /** The next page, unless one is on its way, none follows, or the last one failed. */
  const loadMore = useCallback(() => {
    if (!failed.current) fetchPage(false);
  }, [fetchPage]);

  /** After a failure: the first page again if it never came, else the next one. */
  const retry = useCallback(() => {
    failed.current = false;
    fetchPage(cursor.current === null);
  }, [fetchPage]);

  useEffect(() => {
    fetchPage(true);
  }, [fetchPage]);

  useEffect(() => {
    const empty = isEmptyQuery(query);
    const stop = api.on('calllog.changed', (record) => {
      const mayInsert = empty && atTop();
      setPages((state) => {
        const rows = mergeChanged(state.rows, state.hasMore, record, mayInsert && state.loaded);
        return rows === state.rows ? state : { ...state, rows };
      });
    });
    // Events were missed while the connection was down: when the user is at the top, where a
    // reload does not move anything under their eyes, load the first page again.
    const stopConnection = api.transport.onConnection((state) => {
      if (state === 'open' && atTop()) fetchPage(true);
    });
    return () => {
      stop();
      stopConnection();
    };
  }, [api, query, atTop, fetchPage]);

  return { ...pages, loadMore, retry };
}
