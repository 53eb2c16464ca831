import { useId, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { DayRange } from '../filters/DayRange';
import { DispositionSelect } from '../filters/DispositionSelect';
import { FilterField } from '../filters/FilterField';
import { OutcomeChoices } from '../filters/OutcomeChoices';
import { MAX_AGENT, MAX_DISPOSITION, type Direction, type RangeProblem, type ReportDraft } from './reportsModel';

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
}: {
  draft: ReportDraft;
  onChange: (draft: ReportDraft) => void;
  onShow: () => void;
  /** The range's problem to show (null: none, or not yet to be shown). */
  problem: RangeProblem | null;
  fromInput: RefObject<HTMLInputElement | null>;
  toInput: RefObject<HTMLInputElement | null>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const set = (change: Partial<ReportDraft>): void => onChange({ ...draft, ...change });

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
      <form
        className="calllog-filters panel reports-filters"
        aria-labelledby={`${id}-heading`}
        noValidate
        onSubmit={submit}
      >
        <div className="calllog-filter-fields">
          <DayRange
            id={id}
            from={draft.from}
            to={draft.to}
            onChange={set}
            labels={{ from: t('reports.filters.from'), to: t('reports.filters.to') }}
            testIds={{ from: 'reports-from', to: 'reports-to' }}
            required
            fromRef={fromInput}
            toRef={toInput}
            fromError={fromInvalid ? problemId : undefined}
            toError={toInvalid ? problemId : undefined}
          />
          <FilterField id={`${id}-direction`} label={t('reports.filters.direction')}>
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
          </FilterField>
          {/* The call types are the answers of the intake form's disposition field. */}
          <DispositionSelect
            id={`${id}-disposition`}
            label={t('reports.filters.disposition')}
            anyLabel={t('reports.filters.anyDisposition')}
            value={draft.disposition}
            onChange={set}
            testId="reports-disposition"
            maxLength={MAX_DISPOSITION}
            spellCheck={false}
          />
          <FilterField id={`${id}-agent`} label={t('reports.filters.agent')}>
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
          </FilterField>
        </div>
        <OutcomeChoices
          legend={t('reports.filters.outcomes')}
          selected={draft.outcomes}
          onChange={set}
          testId="reports-outcome"
          describedBy={`${id}-outcomes-hint`}
        >
          <span id={`${id}-outcomes-hint`} className="reports-hint reports-outcomes-hint">
            {t('reports.filters.outcomesHint')}
          </span>
        </OutcomeChoices>
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
