import { z } from 'zod';
import { defineEvent, defineRequest } from './define';
import { noInput } from './app';

/**
 * What the status bar says about the phone line. The calls feature extends this with
 * registered, reconnecting and failed states once a user agent runs.
 */
export const registrationStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('not_configured') }),
  z.object({ state: z.literal('not_registered'), server: z.string() }),
]);
export type RegistrationState = z.infer<typeof registrationStateSchema>;

export const callsRequests = {
  'calls.registration': defineRequest({
    input: noInput,
    output: registrationStateSchema,
    summary: 'The phone line’s registration state, as the status bar shows it.',
  }),
};

export const callsEvents = {
  'calls.registrationChanged': defineEvent({
    payload: registrationStateSchema,
    summary: 'The registration state changed.',
  }),
};
