import { z } from 'zod';
import { CALL_OUTCOMES, remotePartySchema } from '../calls';
import { qualityFiguresSchema } from '../quality';
import { noInput } from './app';
import { defineEvent, defineRequest } from './define';

/**
 * The call log: every call, newest first, from the encrypted database in main. A row is written
 * when a call starts ringing or dialling and updated as it goes on; calls a crash left open are
 * closed as "interrupted" at the next start.
 */

/** The outcomes a logged call can have: a call's outcomes, and "interrupted" (left open by a crash). */
export const LOGGED_OUTCOMES = [...CALL_OUTCOMES, 'interrupted'] as const;
export const loggedOutcomeSchema = z.enum(LOGGED_OUTCOMES);
export type LoggedOutcome = z.infer<typeof loggedOutcomeSchema>;

export const callRecordSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  remote: remotePartySchema,
  agentCode: z.string().nullable(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Talk time (answered to ended, less hold), ms; null while the call is up or never answered. */
  talkMs: z.number().nullable(),
  holdMs: z.number(),
  /** After-call work (call end to intake submitted, or to the wrap-up timer running out), ms. */
  wrapUpMs: z.number().nullable(),
  /** Null while the call is still up. */
  outcome: loggedOutcomeSchema.nullable(),
  endedBy: z.enum(['local', 'remote', 'network', 'transfer']).nullable(),
  endStatus: z.number().int().nullable(),
  /** The intake's call type once submitted (the form's disposition field). */
  disposition: z.string().nullable(),
  /** Whether the call has an intake, and how far it got. */
  intake: z.enum(['draft', 'submitted']).nullable(),
  quality: qualityFiguresSchema.nullable(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

const day = z.iso.date();

export const callLogQuerySchema = z.strictObject({
  /** A name prefix, digits of a number (spaces and punctuation ignored), or words of an intake note. */
  search: z.string().trim().max(100).default(''),
  /** Calls that started on or after this day (local calendar day, YYYY-MM-DD). */
  from: day.optional(),
  /** … and on or before this day. */
  to: day.optional(),
  outcomes: z.array(loggedOutcomeSchema).max(LOGGED_OUTCOMES.length).default([]),
  disposition: z.string().max(100).optional(),
});
export type CallLogQuery = z.infer<typeof callLogQuerySchema>;

/** Where a page ends: the next page starts after this call (newest first). */
const cursorSchema = z.strictObject({ startedAt: z.number(), id: z.string().max(64) });

/** Why the log cannot be used, when it cannot. */
export const callLogStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('open'), calls: z.number().int().nonnegative() }),
  /** The key does not open this log (its check value differs): the file is left as it is. */
  z.object({ state: z.literal('wrong_key') }),
  /** The key fits but the file does not open: it was moved aside, and a fresh log can be started. */
  z.object({ state: z.literal('corrupt'), movedTo: z.string() }),
  /** A newer version of Hotline Desk wrote this log. */
  z.object({ state: z.literal('newer_version'), version: z.number().int() }),
  z.object({ state: z.literal('unavailable'), reason: z.string() }),
  /** Policy requires the OS keystore for the key (security.requireProtectedSecrets) and this host has none. */
  z.object({ state: z.literal('secrets_unprotected'), backend: z.string(), reason: z.string() }),
]);
export type CallLogStatus = z.infer<typeof callLogStatusSchema>;

export const calllogRequests = {
  'calllog.status': defineRequest({
    input: noInput,
    output: callLogStatusSchema,
    summary: 'Whether the call log is open, and why not when it is not.',
  }),
  'calllog.list': defineRequest({
    input: z.strictObject({
      query: callLogQuerySchema.default({ search: '', outcomes: [] }),
      after: cursorSchema.optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.object({ rows: z.array(callRecordSchema), next: cursorSchema.nullable() }),
    summary: 'One page of the call log, newest first, matching the query; `next` continues it.',
  }),
  'calllog.get': defineRequest({
    input: z.strictObject({ id: z.string().min(1).max(64) }),
    output: callRecordSchema,
    summary: 'One call with everything recorded about it (the detail pane).',
  }),
  'calllog.startFresh': defineRequest({
    input: noInput,
    output: callLogStatusSchema,
    summary: 'After a log that could not be opened was moved aside: start a new, empty one.',
  }),
};

export const calllogEvents = {
  'calllog.changed': defineEvent({
    payload: callRecordSchema,
    summary: 'A call was written or updated in the log.',
  }),
  'calllog.statusChanged': defineEvent({
    payload: callLogStatusSchema,
    summary: 'The log opened, or cannot be used (wrong key, corrupt, newer version).',
  }),
};
