import { z } from 'zod';
import { defineRequest } from './define';
import { noInput } from './app';

export const sipTraceSchema = z.object({
  enabled: z.boolean(),
  entries: z.array(z.object({ at: z.number(), direction: z.enum(['in', 'out']), message: z.string() })),
});
export type SipTraceSnapshot = z.infer<typeof sipTraceSchema>;

export const diagnosticsRequests = {
  'diagnostics.sipTrace': defineRequest({
    input: noInput,
    output: sipTraceSchema,
    summary: 'The SIP trace (redacted, in memory only) and whether it is on.',
  }),
  'diagnostics.setSipTrace': defineRequest({
    input: z.strictObject({ enabled: z.boolean() }),
    output: sipTraceSchema,
    summary: 'Turns the SIP trace on, or off (which also forgets it).',
  }),
};
