import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LOGGED_OUTCOMES, type LoggedOutcome } from '../../../../shared/contract/calllog';

/**
 * A checkbox per outcome of a call (none checked: any outcome), in the contract's order. The
 * checkboxes' test ids are `${testId}-${outcome}`; `children` follow them inside the fieldset.
 */
export function OutcomeChoices({
  legend,
  selected,
  onChange,
  testId,
  describedBy,
  children,
}: {
  legend: string;
  selected: readonly LoggedOutcome[];
  onChange: (change: { outcomes: readonly LoggedOutcome[] }) => void;
  testId: string;
  describedBy?: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const toggle = (outcome: LoggedOutcome, on: boolean): void =>
    onChange({ outcomes: on ? [...selected, outcome] : selected.filter((each) => each !== outcome) });
  return (
    <fieldset className="calllog-outcomes" aria-describedby={describedBy}>
      <legend>{legend}</legend>
      {LOGGED_OUTCOMES.map((outcome) => (
        <label key={outcome} className="calllog-outcome-choice">
          <input
            type="checkbox"
            checked={selected.includes(outcome)}
            data-testid={`${testId}-${outcome}`}
            onChange={(event) => toggle(outcome, event.target.checked)}
          />{' '}
          {t(`calllog.outcomes.${outcome}`)}
        </label>
      ))}
      {children}
    </fieldset>
  );
}
