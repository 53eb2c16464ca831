import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOGGED_OUTCOMES, type CallLogQuery, type LoggedOutcome } from '../../../../shared/contract/calllog';
import { useIntakeForm, useIntakeLanguage } from '../intake/useIntakeForm';

/** Typing in a text filter reloads the list this long after the last key. */
const DEBOUNCE_MS = 250;
const MAX_TEXT = 100;

export interface Filters {
  readonly search: string;
  readonly from: string;
  readonly to: string;
  readonly outcomes: readonly LoggedOutcome[];
  readonly disposition: string;
}

export const NO_FILTERS: Filters = { search: '', from: '', to: '', outcomes: [], disposition: '' };

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

const isDay = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The query the filters ask for: text fields debounced, days only when complete. */
export function useCallLogQuery(filters: Filters): CallLogQuery {
  const search = useDebounced(filters.search.trim(), DEBOUNCE_MS);
  const disposition = useDebounced(filters.disposition.trim(), DEBOUNCE_MS);
  const { from, to, outcomes } = filters;
  return useMemo(
    () => ({
      search,
      outcomes: LOGGED_OUTCOMES.filter((outcome) => outcomes.includes(outcome)),
      ...(isDay(from) ? { from } : {}),
      ...(isDay(to) ? { to } : {}),
      ...(disposition !== '' ? { disposition } : {}),
    }),
    [search, disposition, from, to, outcomes],
  );
}

/** Search, date range, outcomes and disposition above the list; every change reloads it. */
export function CallLogFilters({ filters, onChange }: { filters: Filters; onChange: (filters: Filters) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const set = (change: Partial<Filters>): void => onChange({ ...filters, ...change });
  const { form } = useIntakeForm();
  const language = useIntakeLanguage();
  // The dispositions are the answers of the intake form's disposition field (the call type).
  const dispositionField = form?.fields.find((field) => field.id === form.dispositionField);
  const dispositions = dispositionField?.type === 'choice' ? dispositionField.options : null;
  const toggle = (outcome: LoggedOutcome, on: boolean): void =>
    set({ outcomes: on ? [...filters.outcomes, outcome] : filters.outcomes.filter((each) => each !== outcome) });

  return (
    <form
      role="search"
      aria-label={t('calllog.filters.label')}
      className="calllog-filters"
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="calllog-filter-fields">
        <div className="calllog-filter calllog-filter-search">
          <label htmlFor={`${id}-search`}>{t('calllog.filters.search')}</label>
          <input
            id={`${id}-search`}
            type="search"
            autoComplete="off"
            spellCheck={false}
            maxLength={MAX_TEXT}
            value={filters.search}
            data-testid="calllog-search"
            onChange={(event) => set({ search: event.target.value })}
          />
        </div>
        <div className="calllog-filter">
          <label htmlFor={`${id}-from`}>{t('calllog.filters.from')}</label>
          <input
            id={`${id}-from`}
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            data-testid="calllog-from"
            onChange={(event) => set({ from: event.target.value })}
          />
        </div>
        <div className="calllog-filter">
          <label htmlFor={`${id}-to`}>{t('calllog.filters.to')}</label>
          <input
            id={`${id}-to`}
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            data-testid="calllog-to"
            onChange={(event) => set({ to: event.target.value })}
          />
        </div>
        <div className="calllog-filter">
          <label htmlFor={`${id}-disposition`}>{t('calllog.filters.disposition')}</label>
          {dispositions ? (
            <select
              id={`${id}-disposition`}
              value={filters.disposition}
              data-testid="calllog-disposition"
              onChange={(event) => set({ disposition: event.target.value })}
            >
              <option value="">{t('calllog.filters.anyDisposition')}</option>
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
              maxLength={MAX_TEXT}
              value={filters.disposition}
              data-testid="calllog-disposition"
              onChange={(event) => set({ disposition: event.target.value })}
            />
          )}
        </div>
      </div>
      <fieldset className="calllog-outcomes">
        <legend>{t('calllog.filters.outcomes')}</legend>
        {LOGGED_OUTCOMES.map((outcome) => (
          <label key={outcome} className="calllog-outcome-choice">
            <input
              type="checkbox"
              checked={filters.outcomes.includes(outcome)}
              data-testid={`calllog-outcome-${outcome}`}
              onChange={(event) => toggle(outcome, event.target.checked)}
            />{' '}
            {t(`calllog.outcomes.${outcome}`)}
          </label>
        ))}
      </fieldset>
      <button type="button" data-testid="calllog-reset" onClick={() => onChange(NO_FILTERS)}>
        {t('calllog.filters.reset')}
      </button>
    </form>
  );
}
