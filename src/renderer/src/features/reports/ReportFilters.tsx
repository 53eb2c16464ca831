import { useId, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { LOGGED_OUTCOMES, type LoggedOutcome } from '../../../../shared/contract/calllog';
import { useIntakeForm } from '../intake/useIntakeForm';
import {
  MAX_AGENT,
  MAX_DISPOSITION,
  type Direction,
  type Language,
  type RangeProblem,
  type ReportDraft,
} from './reportsModel';

/**
 * The range (from/to days, both included) and the filters the figures and the export are made
 * for, with "Show" (Anzeigen) to load the figures. A range that ends before it starts is said at
 * once; a missing day when the user asks for figures or an export.
 */
export function ReportFilters({
  draft,
  onChange,
  onShow,
  problem,
  fromInput,
  toInput,
  language,
}: {
  draft: ReportDraft;
  onChange: (draft: ReportDraft) => void;
  onShow: () => void;
  /** The range's problem to show (null: none, or not yet to be shown). */
  problem: RangeProblem | null;
  fromInput: RefObject<HTMLInputElement | null>;
  toInput: RefObject<HTMLInputElement | null>;
  language: Language;
}) {
  const { t } = useTranslation();
  const id = useId();
  const set = (change: Partial<ReportDraft>): void => onChange({ ...draft, ...change });
  const { form } = useIntakeForm();
  // The call types are the answers of the intake form's disposition field.
  const dispositionField = form?.fields.find((field) => field.id === form.dispositionField);
  const dispositions = dispositionField?.type === 'choice' ? dispositionField.options : null;
  const toggle = (outcome: LoggedOutcome, on: boolean): void =>
    set({ outcomes: on ? [...draft.outcomes, outcome] : draft.outcomes.filter((each) => each !== outcome) });

  const fromInvalid = problem === 'missing_from';
  const toInvalid = problem === 'missing_to' || problem === 'reversed';
  const problemId = `${id}-problem`;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onShow();
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="reports-filters-section">
      <h2 id={`${id}-heading`}>{t('reports.filters.title')}</h2>
      <form className="calllog-filters reports-filters" aria-labelledby={`${id}-heading`} noValidate onSubmit={submit}>
        <div className="calllog-filter-fields">
          <div className="calllog-filter">
            <label htmlFor={`${id}-from`}>{t('reports.filters.from')}</label>
            <input
              id={`${id}-from`}
              ref={fromInput}
              type="date"
              required
              value={draft.from}
              max={draft.to || undefined}
              aria-invalid={fromInvalid || undefined}
              aria-describedby={fromInvalid ? problemId : undefined}
              data-testid="reports-from"
              onChange={(event) => set({ from: event.target.value })}
            />
          </div>
          <div className="calllog-filter">
            <label htmlFor={`${id}-to`}>{t('reports.filters.to')}</label>
            <input
              id={`${id}-to`}
              ref={toInput}
              type="date"
              required
              value={draft.to}
              min={draft.from || undefined}
              aria-invalid={toInvalid || undefined}
              aria-describedby={toInvalid ? problemId : undefined}
              data-testid="reports-to"
              onChange={(event) => set({ to: event.target.value })}
            />
          </div>
          <div className="calllog-filter">
            <label htmlFor={`${id}-direction`}>{t('reports.filters.direction')}</label>
            <select
              id={`${id}-direction`}
              value={draft.direction}
              data-testid="reports-direction"
              onChange={(event) => set({ direction: event.target.value as Direction })}
            >
              <option value="">{t('reports.filters.anyDirection')}</option>
              <option value="inbound">{t('calllog.directions.inbound')}</option>
              <option value="outbound">{t('calllog.directions.outbound')}</option>
            </select>
          </div>
          <div className="calllog-filter">
            <label htmlFor={`${id}-disposition`}>{t('reports.filters.disposition')}</label>
            {dispositions ? (
              <select
                id={`${id}-disposition`}
                value={draft.disposition}
                data-testid="reports-disposition"
                onChange={(event) => set({ disposition: event.target.value })}
              >
                <option value="">{t('reports.filters.anyDisposition')}</option>
                {dispositions.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label[language]}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`${id}-disposition`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                maxLength={MAX_DISPOSITION}
                value={draft.disposition}
                data-testid="reports-disposition"
                onChange={(event) => set({ disposition: event.target.value })}
              />
            )}
          </div>
          <div className="calllog-filter">
            <label htmlFor={`${id}-agent`}>{t('reports.filters.agent')}</label>
            <input
              id={`${id}-agent`}
              type="text"
              autoComplete="off"
              spellCheck={false}
              maxLength={MAX_AGENT}
              value={draft.agent}
              aria-describedby={`${id}-agent-hint`}
              data-testid="reports-agent"
              onChange={(event) => set({ agent: event.target.value })}
            />
            <span id={`${id}-agent-hint`} className="reports-hint">
              {t('reports.filters.agentHint')}
            </span>
          </div>
        </div>
        <fieldset className="calllog-outcomes" aria-describedby={`${id}-outcomes-hint`}>
          <legend>{t('reports.filters.outcomes')}</legend>
          {LOGGED_OUTCOMES.map((outcome) => (
            <label key={outcome} className="calllog-outcome-choice">
              <input
                type="checkbox"
                checked={draft.outcomes.includes(outcome)}
                data-testid={`reports-outcome-${outcome}`}
                onChange={(event) => toggle(outcome, event.target.checked)}
              />{' '}
              {t(`calllog.outcomes.${outcome}`)}
            </label>
          ))}
          <span id={`${id}-outcomes-hint`} className="reports-hint reports-outcomes-hint">
            {t('reports.filters.outcomesHint')}
          </span>
        </fieldset>
        <button type="submit" className="button-primary" data-testid="reports-show">
          {t('reports.filters.show')}
        </button>
      </form>
      {problem && (
        <p
          id={problemId}
          role="alert"
          className="intake-error reports-range-problem"
          data-testid="reports-range-problem"
        >
          {t(`reports.filters.problems.${problem}`)}
        </p>
      )}
    </section>
  );
}
