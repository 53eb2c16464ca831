import { useTranslation } from 'react-i18next';
import { YES_NO_UNKNOWN, type FormField, type IntakeValue, type LocalizedText } from '../../../../shared/intake/form';
import type { IntakeLanguage } from './useIntakeForm';

/** More options than this are a select instead of radio buttons. */
const MAX_RADIOS = 6;

/** A limit above any field's own, so that pasted text never makes a whole draft invalid. */
const HARD_MAX_LENGTH = 2_000;

export interface IntakeFieldProps {
  readonly field: FormField;
  readonly value: IntakeValue | undefined;
  readonly required: boolean;
  /** The problem to show under the field (touched, or after a submit attempt). */
  readonly problem: string | null;
  /** Element ids are built from this (the form's id plus the field id). */
  readonly idBase: string;
  readonly language: IntakeLanguage;
  /** "YYYY-MM-DD": the bounds of a date field that may not lie in the future or the past. */
  readonly today: string;
  readonly readOnly: boolean;
  readonly onChange: (field: FormField, value: IntakeValue) => void;
  /** The agent has left the field (or picked an answer): its problems may show. */
  readonly onTouch: (field: FormField) => void;
}

/** The id of a field's wrapper, where a summary link finds the control to focus. */
export function fieldWrapperId(idBase: string, fieldId: string): string {
  return `${idBase}-${fieldId}-field`;
}

function RequiredMark() {
  return (
    <span className="intake-required" aria-hidden="true">
      {' *'}
    </span>
  );
}

function Label({ htmlFor, text, required }: { htmlFor: string; text: string; required: boolean }) {
  return (
    <label htmlFor={htmlFor} className="intake-label">
      {text}
      {required && <RequiredMark />}
    </label>
  );
}

/** One field of the intake form, drawn from its definition. */
export function IntakeField({
  field,
  value,
  required,
  problem,
  idBase,
  language,
  today,
  readOnly,
  onChange,
  onTouch,
}: IntakeFieldProps) {
  const { t } = useTranslation();
  const id = `${idBase}-${field.id}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const label = field.label[language];
  const text = typeof value === 'string' ? value : '';
  const describedBy = [field.hint ? hintId : null, problem ? errorId : null].filter(Boolean).join(' ') || undefined;
  const invalid = problem !== null ? true : undefined;
  const hint = (localized: LocalizedText | undefined) =>
    localized && (
      <p id={hintId} className="intake-hint">
        {localized[language]}
      </p>
    );
  const error = problem !== null && (
    <p id={errorId} className="intake-error">
      {problem}
    </p>
  );
  const inputProps = {
    id,
    name: field.id,
    value: text,
    autoComplete: 'off',
    'aria-required': required || undefined,
    'aria-invalid': invalid,
    'aria-describedby': describedBy,
    onBlur: () => onTouch(field),
  } as const;

  let control: React.ReactNode;
  switch (field.type) {
    case 'text':
      control = (
        <>
          <Label htmlFor={id} text={label} required={required} />
          {hint(field.hint)}
          {field.multiline ? (
            <textarea
              {...inputProps}
              rows={4}
              maxLength={HARD_MAX_LENGTH}
              onChange={(event) => onChange(field, event.target.value)}
            />
          ) : (
            <input
              {...inputProps}
              type="text"
              maxLength={HARD_MAX_LENGTH}
              onChange={(event) => onChange(field, event.target.value)}
            />
          )}
          {error}
        </>
      );
      break;
    case 'date': {
      const min = [field.min, field.notInPast ? today : undefined].filter((each) => each !== undefined).sort();
      control = (
        <>
          <Label htmlFor={id} text={label} required={required} />
          {hint(field.hint)}
          <input
            {...inputProps}
            type="date"
            min={min.at(-1)}
            max={field.notInFuture ? today : undefined}
            onChange={(event) => onChange(field, event.target.value)}
          />
          {error}
        </>
      );
      break;
    }
    case 'phone':
      control = (
        <>
          <Label htmlFor={id} text={label} required={required} />
          {hint(field.hint)}
          <input {...inputProps} type="tel" maxLength={40} onChange={(event) => onChange(field, event.target.value)} />
          {error}
        </>
      );
      break;
    case 'postcode':
      control = (
        <>
          <Label htmlFor={id} text={label} required={required} />
          {hint(field.hint)}
          <input
            {...inputProps}
            type="text"
            inputMode="numeric"
            maxLength={10}
            className="intake-postcode"
            onChange={(event) => onChange(field, event.target.value)}
          />
          {error}
        </>
      );
      break;
    case 'choice':
    case 'yesNoUnknown': {
      const options =
        field.type === 'choice'
          ? field.options.map((option) => ({ value: option.value, label: option.label[language] }))
          : YES_NO_UNKNOWN.map((answer) => ({ value: answer, label: t(`intake.answers.${answer}`) }));
      const multiple = field.type === 'choice' && field.multiple;
      if (!multiple && options.length > MAX_RADIOS) {
        control = (
          <>
            <Label htmlFor={id} text={label} required={required} />
            {hint(field.hint)}
            <select {...inputProps} onChange={(event) => onChange(field, event.target.value)}>
              <option value="">{t('intake.choose')}</option>
              {options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {error}
          </>
        );
        break;
      }
      const chosen = Array.isArray(value) ? value : text === '' ? [] : [text];
      const legendId = `${id}-legend`;
      control = (
        <>
          <fieldset
            className="intake-group"
            // Radios: a radio group may say it is required; a group of checkboxes may not (ARIA).
            role={multiple ? undefined : 'radiogroup'}
            aria-labelledby={legendId}
            aria-required={!multiple && required ? true : undefined}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onBlur={(event) => {
              // Leaving the group, not moving within it.
              if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onTouch(field);
            }}
          >
            <legend id={legendId} className="intake-label">
              {label}
              {required && <RequiredMark />}
              {required && multiple && <span className="visually-hidden"> {t('intake.requiredHidden')}</span>}
            </legend>
            {hint(field.hint)}
            <div className="intake-options">
              {options.map((option) => (
                <label key={option.value} className="intake-option">
                  <input
                    type={multiple ? 'checkbox' : 'radio'}
                    name={field.id}
                    value={option.value}
                    checked={chosen.includes(option.value)}
                    onChange={(event) => {
                      onTouch(field);
                      if (!multiple) onChange(field, option.value);
                      else
                        onChange(
                          field,
                          event.target.checked
                            ? options
                                .map((each) => each.value)
                                .filter((each) => each === option.value || chosen.includes(each))
                            : chosen.filter((each) => each !== option.value),
                        );
                    }}
                  />
                  {option.label}
                </label>
              ))}
            </div>
            {error}
          </fieldset>
          {!multiple && !required && !readOnly && chosen.length > 0 && (
            <button
              type="button"
              className="button-link intake-clear"
              aria-label={t('intake.clearField', { field: label })}
              data-testid={`intake-clear-${field.id}`}
              onClick={() => {
                onChange(field, '');
                document
                  .querySelector<HTMLInputElement>(`#${CSS.escape(fieldWrapperId(idBase, field.id))} input`)
                  ?.focus();
              }}
            >
              {t('intake.clear')}
            </button>
          )}
        </>
      );
      break;
    }
  }

  return (
    <div
      id={fieldWrapperId(idBase, field.id)}
      className={problem !== null ? 'intake-field intake-field-invalid' : 'intake-field'}
      data-testid={`intake-field-${field.id}`}
      data-required={required}
      data-invalid={problem !== null}
    >
      {control}
    </div>
  );
}
