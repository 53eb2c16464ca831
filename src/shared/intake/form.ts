import { z } from 'zod';

/**
 * The intake form is data, not code: a JSON form definition (the default one ships in
 * assets/intake/, a policy may replace it) that main validates here and the renderer draws.
 * Every field says whether it holds personal data, health data (GDPR Art. 9) or neither: retention
 * and data-subject requests erase by that tag, and personal and health fields only open when the
 * form's `personalDataWhen` holds (a silent call never collects a name).
 */

export const FIELD_TYPES = ['text', 'date', 'choice', 'yesNoUnknown', 'phone', 'postcode'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TAGS = ['personal', 'health', 'none'] as const;

/** The field types whose answers are codes (one of the form's options): the only ones that may be tagged "none". */
export const CODED_FIELD_TYPES: readonly FieldType[] = ['choice', 'yesNoUnknown'];
export type FieldTag = (typeof FIELD_TAGS)[number];

export const YES_NO_UNKNOWN = ['yes', 'no', 'unknown'] as const;

/** A string shown to the agent, in both languages of the console. */
export const localizedTextSchema = z.strictObject({
  de: z.string().trim().min(1).max(400),
  en: z.string().trim().min(1).max(400),
});
export type LocalizedText = z.infer<typeof localizedTextSchema>;

export const fieldIdSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'expected a field id such as birthDate (letters and digits, 1–40)');

/** When a field is required or shown: answers of earlier fields. */
export type Condition =
  | { readonly field: string; readonly equals: string }
  | { readonly field: string; readonly in: readonly string[] }
  | { readonly field: string; readonly filled: boolean }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

/** How deep `all`/`any` may nest: deeper than any form needs, shallow enough to check in no time. */
export const CONDITION_MAX_DEPTH = 8;

const leafCondition = z.union([
  z.strictObject({ field: fieldIdSchema, equals: z.string().max(100) }),
  z.strictObject({ field: fieldIdSchema, in: z.array(z.string().max(100)).min(1).max(50) }),
  z.strictObject({ field: fieldIdSchema, filled: z.boolean() }),
]);

/**
 * A condition, at most CONDITION_MAX_DEPTH levels of `all`/`any` deep. Built level by level (no
 * unbounded z.lazy): a condition nested a thousand deep in a request is refused at the depth
 * limit as an ordinary invalid input, and never recurses further than that.
 */
function conditionAtDepth(depth: number): z.ZodType<Condition> {
  if (depth === 1) return leafCondition;
  const inner = conditionAtDepth(depth - 1);
  return z.union([
    leafCondition,
    z.strictObject({ all: z.array(inner).min(1).max(20) }),
    z.strictObject({ any: z.array(inner).min(1).max(20) }),
  ]);
}

export const conditionSchema: z.ZodType<Condition> = conditionAtDepth(CONDITION_MAX_DEPTH);

const commonField = {
  id: fieldIdSchema,
  label: localizedTextSchema,
  hint: localizedTextSchema.optional(),
  tag: z.enum(FIELD_TAGS),
  /** Which section of the form it sits in (the section's id). */
  section: fieldIdSchema,
  required: z.boolean().default(false),
  /** Required only when this holds (in addition to `required`). */
  requiredWhen: conditionSchema.optional(),
  /** Shown (and stored) only when this holds. */
  shownWhen: conditionSchema.optional(),
};

const optionSchema = z.strictObject({
  value: z.string().regex(/^[a-z0-9][A-Za-z0-9_-]{0,39}$/, 'expected an option value such as data_call'),
  label: localizedTextSchema,
});

export const fieldSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...commonField,
    type: z.literal('text'),
    maxLength: z.number().int().min(1).max(2_000).default(200),
    multiline: z.boolean().default(false),
    /**
     * Found by the call log's search: as the caller's name (from the start of its first or last
     * word, like caller ID names) or by the words of the text (a note).
     */
    search: z.enum(['name', 'text']).optional(),
  }),
  z.strictObject({
    ...commonField,
    type: z.literal('date'),
    /** A date in the future is refused (a birth date, the onset of symptoms). */
    notInFuture: z.boolean().default(false),
    /** A date in the past is refused (an appointment). */
    notInPast: z.boolean().default(false),
    /** The earliest date accepted (YYYY-MM-DD). */
    min: z.iso.date().optional(),
    /**
     * In a pseudonymised export: `ageBand` (a birth date becomes the RKI age group at the call),
     * `daysFromCall` (days from the call to the date: onset −3, appointment +2) or `omit`.
     */
    pseudonymised: z.enum(['ageBand', 'daysFromCall', 'omit']).default('omit'),
  }),
  z.strictObject({
    ...commonField,
    type: z.literal('choice'),
    options: z.array(optionSchema).min(1).max(100),
    /** Several options may be chosen (symptoms). */
    multiple: z.boolean().default(false),
  }),
  z.strictObject({ ...commonField, type: z.literal('yesNoUnknown') }),
  z.strictObject({
    ...commonField,
    type: z.literal('phone'),
    /** Filled in with the caller's number when the form opens. */
    prefillCallerNumber: z.boolean().default(false),
    /** The country code for numbers dialled nationally (0…): 49 for Germany. */
    countryCode: z
      .string()
      .regex(/^[1-9]\d{0,2}$/)
      .default('49'),
  }),
  z.strictObject({ ...commonField, type: z.literal('postcode') }),
]);
export type FormField = z.infer<typeof fieldSchema>;

