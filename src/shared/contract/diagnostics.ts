import { z } from 'zod';
import { defineRequest } from './define';
import { noInput } from './app';

export const sipTraceSchema = z.object({
  enabled: z.boolean(),
  entries: z.array(z.object({ at: z.number(), direction: z.enum(['in', 'out']), message: z.string() })),
});
export type SipTraceSnapshot = z.infer<typeof sipTraceSchema>;

/** The trace as the exported text file. */
export function sipTraceText(trace: SipTraceSnapshot): string {
  return trace.entries
    .map(
      (entry) =>
        `--- ${new Date(entry.at).toISOString()} ${entry.direction === 'in' ? '<<< received' : '>>> sent'}\n${entry.message.replace(/\r\n/g, '\n')}`,
    )
    .join('\n\n');
}

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
  'diagnostics.exportSipTrace': defineRequest({
    input: noInput,
    output: z.object({ fileName: z.string(), text: z.string() }),
    summary: 'The SIP trace as a text file to save; every export is written to the audit log.',
  }),
};
