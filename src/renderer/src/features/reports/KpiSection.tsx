import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiReport } from '../../../../shared/contract/reports';
import { ErrorNotice } from '../../app/ErrorNotice';
import { formatDateTime } from '../intake/intakeDisplay';
import { HeatMap } from './HeatMap';
import { CountChart } from './KpiCharts';
import {
  agentRows,
  countRows,
  FIGURE_KEYS,
  figureText,
  formatCount,
  formatDay,
  type FigureKey,
  type Language,
} from './reportsModel';
import type { KpiState } from './useReports';

/** The figures an end-to-end test reads. */
const FIGURE_TEST_IDS: Record<FigureKey, string> = {
  offered: 'kpi-offered',
  answered: 'kpi-answered',
  missed: 'kpi-missed',
  rejected: 'kpi-rejected',
  answerRate: 'kpi-answer-rate',
  placed: 'kpi-placed',
  averageHandleSeconds: 'kpi-average-handle',
  averageRingSeconds: 'kpi-average-ring',
};

/**
 * The figures of the range last shown: what the console cannot see (the PBX notice), the totals,
 * the per-agent table, the heat map and the bar charts of call types and triage results.
 */
export function KpiSection({ state, language }: { state: KpiState; language: Language }) {
  const { t } = useTranslation();
  const id = useId();
  const { report, error, loading } = state;

  let status = '';
  if (loading) status = t('reports.kpi.loading');
  else if (report)
    status = t('reports.kpi.shown', {
      from: formatDay(report.range.from, language),
      to: formatDay(report.range.to, language),
      time: formatDateTime(report.generatedAt, language),
    });

  return (
    <section
      aria-labelledby={`${id}-heading`}
      aria-busy={loading || undefined}
      className="reports-kpi"
      data-testid="reports-kpi"
    >
      <h2 id={`${id}-heading`}>{t('reports.kpi.title')}</h2>
      <p className="notice reports-pbx-notice" data-testid="reports-pbx-notice">
        {t('reports.pbxNotice')}
      </p>
      <p role="status" className="reports-kpi-status" data-testid="reports-kpi-status">
        {status}
      </p>
      {error && <ErrorNotice error={error} />}
      {report && <KpiReportView report={report} language={language} />}
    </section>
  );
}

function KpiReportView({ report, language }: { report: KpiReport; language: Language }) {
  const { t } = useTranslation();
  const id = useId();
  const { total } = report;
  const agents = useMemo(() => agentRows(report, language), [report, language]);
  const dispositions = useMemo(
    () => countRows(total.dispositions, report.labels.dispositions, language),
    [total.dispositions, report.labels.dispositions, language],
  );
  const triage = useMemo(
    () => countRows(total.triage, report.labels.triage, language),
    [total.triage, report.labels.triage, language],
  );
  const none = t('reports.kpi.none');
  const nothing = total.offered === 0 && total.placed === 0 && agents.length === 0;

  return (
    <>
      {nothing && (
        <p className="reports-empty" data-testid="reports-empty">
          {t('reports.empty')}
        </p>
      )}
      <h3>{t('reports.kpi.totals')}</h3>
      <dl className="reports-figures" data-testid="kpi-totals">
        {FIGURE_KEYS.map((key) => (
          <div key={key} className="reports-figure panel">
            <dt>{t(`reports.kpi.${key}`)}</dt>
            <dd data-testid={FIGURE_TEST_IDS[key]}>{figureText(total, key, language) ?? none}</dd>
          </div>
        ))}
      </dl>
      <p className="reports-hint">{t('reports.kpi.definitions')}</p>
      {(report.sources.length > 1 || report.duplicatesRemoved > 0) && (
        <p className="reports-hint" data-testid="kpi-sources">
          {t('reports.kpi.sources', { value: formatCount(report.sources.length, language) })}
          {report.duplicatesRemoved > 0 && (
            <> · {t('reports.kpi.duplicates', { value: formatCount(report.duplicatesRemoved, language) })}</>
          )}
        </p>
      )}

      <h3>{t('reports.agents.title')}</h3>
      {report.agentsWithheld ? (
        <p data-testid="kpi-agents-withheld">{t('reports.agents.withheld')}</p>
      ) : agents.length === 0 ? (
        <p>{t('reports.agents.empty')}</p>
      ) : (
        <div className="reports-table-scroll" role="region" aria-labelledby={`${id}-agents-caption`} tabIndex={0}>
          <table className="reports-table" data-testid="kpi-agents-table">
            <caption id={`${id}-agents-caption`}>{t('reports.agents.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.agents.agent')}</th>
                {FIGURE_KEYS.map((key) => (
                  <th key={key} scope="col" className="reports-number">
                    {t(`reports.kpi.${key}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {agents.map((row) => (
                <tr key={row.agent ?? ''} data-agent={row.agent ?? ''}>
                  <th scope="row">{row.agent ?? t('reports.agents.noAgent')}</th>
                  {row.cells.map((cell, index) => (
                    <td key={FIGURE_KEYS[index]} className="reports-number">
                      {cell ?? none}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>{t('reports.heatmap.title')}</h3>
      <HeatMap heatMap={total.heatMap} language={language} />

      <h3>{t('reports.dispositions.title')}</h3>
      <CountChart
        rows={dispositions}
        label={t('reports.dispositions.label')}
        caption={t('reports.dispositions.caption')}
        column={t('reports.dispositions.column')}
        empty={t('reports.dispositions.empty')}
        language={language}
        testId="kpi-dispositions"
      />

      <h3>{t('reports.triage.title')}</h3>
      <CountChart
        rows={triage}
        label={t('reports.triage.label')}
        caption={t('reports.triage.caption')}
        column={t('reports.triage.column')}
        empty={t('reports.triage.empty')}
        language={language}
        testId="kpi-triage"
      />
    </>
  );
}
