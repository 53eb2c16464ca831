import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOGGED_OUTCOMES, type CallLogQuery, type LoggedOutcome } from '../../../../shared/contract/calllog';
import { DayRange } from '../filters/DayRange';
import { DispositionSelect } from '../filters/DispositionSelect';
import { FilterField } from '../filters/FilterField';
import { OutcomeChoices } from '../filters/OutcomeChoices';

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

  return (
    <form
      role="search"
      aria-label={t('calllog.filters.label')}
      className="calllog-filters panel"
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="calllog-filter-fields">
        <FilterField id={`${id}-search`} label={t('calllog.filters.search')} className="calllog-filter-search">
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
        </FilterField>
        <DayRange
          id={id}
          from={filters.from}
          to={filters.to}
          onChange={set}
          labels={{ from: t('calllog.filters.from'), to: t('calllog.filters.to') }}
          testIds={{ from: 'calllog-from', to: 'calllog-to' }}
        />
        {/* The call types are the answers of the intake form's disposition field. */}
        <DispositionSelect
          id={`${id}-disposition`}
          label={t('calllog.filters.disposition')}
          anyLabel={t('calllog.filters.anyDisposition')}
          value={filters.disposition}
          onChange={set}
          testId="calllog-disposition"
          maxLength={MAX_TEXT}
        />
      </div>
      <OutcomeChoices
        legend={t('calllog.filters.outcomes')}
        selected={filters.outcomes}
        onChange={set}
        testId="calllog-outcome"
      />
      <button type="button" data-testid="calllog-reset" onClick={() => onChange(NO_FILTERS)}>
        {t('calllog.filters.reset')}
      </button>
    </form>
  );
}
