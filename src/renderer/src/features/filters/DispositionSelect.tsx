import { useIntakeLanguage } from '../intake/useIntakeForm';
import { FilterField } from './FilterField';
import { useDispositionOptions } from './useDispositionOptions';

/**
 * The call type (disposition) filter: a select of the intake form's disposition answers with
 * "any" first, or a text field while there are none to choose from.
 */
export function DispositionSelect({
  id,
  label,
  anyLabel,
  value,
  onChange,
  testId,
  maxLength,
  spellCheck,
}: {
  /** The select's (or text field's) id. */
  id: string;
  label: string;
  /** The first option, for no filter (value ""). */
  anyLabel: string;
  value: string;
  onChange: (change: { disposition: string }) => void;
  testId: string;
  /** The text field's limit. */
  maxLength: number;
  /** The text field's spellcheck attribute (left out when not given). */
  spellCheck?: boolean;
}) {
  const options = useDispositionOptions();
  const language = useIntakeLanguage();
  return (
    <FilterField id={id} label={label}>
      {options ? (
        <select
          id={id}
          value={value}
          data-testid={testId}
          onChange={(event) => onChange({ disposition: event.target.value })}
        >
          <option value="">{anyLabel}</option>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label[language]}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type="text"
          autoComplete="off"
          spellCheck={spellCheck}
          maxLength={maxLength}
          value={value}
          data-testid={testId}
          onChange={(event) => onChange({ disposition: event.target.value })}
        />
      )}
    </FilterField>
  );
}
