import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { loggedOutcomeSchema } from '../../shared/contract/calllog';
import { kpiReportSchema, reportFilterSchema, reportRangeSchema, type KpiReport } from '../../shared/contract/reports';
import { formDefinitionSchema } from '../../shared/intake/form';
import { AppError } from '../../shared/result';
import { berlinOffsetMs } from './berlin-time';
import { EXPORT_FORMAT_VERSION, FIXED_COLUMNS } from './export-rows';
import { reportLabels } from './jobs';
import { KpiAggregator, type KpiCall } from './kpi';
import { openXlsx } from './xlsx/read';
import { parseCsvRecord } from '../core/csv-record';

/**
 * Merge: a team lead combines the pseudonymised exports of several laptops (csv-iso or xlsx, as
 * Hotline Desk wrote them) into one KPI report. Every row carries its installation id and call
 * UUID; a call seen twice (the same export given twice, or overlapping ranges) is counted once,
 * while a call between two agents is two calls, one per side (two installations).
 *
 * An input is taken only when it is recognisably ours: the fixed columns in their order, and for
 * XLSX the workbook's `hotline-desk-export` property. Identified exports (names and numbers) and
 * csv-de (made for Excel, German dates) are refused with the reason. A row that does not read is
 * an error naming the file, the row and the column: a report must not quietly leave calls out.
 */

export const mergeJobSchema = z.object({
  kind: z.literal('merge'),
  inputs: z.array(z.string()).min(1).max(500),
  range: reportRangeSchema,
  filter: reportFilterSchema,
  form: formDefinitionSchema,
  generatedAt: z.number(),
});
export type MergeJob = z.input<typeof mergeJobSchema>;

const NAMES = FIXED_COLUMNS.map((column) => column.name);
const COLUMN = Object.fromEntries(NAMES.map((name, index) => [name, index])) as Record<(typeof NAMES)[number], number>;

function notOurs(file: string, reason: string): AppError {
  return new AppError(
    'invalid_input',
    `${basename(file)} is not a pseudonymised Hotline Desk export (csv-iso or xlsx): ${reason}`,
  );
}

/** The header must be our fixed columns, in order, followed by the pseudonymised part. */
function checkHeader(file: string, header: readonly string[]): void {
  if (header.includes('remote_number') || header.includes('remote_name'))
    throw new AppError(
      'invalid_input',
      `${basename(file)} is an identified export (names and numbers): merge takes pseudonymised exports only`,
    );
  for (let index = 0; index < NAMES.length; index += 1)
    if (header[index] !== NAMES[index])
      throw notOurs(
        file,
        header[index] === undefined
          ? `column ${index + 1} (${NAMES[index]}) is missing`
          : `column ${index + 1} is "${String(header[index]).slice(0, 40)}", expected ${NAMES[index]}`,
      );
}

/** A text field back as it was: the guard against formulas (a leading ') undone. */
function unguard(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

const isoTime = z.iso.datetime().transform((text) => Date.parse(text));
const optionalIso = z.union([z.literal('').transform(() => null), isoTime]);
const optionalSeconds = z.union([
  z.literal('').transform(() => null),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);
const optionalText = z.string().transform((text) => (text === '' ? null : unguard(text)));

const csvRowSchema = z.object({
  installation_id: z.string().min(1),
  call_uuid: z.string().min(1),
  direction: z.enum(['inbound', 'outbound']),
  agent: optionalText,
  started_at: isoTime,
  answered_at: optionalIso,
  ring_time: optionalSeconds,
  outcome: z.union([z.literal('').transform(() => null), loggedOutcomeSchema]),
  talk_time: optionalSeconds,
  hold_time: optionalSeconds,
  wrap_up_time: optionalSeconds,
  disposition: optionalText,
  triage: optionalText,
});

function rowError(file: string, row: number, error: z.ZodError): AppError {
  const issue = error.issues[0];
  const column = issue?.path.join('.') ?? '?';
  return new AppError(
    'invalid_input',
    `${basename(file)}, row ${row}, column ${column}: ${issue?.message ?? 'unreadable'}`,
  );
}

/** Seconds to the millisecond (an XLSX duration is a fraction of a day: not exact in binary). */
const toMs = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 1000));
const msSeconds = (seconds: number | null) => {
  const ms = toMs(seconds);
  return ms === null ? null : ms / 1000;
};

function toCall(values: z.output<typeof csvRowSchema>): KpiCall {
  // The times in an export are to the second; the ring time is to the millisecond, so the moment
  // of answer is taken from it (the average ring time comes out as from the log itself).
  const ringMs = toMs(values.ring_time);
  return {
    installationId: values.installation_id,
    callUuid: values.call_uuid,
    agent: values.agent,
    direction: values.direction,
    startedAt: values.started_at,
    answeredAt: values.answered_at === null ? null : ringMs === null ? values.answered_at : values.started_at + ringMs,
    outcome: values.outcome,
    talkSeconds: msSeconds(values.talk_time),
    holdSeconds: msSeconds(values.hold_time),
    wrapUpSeconds: msSeconds(values.wrap_up_time),
    disposition: values.disposition,
    triage: values.triage,
  };
}

function pick(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const name of NAMES) record[name] = fields[COLUMN[name]] ?? '';
  return record;
}

