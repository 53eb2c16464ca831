import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportFormat, ExportResult, ReportsInfo } from '../../../../shared/contract/reports';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import {
  exportRequest,
  formatCount,
  formatDay,
  MAX_REASON,
  MIN_REASON,
  rangeProblem,
  shortHash,
  type Language,
  type RangeProblem,
  type ReportDraft,
} from './reportsModel';

type FocusTarget = 'reason' | 'result' | 'error';

/** The format offered first: the one German Excel opens right, when main offers it. */
function defaultFormat(formats: readonly ExportFormat[]): ExportFormat | null {
  return formats.includes('csv-de') ? 'csv-de' : (formats[0] ?? null);
}

/**
 * Reports → Export: the calls of the range and filters above to a file in the export directory,
 * pseudonymised; a team lead may ask for an identified export (all fields) and must say why (the
 * reason goes to the audit log). While it runs, the rows written so far; then where the file is,
 * its rows and its SHA-256.
 */
export function ExportForm({
  info,
  draft,
  language,
  onRangeProblem,
}: {
  info: ReportsInfo;
  draft: ReportDraft;
  language: Language;
  /** The range above stops the export: show why there and take the user to it. */
  onRangeProblem: (problem: RangeProblem) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const id = useId();

  const [chosenFormat, setChosenFormat] = useState<ExportFormat | null>(null);
  const [identified, setIdentified] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonProblem, setReasonProblem] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);

  const running = useRef(false);
  const reasonInput = useRef<HTMLTextAreaElement>(null);
  const resultRegion = useRef<HTMLDivElement>(null);
  const errorRegion = useRef<HTMLDivElement>(null);
  // Where focus goes once the render that shows it is done (set together with that state).
  const pendingFocus = useRef<FocusTarget | null>(null);

  useEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    pendingFocus.current = null;
    ({ reason: reasonInput, result: resultRegion, error: errorRegion })[target].current?.focus();
  });

  // main says how far the export under way has got; only this view's own export is shown.
  useEffect(
    () =>
      api.on('reports.progress', (payload) => {
        if (running.current) setProgress(payload.rows);
      }),
    [api],
  );

  const format =
    chosenFormat !== null && info.formats.includes(chosenFormat) ? chosenFormat : defaultFormat(info.formats);
  // Only a team lead may ask for all fields; main checks the role again.
  const asIdentified = info.teamLead && identified;
  const range = rangeProblem(draft.from, draft.to);

  const start = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (running.current || format === null) return;
    const built = exportRequest(draft, { format, identified: asIdentified, reason });
    if (!built.ok) {
      const missingReason = built.problems.includes('reason');
      setReasonProblem(missingReason);
      const problem = built.problems.find((each): each is RangeProblem => each !== 'reason');
      if (problem) onRangeProblem(problem);
      else if (missingReason) pendingFocus.current = 'reason';
      return;
    }
    setReasonProblem(false);
    running.current = true;
    setBusy(true);
    setProgress(null);
    setResult(null);
    setError(null);
    const outcome = await api.request('reports.export', built.request);
    running.current = false;
    setBusy(false);
    if (outcome.ok) {
      setResult(outcome.value);
      pendingFocus.current = 'result';
    } else {
      setError(outcome.error);
      pendingFocus.current = 'error';
    }
  };

  const reasonDescription = reasonProblem ? `${id}-reason-hint ${id}-reason-problem` : `${id}-reason-hint`;

  return (
    <section aria-labelledby={`${id}-heading`} className="reports-export" data-testid="reports-export-section">
      <h2 id={`${id}-heading`}>{t('reports.export.title')}</h2>
      <p className="reports-hint" data-testid="reports-export-scope">
        {range === null
          ? t('reports.export.scope', { from: formatDay(draft.from, language), to: formatDay(draft.to, language) })
          : t('reports.export.scopeInvalid')}
      </p>
      <p className="reports-pseudonymised" data-testid="reports-pseudonymised">
        {t('reports.export.pseudonymised')}
        {info.pseudonymKey === 'installation' && <> {t('reports.export.installationKey')}</>}
      </p>

      <form
        className="reports-export-form"
        aria-labelledby={`${id}-heading`}
        noValidate
        onSubmit={(e) => void start(e)}
      >
        <div className="field field-stacked reports-format">
          <label htmlFor={`${id}-format`}>{t('reports.export.format')}</label>
          <select
            id={`${id}-format`}
            value={format ?? ''}
            aria-describedby={`${id}-format-hint`}
            data-testid="reports-format"
            onChange={(event) => setChosenFormat(event.target.value as ExportFormat)}
          >
            {info.formats.map((each) => (
              <option key={each} value={each}>
                {t(`reports.export.formats.${each}`)}
              </option>
            ))}
          </select>
          <span id={`${id}-format-hint`} className="reports-hint">
            {format !== null && t(`reports.export.formatHints.${format}`)}{' '}
            {t('reports.export.directory', { directory: info.directory })}
          </span>
        </div>

        {info.teamLead && (
          <div className="reports-identified">
            <div className="field">
              <input
                id={`${id}-identified`}
                type="checkbox"
                checked={identified}
                aria-describedby={`${id}-identified-hint`}
                data-testid="reports-identified"
                onChange={(event) => {
                  setIdentified(event.target.checked);
                  if (!event.target.checked) setReasonProblem(false);
                }}
              />
              <label htmlFor={`${id}-identified`}>{t('reports.export.identified')}</label>
            </div>
            <p id={`${id}-identified-hint`} className="reports-hint">
              {t('reports.export.identifiedHint')}
            </p>
            {identified && (
              <div className="field field-stacked reports-reason">
                <label htmlFor={`${id}-reason`}>{t('reports.export.reason')}</label>
                <textarea
                  id={`${id}-reason`}
                  ref={reasonInput}
                  rows={3}
                  required
                  minLength={MIN_REASON}
                  maxLength={MAX_REASON}
                  value={reason}
                  aria-invalid={reasonProblem || undefined}
                  aria-describedby={reasonDescription}
                  data-testid="reports-reason"
                  onChange={(event) => {
                    setReason(event.target.value);
                    if (event.target.value.trim().length >= MIN_REASON) setReasonProblem(false);
                  }}
                />
                <span id={`${id}-reason-hint`} className="reports-hint">
                  {t('reports.export.reasonHint')}
                </span>
                {reasonProblem && (
                  <p id={`${id}-reason-problem`} role="alert" className="intake-error">
                    {t('reports.export.reasonMissing')}
                  </p>
                )}
              </div>
            )}
          </div>
        )}

        <div className="reports-export-actions">
          <button
            type="submit"
            className="button-primary"
            aria-disabled={busy || undefined}
            aria-describedby={busy ? `${id}-progress` : undefined}
            data-testid="reports-export"
          >
            {busy ? t('reports.export.running') : t('reports.export.start')}
          </button>
          {busy && (
            <span id={`${id}-progress`} className="reports-progress" data-testid="reports-export-progress">
              {progress !== null &&
                t('reports.export.progress', { count: progress, value: formatCount(progress, language) })}
            </span>
          )}
        </div>
      </form>

      {error && (
        <div ref={errorRegion} tabIndex={-1} className="reports-export-error" data-testid="reports-export-error">
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
        </div>
      )}

      <div
        ref={resultRegion}
        role="status"
        tabIndex={-1}
        className={result ? 'reports-export-result panel' : 'reports-export-result panel reports-export-result-empty'}
        data-testid="reports-export-result"
      >
        {/* Said once when the export starts; the button and the row count show it to the eye. */}
        {busy && <p className="visually-hidden">{t('reports.export.running')}</p>}
        {result && <ExportSummary result={result} language={language} />}
      </div>
    </section>
  );
}

