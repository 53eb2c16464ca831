import { z } from 'zod';
import { localizedTextSchema } from '../intake/form';
import { noInput } from './app';
import { loggedOutcomeSchema, LOGGED_OUTCOMES } from './calllog';
import { defineEvent, defineRequest } from './define';

/**
 * Reports for team leads: exports of the call log (CSV that German Excel opens right, CSV in ISO
 * form, XLSX) and the KPIs a hotline is run by. Exports are pseudonymised unless a team lead asks
 * for an identified one and says why; every export is audited. The work runs in a worker thread
 * in main with its own database connection, so calls and headset events are never delayed.
 *
 * Days are calendar days in Europe/Berlin, both ends included.
 */

export const REPORT_TIME_ZONE = 'Europe/Berlin';

export const EXPORT_FORMATS = ['csv-de', 'csv-iso', 'xlsx'] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** The file name extension of each format. */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { 'csv-de': 'csv', 'csv-iso': 'csv', xlsx: 'xlsx' };

const daySchema = z.iso.date();

/** From one day to another, both included (Europe/Berlin calendar days). */
export const reportRangeSchema = z
  .strictObject({ from: daySchema, to: daySchema })
  .refine((range) => range.from <= range.to, {
    message: 'the range ends before it starts (from must be on or before to)',
    path: ['to'],
  });
export type ReportRange = z.infer<typeof reportRangeSchema>;

/** Which calls: all of the range, or those matching every filter given. */
export const reportFilterSchema = z.strictObject({
  direction: z.enum(['inbound', 'outbound']).optional(),
  outcomes: z.array(loggedOutcomeSchema).max(LOGGED_OUTCOMES.length).default([]),
  /** The intake's call type (the form's disposition field). */
  disposition: z.string().max(100).optional(),
  /** The agent code. */
  agent: z.string().max(64).optional(),
});
export type ReportFilter = z.infer<typeof reportFilterSchema>;

export const exportRequestSchema = z
  .strictObject({
    range: reportRangeSchema,
    filter: reportFilterSchema.default({ outcomes: [] }),
    format: exportFormatSchema,
    /** All fields, names and numbers included: a team lead only, with a reason. */
    identified: z.boolean().default(false),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((request) => !request.identified || (request.reason?.length ?? 0) >= 5, {
    message: 'an identified export needs a reason (at least 5 characters)',
    path: ['reason'],
  });
export type ExportRequest = z.infer<typeof exportRequestSchema>;

export const exportResultSchema = z.object({
  /** Where the file was written (full path). */
  file: z.string(),
  format: exportFormatSchema,
  identified: z.boolean(),
  rows: z.number().int().nonnegative(),
  /** SHA-256 of the file, hex: the audit log has it too. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  columns: z.array(z.string()),
  /**
   * Whether caller_ref uses the organisation's pseudonym key (repeat callers can be counted
   * across laptops) or this installation's own (it cannot be linked with other laptops).
   */
  pseudonymKey: z.enum(['organisation', 'installation']),
  /** XLSX only: the sheets the rows went into (a sheet holds at most 1,048,575 rows). */
  sheets: z.number().int().positive(),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const countSchema = z.object({ value: z.string(), count: z.number().int().nonnegative() });

/** The figures of one agent, or of all. Durations in seconds; rates from 0 to 1. */
export const kpiFiguresSchema = z.object({
  /** Inbound calls that reached this console (rang here). */
  offered: z.number().int().nonnegative(),
  /** … of those answered. */
  answered: z.number().int().nonnegative(),
  /** … that stopped ringing unanswered (the caller gave up, or no one took it). */
  missed: z.number().int().nonnegative(),
  /** … rejected by the agent (busy, declined). */
  rejected: z.number().int().nonnegative(),
  /** answered / offered; null with nothing offered. */
  answerRate: z.number().min(0).max(1).nullable(),
  /** Outbound calls placed (call-backs). */
  placed: z.number().int().nonnegative(),
  /** Talk + hold + wrap-up of the answered calls (both directions), on average; null with none. */
  averageHandleSeconds: z.number().nonnegative().nullable(),
  /** From ringing to answer, inbound answered calls, on average; null with none. */
  averageRingSeconds: z.number().nonnegative().nullable(),
  /** Offered calls by weekday (0 Monday … 6 Sunday) and hour (0 … 23), Europe/Berlin. */
  heatMap: z.array(z.array(z.number().int().nonnegative()).length(24)).length(7),
  /** Calls by call type (disposition), most first; calls without one are not counted. */
  dispositions: z.array(countSchema),
  /** Calls by triage result, most first. */
  triage: z.array(countSchema),
});
export type KpiFigures = z.infer<typeof kpiFiguresSchema>;

export const kpiReportSchema = z.object({
  range: reportRangeSchema,
  timeZone: z.literal(REPORT_TIME_ZONE),
  generatedAt: z.number(),
  /** The installations whose calls are counted (one for this console; several for a merge). */
  sources: z.array(z.object({ installationId: z.string(), calls: z.number().int().nonnegative() })),
  /** Calls seen twice (the same installation and call UUID in two inputs), counted once. */
  duplicatesRemoved: z.number().int().nonnegative(),
  total: kpiFiguresSchema,
  /** Per agent code (null: calls without one), by code. */
  agents: z.array(z.object({ agent: z.string().nullable(), figures: kpiFiguresSchema })),
  /**
   * The per-agent figures were left out: they measure people (works-council matter), so the
   * Reports view shows them to team leads only.
   */
  agentsWithheld: z.boolean().default(false),
  /** Labels of the call types and triage results, from the intake form (values not in it have none). */
  labels: z.object({
    dispositions: z.record(z.string(), localizedTextSchema),
    triage: z.record(z.string(), localizedTextSchema),
  }),
});
export type KpiReport = z.infer<typeof kpiReportSchema>;

export const reportsInfoSchema = z.object({
  /** Whether this console's user may make identified exports (the team-lead role). */
  teamLead: z.boolean(),
  /** Where exports are written. */
  directory: z.string(),
  formats: z.array(exportFormatSchema),
  pseudonymKey: z.enum(['organisation', 'installation']),
});
export type ReportsInfo = z.infer<typeof reportsInfoSchema>;

export const reportsRequests = {
  'reports.info': defineRequest({
    input: noInput,
    output: reportsInfoSchema,
    summary:
      'What the Reports view may offer: identified exports (team lead), formats, export directory, pseudonym key.',
  }),
  'reports.export': defineRequest({
    input: exportRequestSchema,
    output: exportResultSchema,
    summary:
      'Exports the calls of a day range (pseudonymised unless identified by a team lead with a reason) to a file in the export directory; audited.',
  }),
  'reports.kpi': defineRequest({
    input: z.strictObject({ range: reportRangeSchema, filter: reportFilterSchema.default({ outcomes: [] }) }),
    output: kpiReportSchema,
    summary: 'The KPIs of a day range, per agent and in total (computed in a worker thread).',
  }),
};

export const reportsEvents = {
  'reports.progress': defineEvent({
    payload: z.object({ rows: z.number().int().nonnegative(), done: z.boolean() }),
    summary: 'How far the export under way has got (rows written).',
  }),
};
