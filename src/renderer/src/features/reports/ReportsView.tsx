import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ViewHeading } from '../../app/ViewHeading';
import { ExportForm } from './ExportForm';
import { KpiSection } from './KpiSection';
import { ReportFilters } from './ReportFilters';
import { initialDraft, kpiQuery, rangeProblem, type RangeProblem, type ReportDraft } from './reportsModel';
import { useKpiReport, useReportLanguage, useReportsInfo } from './useReports';

/**
 * Reports for team leads: a range of days and filters, the KPIs of that range (figures, per agent,
 * a weekday × hour heat map, call types and triage results, each chart with its table), and the
 * export of those calls to a file (pseudonymised, or identified by a team lead with a reason).
 */
export function ReportsView() {
  const { t } = useTranslation();
  const language = useReportLanguage();
  const [draft, setDraft] = useState<ReportDraft>(() => initialDraft());
  const [initial] = useState(() => {
    const query = kpiQuery(draft);
    return query.ok ? query.query : null;
  });
  const kpi = useKpiReport(initial);
  const { info, error: infoError, retry: retryInfo } = useReportsInfo();
  // A missing day is said once the user asks for something; a range ending before it starts at once.
  const [attempted, setAttempted] = useState(false);
  const fromInput = useRef<HTMLInputElement>(null);
  const toInput = useRef<HTMLInputElement>(null);

  const current = rangeProblem(draft.from, draft.to);
  const shownProblem = current === 'reversed' || attempted ? current : null;

  const showRangeProblem = (problem: RangeProblem): void => {
    setAttempted(true);
    (problem === 'missing_from' ? fromInput : toInput).current?.focus();
  };

  const show = (): void => {
    const query = kpiQuery(draft);
    if (!query.ok) {
      showRangeProblem(query.problem);
      return;
    }
    setAttempted(false);
    kpi.show(query.query);
  };

  return (
    <section aria-labelledby="reports-heading" className="reports">
      <ViewHeading>
        <span id="reports-heading">{t('reports.title')}</span>
      </ViewHeading>
      <p className="reports-intro">{t('reports.intro')}</p>
      <ReportFilters
        draft={draft}
        onChange={setDraft}
        onShow={show}
        problem={shownProblem}
        fromInput={fromInput}
        toInput={toInput}
      />
      <KpiSection state={kpi} language={language} />
      {info ? (
        <ExportForm info={info} draft={draft} language={language} onRangeProblem={showRangeProblem} />
      ) : (
        <section aria-labelledby="reports-export-heading" className="reports-export">
          <h2 id="reports-export-heading">{t('reports.export.title')}</h2>
          {infoError ? (
            <>
              <ErrorNotice error={infoError} />
              <button type="button" data-testid="reports-info-retry" onClick={retryInfo}>
                {t('calllog.retry')}
              </button>
            </>
          ) : (
            <p>{t('app.loading')}</p>
          )}
        </section>
      )}
    </section>
  );
}