const sectionSchema = z.strictObject({ id: fieldIdSchema, title: localizedTextSchema });

function conditionFields(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionFields);
  if ('any' in condition) return condition.any.flatMap(conditionFields);
  return [condition.field];
}

export const formDefinitionSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a form id such as public-health'),
    version: z.number().int().min(1),
    title: localizedTextSchema,
    sections: z.array(sectionSchema).min(1).max(20),
    fields: z.array(fieldSchema).min(1).max(100),
    /** Personal and health fields open only while this holds (for a data call, not a silent one). */
    personalDataWhen: conditionSchema.optional(),
    /** The field whose answer is the call's disposition in the call log: a choice tagged "none". */
    dispositionField: fieldIdSchema,
    /** The field whose answer is the triage result in reports: a single choice. */
    triageField: fieldIdSchema.optional(),
  })
  .superRefine((form, ctx) => {
    const seen = new Map<string, FormField>();
    const sections = new Set(form.sections.map((section) => section.id));
    form.fields.forEach((field, index) => {
      const path = ['fields', index];
      if (seen.has(field.id))
        ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate field id ${field.id}` });
      if (!sections.has(field.section))
        ctx.addIssue({ code: 'custom', path: [...path, 'section'], message: `there is no section ${field.section}` });
      for (const [key, condition] of [
        ['requiredWhen', field.requiredWhen],
        ['shownWhen', field.shownWhen],
      ] as const) {
        for (const name of condition ? conditionFields(condition) : []) {
          // Conditions look back only: the form is filled in from the top.
          if (!seen.has(name))
            ctx.addIssue({
              code: 'custom',
              path: [...path, key],
              message: `refers to ${name}, which is not an earlier field`,
            });
        }
      }
      // Only a coded answer can be free of personal data: whatever a form says, a text, a date, a
      // phone number or a postcode is the caller's (and retention and erasure go by the tag).
      if (field.tag === 'none' && !CODED_FIELD_TYPES.includes(field.type))
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'tag'],
          message: `a ${field.type} answer holds personal or health data: tag it "personal" or "health" (only choice and yesNoUnknown fields may be "none")`,
        });
      if (field.type === 'choice') {
        const values = field.options.map((option) => option.value);
        if (new Set(values).size !== values.length)
          ctx.addIssue({ code: 'custom', path: [...path, 'options'], message: 'duplicate option values' });
      }
      seen.set(field.id, field);
    });
    for (const name of form.personalDataWhen ? conditionFields(form.personalDataWhen) : []) {
      const field = seen.get(name);
      if (!field || field.tag !== 'none')
        ctx.addIssue({
          code: 'custom',
          path: ['personalDataWhen'],
          message: `refers to ${name}, which must be a field tagged "none"`,
        });
    }
    const disposition = seen.get(form.dispositionField);
    if (!disposition || disposition.type !== 'choice' || disposition.multiple || disposition.tag !== 'none')
      ctx.addIssue({
        code: 'custom',
        path: ['dispositionField'],
        message: 'expected a single choice field tagged "none"',
      });
    if (form.triageField !== undefined) {
      const triage = seen.get(form.triageField);
      if (!triage || triage.type !== 'choice' || triage.multiple)
        ctx.addIssue({ code: 'custom', path: ['triageField'], message: 'expected a single choice field' });
    }
  });
export type FormDefinition = z.infer<typeof formDefinitionSchema>;

/** What was entered: a string per field (empty: unanswered), or the chosen options of a multiple choice. */
export const intakeValueSchema = z.union([z.string().max(2_000), z.array(z.string().max(100)).max(100)]);
export type IntakeValue = z.infer<typeof intakeValueSchema>;
export const intakeValuesSchema = z.record(fieldIdSchema, intakeValueSchema);
export type IntakeValues = Record<string, IntakeValue>;

export function isFilled(value: IntakeValue | undefined): boolean {
  if (value === undefined) return false;
  return typeof value === 'string' ? value.trim() !== '' : value.length > 0;
}

export function conditionHolds(condition: Condition, values: IntakeValues): boolean {
  if ('all' in condition) return condition.all.every((each) => conditionHolds(each, values));
  if ('any' in condition) return condition.any.some((each) => conditionHolds(each, values));
  const value = values[condition.field];
  if ('filled' in condition) return isFilled(value) === condition.filled;
  const chosen = value === undefined ? [] : typeof value === 'string' ? [value] : value;
  if ('equals' in condition) return chosen.includes(condition.equals);
  return chosen.some((each) => condition.in.includes(each));
}

/** Whether personal and health fields are open: the form's condition holds. */
export function personalDataOpen(form: FormDefinition, values: IntakeValues): boolean {
  return form.personalDataWhen === undefined || conditionHolds(form.personalDataWhen, values);
}

/** The fields shown for these answers, in form order. */
export function shownFields(form: FormDefinition, values: IntakeValues): FormField[] {
  const open = personalDataOpen(form, values);
  return form.fields.filter(
    (field) =>
      (open || field.tag === 'none') && (field.shownWhen === undefined || conditionHolds(field.shownWhen, values)),
  );
}

export function isRequired(field: FormField, values: IntakeValues): boolean {
  return field.required || (field.requiredWhen !== undefined && conditionHolds(field.requiredWhen, values));
}