async function* csvCalls(file: string): AsyncGenerator<KpiCall> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let row = 0;
  let columns = 0;
  for await (const line of lines) {
    row += 1;
    if (row === 1) {
      if (line.startsWith('\uFEFF') || line.includes(';'))
        throw notOurs(file, 'this is a csv-de export (for Excel, German dates); merge reads csv-iso or xlsx');
      const header = parseCsvRecord(line, ',');
      if (header === null) throw notOurs(file, 'its first line is not a CSV header');
      checkHeader(file, header);
      columns = header.length;
      continue;
    }
    if (line === '') continue;
    const fields = parseCsvRecord(line, ',');
    if (fields === null) throw new AppError('invalid_input', `${basename(file)}, row ${row}: not a CSV record`);
    if (fields.length !== columns)
      throw new AppError(
        'invalid_input',
        `${basename(file)}, row ${row}: ${fields.length} fields, the header has ${columns} (a damaged or edited file)`,
      );
    const parsed = csvRowSchema.safeParse(pick(fields));
    if (!parsed.success) throw rowError(file, row, parsed.error);
    yield toCall(parsed.data);
  }
  if (row === 0) throw notOurs(file, 'it is empty');
}

const cellText = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);

const xlsxRowSchema = csvRowSchema.extend({
  started_at: z.number(),
  answered_at: z.number().nullable(),
  ring_time: z.number().nullable(),
  talk_time: z.number().nullable(),
  hold_time: z.number().nullable(),
  wrap_up_time: z.number().nullable(),
});

async function* xlsxCalls(file: string): AsyncGenerator<KpiCall> {
  let workbook;
  try {
    workbook = await openXlsx(file);
  } catch (error) {
    throw notOurs(file, error instanceof Error ? error.message : String(error));
  }
  const version = workbook.properties['hotline-desk-export'];
  if (version === undefined)
    throw notOurs(
      file,
      workbook.properties['hotline-desk-kpi'] === undefined
        ? 'the workbook was not written by Hotline Desk'
        : 'it is a KPI report, not an export of calls',
    );
  if (version !== String(EXPORT_FORMAT_VERSION))
    throw notOurs(file, `export format ${version}, this version reads ${EXPORT_FORMAT_VERSION}`);
  if (workbook.properties.pseudonymised !== 'true')
    throw new AppError(
      'invalid_input',
      `${basename(file)} is an identified export (names and numbers): merge takes pseudonymised exports only`,
    );
  for (const sheet of workbook.sheets) {
    let row = 0;
    for await (const cells of workbook.rows(sheet)) {
      row += 1;
      if (row === 1) {
        checkHeader(file, cells.map(cellText));
        continue;
      }
      const record: Record<string, unknown> = {};
      for (const name of NAMES) {
        const value = cells[COLUMN[name]] ?? null;
        record[name] = value;
      }
      for (const name of ['installation_id', 'call_uuid', 'direction', 'agent', 'outcome', 'disposition', 'triage'])
        record[name] = cellText(record[name]);
      for (const name of ['started_at', 'answered_at'] as const) {
        const value = record[name];
        // Excel's serial day number (1900 system) in Berlin wall time: back to an instant.
        record[name] = typeof value === 'number' ? serialToEpoch(value) : value === '' ? null : value;
      }
      for (const name of ['ring_time', 'talk_time', 'hold_time', 'wrap_up_time'] as const) {
        const value = record[name];
        // A duration is a fraction of a day.
        record[name] = typeof value === 'number' ? value * 86_400 : value === '' ? null : value;
      }
      const parsed = xlsxRowSchema.safeParse(record);
      if (!parsed.success) throw rowError(file, row, parsed.error);
      yield toCall(parsed.data);
    }
  }
}

/** Serial day numbers hold Berlin wall time; the instant is found through the zone's offset. */
function serialToEpoch(serial: number): number {
  const wall = Math.round((serial - 25_569) * 86_400_000);
  // The offset at the wall time read as UTC is right except within the hour of a DST change.
  const guess = wall - berlinOffsetMs(wall);
  return wall - berlinOffsetMs(guess);
}

async function kindOf(file: string): Promise<'xlsx' | 'csv'> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new AppError('invalid_input', `${file}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50 ? 'xlsx' : 'csv';
  } finally {
    await handle.close();
  }
}

export async function runMergeJob(input: MergeJob, onProgress?: (rows: number) => void): Promise<KpiReport> {
  const job = mergeJobSchema.parse(input);
  const aggregator = new KpiAggregator({ range: job.range, dedupe: true });
  let rows = 0;
  for (const file of job.inputs) {
    const calls = (await kindOf(file)) === 'xlsx' ? xlsxCalls(file) : csvCalls(file);
    for await (const call of calls) {
      if (!matches(call, job.filter)) continue;
      aggregator.add(call);
      rows += 1;
      if (rows % 10_000 === 0) onProgress?.(rows);
    }
  }
  onProgress?.(rows);
  return kpiReportSchema.parse(aggregator.report({ labels: reportLabels(job.form), generatedAt: job.generatedAt }));
}

function matches(call: KpiCall, filter: z.output<typeof reportFilterSchema>): boolean {
  if (filter.direction !== undefined && call.direction !== filter.direction) return false;
  if (filter.outcomes.length > 0 && (call.outcome === null || !filter.outcomes.includes(call.outcome))) return false;
  if (filter.disposition !== undefined && call.disposition !== filter.disposition) return false;
  if (filter.agent !== undefined && call.agent !== filter.agent) return false;
  return true;
}
