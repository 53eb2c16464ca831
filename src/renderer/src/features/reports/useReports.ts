import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiReport, ReportsInfo } from '../../../../shared/contract/reports';
import type { ErrorData } from '../../../../shared/result';
import { useApi, useReloaded } from '../../api/client';
import type { KpiQuery, Language } from './reportsModel';

/** The interface language ('de' or 'en'): the key of the form's labels and the locale of Intl. */
export function useReportLanguage(): Language {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('en') ? 'en' : 'de';
}

/**
 * What the view may offer (`reports.info`): loaded on opening, after a reconnect and when the
 * settings change (the team-lead role is a setting).
 */
export function useReportsInfo(): { info: ReportsInfo | null; error: ErrorData | null; retry: () => void } {
  const { value, error, reload } = useReloaded('reports.info', 'settings.changed');
  return { info: value, error, retry: reload };
}

export interface KpiState {
  readonly report: KpiReport | null;
  readonly error: ErrorData | null;
  readonly loading: boolean;
}

/**
 * The KPIs of one query at a time: `show` asks main for them (the first at once, for `initial`);
 * the answer to an older query that comes late is dropped.
 */
export function useKpiReport(initial: KpiQuery | null): KpiState & { show: (query: KpiQuery) => void } {
  const api = useApi();
  const [state, setState] = useState<KpiState>({ report: null, error: null, loading: initial !== null });
  const generation = useRef(0);
  const first = useRef(initial);

  const ask = useCallback(
    (query: KpiQuery): void => {
      generation.current += 1;
      const current = generation.current;
      void api.request('reports.kpi', query).then((result) => {
        if (current !== generation.current) return;
        setState(
          result.ok
            ? { report: result.value, error: null, loading: false }
            : { report: null, error: result.error, loading: false },
        );
      });
    },
    [api],
  );

  useEffect(() => {
    if (first.current) ask(first.current);
  }, [ask]);

  const show = useCallback(
    (query: KpiQuery): void => {
      setState((current) => ({ ...current, loading: true }));
      ask(query);
    },
    [ask],
  );

  return { ...state, show };
}
