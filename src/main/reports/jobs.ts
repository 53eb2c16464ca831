import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Connection } from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { loggedOutcomeSchema } from '../../shared/contract/calllog';
import {
  exportRequestSchema,
  kpiReportSchema,
  reportFilterSchema,
  reportRangeSchema,
  type KpiReport,
  type ReportFilter,
  type ReportRange,
} from '../../shared/contract/reports';
import { formDefinitionSchema, type FormDefinition } from '../../shared/intake/form';
import { unlock } from '../calllog/database';
import { writeExportFile, type ExportFileResult } from './export-file';
import { callsWhere, codedAnswer } from './export-rows';
import { KpiAggregator } from './kpi';
import { pseudonymizer } from './pseudonym';

/**
 * The report jobs, as they run in the reports worker (worker.ts) or, for tests, in the caller's
 * thread: an export of the call log to a file, the KPIs of the call log, the KPIs of export files
 * merged (merge.ts). Each opens its own read-only connection to the log.
 */

export const dbAccessSchema = z.object({ file: z.string(), keyHex: z.string().regex(/^[0-9a-f]{64}$/) });
export type DbAccess = z.infer<typeof dbAccessSchema>;

export const exportJobSchema = z.object({
  kind: z.literal('export'),
  db: dbAccessSchema,
  request: exportRequestSchema,
  form: formDefinitionSchema,
  /** `reports.pseudonymKey` (the organisation's, from policy) or ''. */
  organisationKey: z.string(),
  target: z.string(),
  /** Where to write (the caller audits, then places the file); without it, written to target at once. */
  temporary: z.string().optional(),
  maxRowsPerSheet: z.number().int().positive().optional(),
});
export type ExportJob = z.input<typeof exportJobSchema>;

export const kpiJobSchema = z.object({
  kind: z.literal('kpi'),
  db: dbAccessSchema,
  range: reportRangeSchema,
  filter: reportFilterSchema,
  form: formDefinitionSchema,
  generatedAt: z.number(),
});
export type KpiJob = z.input<typeof kpiJobSchema>;

/** Opens the log for reading only: a report never changes it. */
export function openForReading(access: DbAccess): Connection {
  const db = new Database(access.file, { readonly: true, fileMustExist: true });
  try {
    unlock(db, access.keyHex);
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 5000');
    // A report reads the log once, in order: a small cache does (and keeps memory flat).
    db.pragma('cache_size = -4096');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

const installationSchema = z.object({ id: z.string(), pseudonym_key: z.string().regex(/^[0-9a-f]{64}$/) });

export function readInstallation(db: Connection): z.infer<typeof installationSchema> {
  return installationSchema.parse(db.prepare('SELECT id, pseudonym_key FROM installation WHERE one = 1').get());
}

export async function runExportJob(
  input: ExportJob,
  onProgress?: (rows: number) => void,
): Promise<ExportFileResult & { pseudonymKey: 'organisation' | 'installation'; installationId: string }> {
  const job = exportJobSchema.parse(input);
  const db = openForReading(job.db);
  try {
    const installation = readInstallation(db);
    const pseudonyms = pseudonymizer(job.organisationKey, installation.pseudonym_key);
    const result = await writeExportFile({
      db,
      request: job.request,
      form: job.form,
      installationId: installation.id,
      pseudonyms,
      target: job.target,
      ...(job.temporary === undefined ? {} : { temporary: job.temporary }),
      ...(onProgress === undefined ? {} : { onProgress }),
      ...(job.maxRowsPerSheet === undefined ? {} : { maxRowsPerSheet: job.maxRowsPerSheet }),
    });
    return { ...result, pseudonymKey: pseudonyms.source, installationId: installation.id };
  } finally {
    db.close();
  }
}

/** The labels of a choice field's options, for the report. */
export function optionLabels(form: FormDefinition, fieldId: string | undefined): KpiReport['labels']['dispositions'] {
  const field = form.fields.find((each) => each.id === fieldId);
  if (field === undefined || field.type !== 'choice') return {};
  return Object.fromEntries(field.options.map((option) => [option.value, option.label]));
}

export function reportLabels(form: FormDefinition): KpiReport['labels'] {
  return { dispositions: optionLabels(form, form.dispositionField), triage: optionLabels(form, form.triageField) };
}

const kpiRowSchema = z.tuple([
  z.string(),
  z.string().nullable(),
  z.enum(['inbound', 'outbound']),
  z.number(),
  z.number().nullable(),
  loggedOutcomeSchema.nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.string().nullable(),
  z.unknown(),
]);

/** The calls of a range and filter, as the KPI aggregator takes them. */
export function kpiQuery(
  form: FormDefinition,
  range: ReportRange,
  filter: ReportFilter,
): { sql: string; params: (string | number)[] } {
  const triage = form.fields.find((field) => field.id === form.triageField) ?? null;
  const params: (string | number)[] = [];
  let triageSql = 'NULL';
  if (triage !== null) {
    // Counted as call types are: from submitted intakes (a draft may hold anything typed).
    triageSql = `CASE WHEN i.state = 'submitted' THEN json_extract(i.${triage.tag === 'none' ? 'other_json' : 'personal_json'}, ?) END`;
    params.push(`$.${triage.id}`);
  }
  const calls = callsWhere(range, filter);
  params.push(...calls.params);
  return {
    sql: `SELECT c.id, c.agent_code, c.direction, c.started_at, c.answered_at, c.outcome, c.talk_ms, c.hold_ms,
        c.wrap_up_ms, c.disposition, ${triageSql}
      FROM calls c LEFT JOIN intakes i ON i.call_id = c.id
      WHERE ${calls.where}`,
    params,
  };
}

export function runKpiJob(input: KpiJob): KpiReport {
  const job = kpiJobSchema.parse(input);
  const triageField = job.form.fields.find((field) => field.id === job.form.triageField);
  const triageCode = codedAnswer(
    triageField?.type === 'choice' ? triageField.options.map((option) => option.value) : [],
  );
  const db = openForReading(job.db);
  try {
    const installation = readInstallation(db);
    const aggregator = new KpiAggregator({ range: job.range, dedupe: false });
    const { sql, params } = kpiQuery(job.form, job.range, job.filter);
    for (const raw of db
      .prepare(sql)
      .raw(true)
      .iterate(...params) as IterableIterator<unknown[]>) {
      const row = kpiRowSchema.parse(raw);
      aggregator.add({
        installationId: installation.id,
        callUuid: row[0],
        agent: row[1],
        direction: row[2],
        startedAt: row[3],
        answeredAt: row[4],
        outcome: row[5],
        talkSeconds: row[6] === null ? null : row[6] / 1000,
        holdSeconds: row[7] === null ? null : row[7] / 1000,
        wrapUpSeconds: row[8] === null ? null : row[8] / 1000,
        disposition: row[9],
        triage: triageCode(row[10]),
      });
    }
    return kpiReportSchema.parse(aggregator.report({ labels: reportLabels(job.form), generatedAt: job.generatedAt }));
  } finally {
    db.close();
  }
}
