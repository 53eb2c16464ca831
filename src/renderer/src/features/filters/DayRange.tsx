import type { Ref } from 'react';
import { FilterField } from './FilterField';

export type DayRangeChange = { from: string } | { to: string };

/** One end of the range; `error` is the id of what says it is wrong (none: it is fine). */
function DayInput({
  id,
  label,
  value,
  min,
  max,
  required,
  inputRef,
  error,
  testId,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  min?: string;
  max?: string;
  required?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  error?: string;
  testId: string;
  onChange: (value: string) => void;
}) {
  return (
    <FilterField id={id} label={label}>
      <input
        id={id}
        ref={inputRef}
        type="date"
        required={required}
        value={value}
        min={min}
        max={max}
        aria-invalid={error !== undefined || undefined}
        aria-describedby={error}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
    </FilterField>
  );
}

/**
 * A range of days, both included: "from" offers no day after "to" and "to" none before "from".
 * The inputs' ids are `${id}-from` and `${id}-to`.
 */
export function DayRange({
  id,
  from,
  to,
  onChange,
  labels,
  testIds,
  required,
  fromRef,
  toRef,
  fromError,
  toError,
}: {
  id: string;
  from: string;
  to: string;
  onChange: (change: DayRangeChange) => void;
  labels: { readonly from: string; readonly to: string };
  testIds: { readonly from: string; readonly to: string };
  required?: boolean;
  fromRef?: Ref<HTMLInputElement>;
  toRef?: Ref<HTMLInputElement>;
  /** The id of the message saying what is wrong with "from": the input is marked invalid. */
  fromError?: string;
  /** The same for "to". */
  toError?: string;
}) {
  return (
    <>
      <DayInput
        id={`${id}-from`}
        label={labels.from}
        value={from}
        max={to || undefined}
        required={required}
        inputRef={fromRef}
        error={fromError}
        testId={testIds.from}
        onChange={(value) => onChange({ from: value })}
      />
      <DayInput
        id={`${id}-to`}
        label={labels.to}
        value={to}
        min={from || undefined}
        required={required}
        inputRef={toRef}
        error={toError}
        testId={testIds.to}
        onChange={(value) => onChange({ to: value })}
      />
    </>
  );
}
