import { z } from 'zod';
import { defineEvent, defineRequest } from './define';
import { qualityFiguresSchema } from '../quality';
import { noInput } from './app';
import { callSnapshotSchema } from '../calls';

/** Why the line is not registered right now. */
export const registrationProblemSchema = z.enum([
  /** The server could not be reached or the connection dropped. */
  'unreachable',
  /** The server stopped answering (OPTIONS ping timed out). */
  'silent',
  /** The server answered REGISTER with an error that may pass (5xx, 408, …). */
  'server_error',
  /** The server refused the credentials: no retry until they change. */
  'auth_failed',
  /** The server refuses this account (403, 404): no retry until the settings change. */
  'rejected',
  /** No password is stored for the account. */
  'no_password',
]);
export type RegistrationProblem = z.infer<typeof registrationProblemSchema>;

/** What the status bar says about the phone line, truthfully. */
export const registrationStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('not_configured') }),
  z.object({ state: z.literal('connecting'), server: z.string() }),
  z.object({ state: z.literal('registered'), server: z.string(), since: z.number() }),
  z.object({
    state: z.literal('reconnecting'),
    /** The server the next attempt goes to. */
    server: z.string(),
    /** When it will be tried (ms since the epoch): the UI counts down to it. */
    retryAt: z.number(),
    problem: registrationProblemSchema,
    /** The SIP status that caused it, when there was one. */
    status: z.number().int().nullable(),
  }),
  z.object({
    state: z.literal('failed'),
    server: z.string(),
    problem: registrationProblemSchema,
    status: z.number().int().nullable(),
  }),
]);
export type RegistrationState = z.infer<typeof registrationStateSchema>;

export const accountSchema = z.object({
  configured: z.boolean(),
  hasPassword: z.boolean(),
  /**
   * The password lay beside the data in an earlier version (a file in the data folder, which
   * backups hold): it should be changed at the PBX and entered again here.
   */
  passwordExposed: z.boolean(),
});

const callIdInput = z.strictObject({ callId: z.string().min(1).max(64) });

const dialTarget = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(/^(?:[+]?[0-9*#\s()./-]{1,40}|sips?:[^\s]+)$/, 'expected a phone number or a SIP address');

export const callsRequests = {
  'calls.list': defineRequest({
    input: noInput,
    output: z.array(callSnapshotSchema),
    summary: 'The calls not yet ended, oldest first.',
  }),
  'calls.answer': defineRequest({ input: callIdInput, output: callSnapshotSchema, summary: 'Answers a ringing call.' }),
  'calls.reject': defineRequest({
    input: callIdInput.extend({ status: z.union([z.literal(486), z.literal(603)]).default(486) }),
    output: callSnapshotSchema,
    summary: 'Rejects a ringing call with 486 Busy Here (default) or 603 Decline.',
  }),
  'calls.hangup': defineRequest({
    input: callIdInput,
    output: callSnapshotSchema,
    summary: 'Ends a call (or cancels one still dialling).',
  }),
  'calls.hold': defineRequest({
    input: callIdInput.extend({ held: z.boolean() }),
    output: callSnapshotSchema,
    summary: 'Puts a call on hold, or resumes it (re-INVITE).',
  }),
  'calls.mute': defineRequest({
    input: callIdInput.extend({ muted: z.boolean() }),
    output: callSnapshotSchema,
    summary: 'Mutes or unmutes the microphone for a call.',
  }),
  'calls.transfer': defineRequest({
    input: callIdInput.extend({ target: dialTarget }),
    output: callSnapshotSchema,
    summary: 'Blind transfer (REFER): the caller is sent to the target and this agent’s leg ends.',
  }),
  'calls.attendedTransfer': defineRequest({
    input: callIdInput.extend({ withCallId: z.string().min(1).max(64) }),
    output: callSnapshotSchema,
    summary: 'Attended transfer (REFER with Replaces): connects the other parties of two calls.',
  }),
  'calls.dtmf': defineRequest({
    input: callIdInput.extend({
      tones: z.string().regex(/^[0-9A-D*#,]{1,32}$/, 'expected DTMF tones: 0-9, A-D, * and #'),
    }),
    output: z.object({ via: z.enum(['rfc4733', 'info']) }),
    summary: 'Sends DTMF: RFC 4733 in the media when the far end offered telephone-event, else SIP INFO.',
  }),
  'calls.dial': defineRequest({
    input: z.strictObject({ target: dialTarget }),
    output: callSnapshotSchema,
    summary: 'Calls a number (on the account’s domain) or a SIP address.',
  }),
  'calls.registration': defineRequest({
    input: noInput,
    output: registrationStateSchema,
    summary: 'The phone line’s registration state, as the status bar shows it.',
  }),
  'calls.account': defineRequest({
    input: noInput,
    output: accountSchema,
    summary: 'Whether a SIP account is set up and a password stored (the password itself never leaves main).',
  }),
  'calls.setPassword': defineRequest({
    input: z.strictObject({ password: z.string().min(1).max(256) }),
    output: accountSchema,
    summary: 'Stores the SIP password in the secret store and registers again with it.',
  }),
  'calls.reconnect': defineRequest({
    input: noInput,
    output: registrationStateSchema,
    summary: 'Tries to register now, without waiting for the back-off (also after a failure).',
  }),
};

export const callsEvents = {
  'calls.changed': defineEvent({
    payload: callSnapshotSchema,
    summary: 'A call started, changed or ended (phase ended, with its outcome).',
  }),
  'calls.registrationChanged': defineEvent({
    payload: registrationStateSchema,
    summary: 'The registration state changed.',
  }),
  'calls.qualityReported': defineEvent({
    payload: z.object({ callId: z.string(), quality: qualityFiguresSchema }),
    summary: 'A call’s audio quality over its length (RTT, jitter, loss, MOS), handed over when it ended.',
  }),
};
