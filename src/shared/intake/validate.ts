import {
  isFilled,
  isRequired,
  shownFields,
  YES_NO_UNKNOWN,
  type FormDefinition,
  type FormField,
  type IntakeValue,
  type IntakeValues,
  type LocalizedText,
} from './form';

/**
 * Checks intake answers against their form definition, the same way in the renderer (messages as
 * the agent types) and in main (which stores a draft with problems flagged, and refuses to submit
 * one). Values of fields that are not shown are dropped: they are never stored.
 */

export const PROBLEM_CODES = [
  'required',
  'too_long',
  'not_a_date',
  'in_future',
  'in_past',
  'too_early',
  'not_an_option',
  'not_a_phone',
  'not_a_postcode',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface FieldProblem {
  readonly field: string;
  readonly code: ProblemCode;
  readonly message: LocalizedText;
}

export interface IntakeCheck {
  /** The answers to keep: shown fields only, normalized (phone numbers as E.164, trimmed text). */
  readonly values: IntakeValues;
  readonly problems: readonly FieldProblem[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number as E.164 (+4930123456): spaces, dashes, slashes, dots and brackets go; 00 is
 * the international prefix; a leading 0 is a national number in `countryCode`. Null when it cannot
 * be one (an internal extension, letters).
 */
export function toE164(input: string, countryCode = '49'): string | null {
  const compact = input.trim().replace(/[\s\-/.()]/g, '');
  let number: string;
  if (compact.startsWith('+')) number = compact;
  else if (compact.startsWith('00')) number = `+${compact.slice(2)}`;
  else if (compact.startsWith('0')) number = `+${countryCode}${compact.slice(1)}`;
  else return null;
  return E164.test(number) ? number : null;
}

/** A German postcode: five digits (01001–99998). */
export function isPostcode(input: string): boolean {
  return /^\d{5}$/.test(input) && input !== '00000';
}

function localDay(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function problem(field: FormField, code: ProblemCode, de: string, en: string): FieldProblem {
  return { field: field.id, code, message: { de, en } };
}

function checkField(
  field: FormField,
  value: IntakeValue,
  today: string,
): { value: IntakeValue; problem?: FieldProblem } {
  const label = field.label;
  if (Array.isArray(value)) {
    if (field.type !== 'choice' || !field.multiple)
      return {
        value,
        problem: problem(field, 'not_an_option', `${label.de}: nur eine Antwort.`, `${label.en}: one answer only.`),
      };
    const allowed = new Set(field.options.map((option) => option.value));
    const unknown = value.find((each) => !allowed.has(each));
    if (unknown !== undefined)
      return {
        value,
        problem: problem(
          field,
          'not_an_option',
          `${label.de}: „${unknown}“ ist keine Auswahl.`,
          `${label.en}: “${unknown}” is not an option.`,
        ),
      };
    return { value: [...new Set(value)] };
  }
  const text = value.trim();
  if (text === '') return { value: '' };
  switch (field.type) {
    case 'text':
      if (text.length > field.maxLength)
        return {
          value,
          problem: problem(
            field,
            'too_long',
            `${label.de}: höchstens ${field.maxLength} Zeichen (jetzt ${text.length}).`,
            `${label.en}: at most ${field.maxLength} characters (now ${text.length}).`,
          ),
        };
      return { value: field.multiline ? value.trimEnd() : text };
    case 'date':
      if (!isRealDate(text))
        return {
          value,
          problem: problem(field, 'not_a_date', `${label.de}: kein gültiges Datum.`, `${label.en}: not a valid date.`),
        };
      if (field.notInFuture && text > today)
        return {
          value,
          problem: problem(
            field,
            'in_future',
            `${label.de}: darf nicht in der Zukunft liegen.`,
            `${label.en}: cannot be in the future.`,
          ),
        };
      if (field.notInPast && text < today)
        return {
          value,
          problem: problem(
            field,
            'in_past',
            `${label.de}: darf nicht in der Vergangenheit liegen.`,
            `${label.en}: cannot be in the past.`,
          ),
        };
      if (field.min !== undefined && text < field.min)
        return {
          value,
          problem: problem(
            field,
            'too_early',
            `${label.de}: frühestens ${field.min}.`,
            `${label.en}: ${field.min} at the earliest.`,
          ),
        };
      return { value: text };
    case 'choice':
    case 'yesNoUnknown': {
      const allowed: readonly string[] =
        field.type === 'choice' ? field.options.map((option) => option.value) : YES_NO_UNKNOWN;
      if (!allowed.includes(text))
        return {
          value,
          problem: problem(
            field,
            'not_an_option',
            `${label.de}: „${text}“ ist keine Auswahl.`,
            `${label.en}: “${text}” is not an option.`,
          ),
        };
      return { value: field.type === 'choice' && field.multiple ? [text] : text };
    }
    case 'phone': {
      const number = toE164(text, field.countryCode);
      if (number === null)
        return {
          value,
          problem: problem(
            field,
            'not_a_phone',
            `${label.de}: keine vollständige Telefonnummer (z. B. 030 1234567 oder +49 30 1234567).`,
            `${label.en}: not a complete phone number (such as 030 1234567 or +49 30 1234567).`,
          ),
        };
      return { value: number };
    }
    case 'postcode':
      if (!isPostcode(text))
        return {
          value,
          problem: problem(
            field,
            'not_a_postcode',
            `${label.de}: fünf Ziffern, z. B. 10115.`,
            `${label.en}: five digits, such as 10115.`,
          ),
        };
      return { value: text };
  }
}

/**
 * The answers checked against the form: what to keep and what is wrong. A value with a problem is
 * kept as entered (a draft is never lost); `today` is the local calendar day.
 */
export function checkIntake(form: FormDefinition, values: IntakeValues, now: Date): IntakeCheck {
  const today = localDay(now);
  const kept: IntakeValues = {};
  const problems: FieldProblem[] = [];
  // Conditions read the answers as normalized so far (a choice decides what follows it).
  for (const field of shownFields(form, values)) {
    const raw = values[field.id];
    if (raw !== undefined) {
      const checked = checkField(field, raw, today);
      if (isFilled(checked.value)) kept[field.id] = checked.value;
      if (checked.problem) {
        problems.push(checked.problem);
        continue;
      }
    }
    if (isRequired(field, values) && !isFilled(kept[field.id]))
      problems.push(problem(field, 'required', `${field.label.de}: bitte angeben.`, `${field.label.en}: required.`));
  }
  return { values: kept, problems };
}