function ExportSummary({ result, language }: { result: ExportResult; language: Language }) {
  const { t } = useTranslation();
  const id = useId();
  const rows = formatCount(result.rows, language);
  return (
    <>
      <p className="reports-export-done">
        <strong>{t('reports.export.done')}</strong>{' '}
        {t('reports.export.summary', { count: result.rows, value: rows, file: result.file })}
      </p>
      <dl className="calllog-fields reports-result-facts">
        <div>
          <dt>{t('reports.export.file')}</dt>
          <dd>
            <code data-testid="reports-export-file">{result.file}</code>
          </dd>
        </div>
        <div>
          <dt>{t('reports.export.rows')}</dt>
          <dd data-testid="reports-export-rows" data-rows={result.rows}>
            {rows}
          </dd>
        </div>
        <div>
          <dt>{t('reports.export.kind')}</dt>
          <dd data-testid="reports-export-kind" data-identified={result.identified}>
            {t(result.identified ? 'reports.export.kinds.identified' : 'reports.export.kinds.pseudonymised')}
          </dd>
        </div>
        {result.format === 'xlsx' && result.sheets > 1 && (
          <div>
            <dt>{t('reports.export.sheets')}</dt>
            <dd data-testid="reports-export-sheets">
              {t('reports.export.sheetsHint', { value: formatCount(result.sheets, language) })}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('reports.export.sha256')}</dt>
          <dd>
            <span title={result.sha256} className="reports-hash">
              {shortHash(result.sha256)}
            </span>
          </dd>
        </div>
      </dl>
      <div className="field field-stacked reports-hash-field">
        <label htmlFor={`${id}-sha256`}>{t('reports.export.sha256Full')}</label>
        <input
          id={`${id}-sha256`}
          type="text"
          readOnly
          spellCheck={false}
          value={result.sha256}
          data-testid="reports-export-sha256"
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
    </>
  );
}
