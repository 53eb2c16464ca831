import type { TFunction } from 'i18next';
import { YES_NO_UNKNOWN, type FormDefinition, type FormField, type IntakeValue } from '../../../../shared/intake/form';
import type { IntakeLanguage } from './useIntakeForm';

const YES_NO = new Set<string>(YES_NO_UNKNOWN);

/** A stored day (YYYY-MM-DD) in the interface language's date format; as it is when it is not one. */
function formatDay(day: string, language: IntakeLanguage): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'de-DE', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(at);
}

/** The label of an option (an answer of a choice), or the stored value when the form has no such option. */
export function optionLabel(field: FormField | undefined, value: string, language: IntakeLanguage): string {
  if (field?.type !== 'choice') return value;
  return field.options.find((option) => option.value === value)?.label[language] ?? value;
}

/** An answer as the agent reads it: option labels, Ja/Nein/Unbekannt, dates in the local format. */
export function displayValue(
  field: FormField | undefined,
  value: IntakeValue,
  language: IntakeLanguage,
  t: TFunction,
): string {
  const values = typeof value === 'string' ? [value] : value;
  return values
    .map((each) => {
      if (field?.type === 'choice') return optionLabel(field, each, language);
      if (field?.type === 'yesNoUnknown' && YES_NO.has(each))
        return t(`intake.answers.${each as (typeof YES_NO_UNKNOWN)[number]}`);
      if (field?.type === 'date') return formatDay(each, language);
      return each;
    })
    .join(', ');
}

/** The call log's disposition (the disposition field's answer) as its option label. */
export function dispositionLabel(form: FormDefinition | null, disposition: string, language: IntakeLanguage): string {
  const field = form?.fields.find((each) => each.id === form.dispositionField);
  return optionLabel(field, disposition, language);
}

/** A time of day with seconds, in the interface language (12:03:04). */
export function formatTime(at: number, language: IntakeLanguage): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'de-DE', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}

/** Date and time, for a draft picked up later or a record erased (12.03.2025, 14:05). */
export function formatDateTime(at: number, language: IntakeLanguage): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'de-DE', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}
