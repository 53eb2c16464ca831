import { z } from 'zod';
import { remotePartySchema } from '../calls';
import { formDefinitionSchema, intakeValuesSchema, localizedTextSchema } from '../intake/form';
import { PROBLEM_CODES } from '../intake/validate';
import { noInput } from './app';
import { callRecordSchema } from './calllog';
import { defineEvent, defineRequest } from './define';

/**
 * The intake form beside a call: main keeps the definition (the default, or the policy's) and
 * every draft, saved in the encrypted call log within a second of each change; submitting
 * completes the call's record and ends after-call work.
 */

export const INTAKE_STATES = ['draft', 'submitted'] as const;

export const fieldProblemSchema = z.object({
  field: z.string(),
  code: z.enum(PROBLEM_CODES),
  message: localizedTextSchema,
});

export const intakeRecordSchema = z.object({
  callId: z.string(),
  formId: z.string(),
  formVersion: z.number().int(),
  /** SHA-256 of the form definition the intake was saved under (null: saved before it was kept). */
  formHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  state: z.enum(INTAKE_STATES),
  /** Personal and health answers are gone once retention or an erasure ran (`purgedAt`). */
  values: intakeValuesSchema,
  /** What is wrong with the draft as saved (a draft with problems is kept, and flagged). */
  problems: z.array(fieldProblemSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
  submittedAt: z.number().nullable(),
  purgedAt: z.number().nullable(),
});
export type IntakeRecord = z.infer<typeof intakeRecordSchema>;

const callIdInput = z.strictObject({ callId: z.string().min(1).max(64) });
const valuesInput = z.strictObject({ callId: z.string().min(1).max(64), values: intakeValuesSchema });

export const unfinishedIntakeSchema = z.object({
  callId: z.string(),
  remote: remotePartySchema,
  startedAt: z.number(),
  updatedAt: z.number(),
  problemCount: z.number().int(),
});
export type UnfinishedIntake = z.infer<typeof unfinishedIntakeSchema>;

export const intakeRequests = {
  'intake.form': defineRequest({
    input: noInput,
    output: z.object({
      form: formDefinitionSchema,
      /** "policy" when IT's policy replaced the default form. */
      source: z.enum(['default', 'policy']),
    }),
    summary: 'The intake form definition in force.',
  }),
  'intake.get': defineRequest({
    input: callIdInput,
    output: intakeRecordSchema.nullable(),
    summary: 'The intake of a call (null: none yet). Reading one with health data is audited as a view.',
  }),
  'intake.saveDraft': defineRequest({
    input: valuesInput,
    output: intakeRecordSchema,
    summary: 'Saves the draft as it is (committed to disk); problems are flagged, never a reason to lose it.',
  }),
  'intake.submit': defineRequest({
    input: valuesInput,
    output: intakeRecordSchema,
    summary:
      'Completes the record (refused, with the draft kept, while a field has a problem) and ends after-call work.',
  }),
  'intake.unfinished': defineRequest({
    input: noInput,
    output: z.array(unfinishedIntakeSchema),
    summary: 'Drafts not submitted yet, newest first: after a crash, the agent picks them up here.',
  }),
};

export const intakeEvents = {
  'intake.changed': defineEvent({
    // No values: every window hears this; the one that shows the form asks for them.
    payload: z.object({ callId: z.string(), state: z.enum(INTAKE_STATES), problemCount: z.number().int() }),
    summary: 'A draft was saved or an intake submitted.',
  }),
};

/** Data-subject requests (GDPR Art. 15 and 17), for a team lead. Every step is audited. */
export const subjectQuerySchema = z
  .strictObject({
    number: z.string().trim().max(40).optional(),
    name: z.string().trim().max(120).optional(),
  })
  .refine((query) => (query.number ?? '') !== '' || (query.name ?? '') !== '', 'expected a number or a name');

export const subjectRecordSchema = z.object({ call: callRecordSchema, intake: intakeRecordSchema.nullable() });
export type SubjectRecord = z.infer<typeof subjectRecordSchema>;

const callIdsInput = z.strictObject({ callIds: z.array(z.string().min(1).max(64)).min(1).max(1_000) });

export const privacyRequests = {
  'privacy.access': defineRequest({
    input: noInput,
    output: z.object({ teamLead: z.boolean() }),
    summary:
      'Whether this console’s user is a team lead (by policy: privacy.teamLeads, else privacy.role): data-subject requests, identified exports.',
  }),
  'privacy.find': defineRequest({
    input: subjectQuerySchema,
    output: z.array(subjectRecordSchema),
    summary: 'Every record of one caller, by number (the call’s or the intake’s) or name (exact, any case).',
  }),
  'privacy.export': defineRequest({
    input: callIdsInput,
    output: z.object({ fileName: z.string(), text: z.string() }),
    summary: 'These records as a JSON file to hand to the caller (Art. 15).',
  }),
  'privacy.erase': defineRequest({
    input: callIdsInput,
    output: z.object({ erased: z.number().int() }),
    summary: 'Erases the personal and health data of these records (Art. 17); the anonymous rows stay.',
  }),
};
