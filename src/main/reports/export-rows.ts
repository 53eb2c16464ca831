import { YES_NO_UNKNOWN, type FormDefinition, type FormField } from '../../shared/intake/form';
import type { ReportFilter, ReportRange } from '../../shared/contract/reports';
import { LOGGED_OUTCOMES } from '../../shared/contract/calllog';
import { berlinDay, dayRangeToEpoch } from './berlin-time';
import type { Pseudonymizer } from './pseudonym';

/**
 * What an export holds, column by column, and how a row of the call log becomes a row of cells.
 *
 * Pseudonymised (the default): the call's facts (times, durations, outcome, agent, call type,
 * triage), `caller_ref` (a keyed hash of the normalised number, never the number), and the intake's
 * coded answers (choices, yes/no/unknown). Direct identifiers (name, number, address, e-mail) and
 * every free-text field are left out; a birth date becomes an RKI age group at the call, other
 * dates the days from the call (as the form says), a postcode its first three digits.
 * Identified (a team lead, with a reason): the number and name as well, and every answer as given.
 *
 * Every row carries the installation id and the call's UUID, so that exports from several
 * laptops can be merged without counting a call twice. The column names are the file's contract
 * (merge reads them back): English, stable, one per fact.
 *
 * Cells are typed for the writers: text, integer, decimal, datetime (epoch ms), date (YYYY-MM-DD),
 * duration (seconds). The work per row is small on purpose (a million rows): SQLite extracts the
 * answers from the intake's JSON, JavaScript only shapes them.
 */

export type CellKind = 'text' | 'integer' | 'decimal' | 'datetime' | 'date' | 'duration';
export type Cell = string | number | null;

export interface ExportColumn {
  readonly name: string;
  readonly kind: CellKind;
}

/** Bumped when the columns of the fixed part change: merge refuses what it does not know. */
export const EXPORT_FORMAT_VERSION = 1;

/** The fixed columns every export starts with, in order (identified adds two after caller_ref). */
export const FIXED_COLUMNS = [
  { name: 'installation_id', kind: 'text' },
  { name: 'call_uuid', kind: 'text' },
  { name: 'direction', kind: 'text' },
  { name: 'agent', kind: 'text' },
  { name: 'started_at', kind: 'datetime' },
  { name: 'answered_at', kind: 'datetime' },
  { name: 'ended_at', kind: 'datetime' },
  { name: 'ring_time', kind: 'duration' },
  { name: 'talk_time', kind: 'duration' },
  { name: 'hold_time', kind: 'duration' },
  { name: 'wrap_up_time', kind: 'duration' },
  { name: 'outcome', kind: 'text' },
  { name: 'ended_by', kind: 'text' },
  { name: 'disposition', kind: 'text' },
  { name: 'triage', kind: 'text' },
  { name: 'caller_ref', kind: 'text' },
  /**
   * Whose key made caller_ref: `organisation` (the same caller has the same ref on every laptop)
   * or `installation` (this laptop's own: its refs cannot be linked with other laptops').
   */
  { name: 'caller_ref_key', kind: 'text' },
] as const satisfies readonly ExportColumn[];

const IDENTIFYING_COLUMNS = [
  { name: 'remote_number', kind: 'text' },
  { name: 'remote_name', kind: 'text' },
] as const satisfies readonly ExportColumn[];

const TRAILING_COLUMNS = [
  { name: 'intake', kind: 'text' },
  { name: 'mos', kind: 'decimal' },
  { name: 'loss_percent', kind: 'decimal' },
] as const satisfies readonly ExportColumn[];

/** The RKI's age groups (as in its COVID-19 reporting): A00-A04 … A80+. */
export function ageBand(birthDate: string, onDay: string): string | null {
  const birth = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(onDay);
  if (!birth || !day) return null;
  let age = Number(day[1]) - Number(birth[1]);
  if (`${day[2]}-${day[3]}` < `${birth[2]}-${birth[3]}`) age -= 1;
  if (age < 0 || age > 130) return null;
  if (age <= 4) return 'A00-A04';
  if (age <= 14) return 'A05-A14';
  if (age <= 34) return 'A15-A34';
  if (age <= 59) return 'A35-A59';
  if (age <= 79) return 'A60-A79';
  return 'A80+';
}

function dayNumber(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

/** Days from the call's day to the date (negative: before the call). */
export function daysFromCall(date: string, callDay: string): number | null {
  const [a, b] = [dayNumber(date), dayNumber(callDay)];
  return a === null || b === null ? null : a - b;
}

/** One answer as text: several choices joined with |. */
function answerText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').join('|') || null;
  return null;
}

/** The answers of one intake's JSON object (parsed once per row); null when there are none. */
function answersOf(json: unknown): Record<string, unknown> | null {
  if (typeof json !== 'string' || json === '') return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** An answer kept only as the form's codes (several choices joined with |); anything else is left out. */
export function codedAnswer(codes: readonly string[]): (value: unknown) => string | null {
  const allowed = new Set(codes);
  return (value) => {
    if (typeof value === 'string') return allowed.has(value) ? value : null;
    if (Array.isArray(value)) {
      const kept = value.filter((item): item is string => typeof item === 'string' && allowed.has(item));
      return kept.length > 0 ? kept.join('|') : null;
    }
    return null;
  };
}

interface IntakeColumn {
  readonly column: ExportColumn;
  /** Which JSON object of the intake row holds the answer (by the field's tag). */
  readonly json: 'personal' | 'other';
  readonly path: string;
  readonly shape: (value: unknown, callDay: () => string) => Cell;
}

function intakeColumn(field: FormField, identified: boolean): IntakeColumn | null {
  const json = field.tag === 'none' ? 'other' : 'personal';
  const path = field.id;
  const name = `intake_${field.id}`;
  if (identified) {
    const kind: CellKind = field.type === 'date' ? 'date' : 'text';
    return { column: { name, kind }, json, path, shape: (value) => answerText(value) };
  }
  switch (field.type) {
    case 'choice':
    case 'yesNoUnknown': {
      // Only the form's own codes: a draft keeps what was typed, whatever it was, and an older
      // form may have had free text under this id; neither may leave a pseudonymised export.
      const coded = codedAnswer(field.type === 'choice' ? field.options.map((option) => option.value) : YES_NO_UNKNOWN);
      return { column: { name, kind: 'text' }, json, path, shape: coded };
    }
    case 'postcode':
      return {
        column: { name: `${name}_prefix`, kind: 'text' },
        json,
        path,
        // "010xx": the area, as text (a spreadsheet would turn "010" into the number 10).
        shape: (value) => (typeof value === 'string' && /^\d{5}$/.test(value) ? `${value.slice(0, 3)}xx` : null),
      };
    case 'date':
      if (field.pseudonymised === 'ageBand')
        return {
          column: { name: `${name}_age_band`, kind: 'text' },
          json,
          path,
          shape: (value, callDay) => (typeof value === 'string' ? ageBand(value, callDay()) : null),
        };
      if (field.pseudonymised === 'daysFromCall')
        return {
          column: { name: `${name}_days_from_call`, kind: 'integer' },
          json,
          path,
          shape: (value, callDay) => (typeof value === 'string' ? daysFromCall(value, callDay()) : null),
        };
      return null;
    // Names, addresses, numbers and every free text: direct identifiers, never in a pseudonymised export.
    case 'text':
    case 'phone':
      return null;
  }
}

/**
 * The calls of a range and filter, as SQL over `calls c`: the days (Europe/Berlin, both
 * included), and every filter given. Shared by exports and KPIs, so both count the same calls.
 */
export function callsWhere(range: ReportRange, filter: ReportFilter): { where: string; params: (string | number)[] } {
  const { start, end } = dayRangeToEpoch(range);
  const params: (string | number)[] = [start, end];
  const where = ['c.started_at >= ?', 'c.started_at < ?'];
  if (filter.direction !== undefined) {
    where.push('c.direction = ?');
    params.push(filter.direction);
  }
  if (filter.outcomes.length > 0 && filter.outcomes.length < LOGGED_OUTCOMES.length) {
    where.push(`c.outcome IN (${filter.outcomes.map(() => '?').join(', ')})`);
    params.push(...filter.outcomes);
  }
  if (filter.disposition !== undefined) {
    where.push('c.disposition = ?');
    params.push(filter.disposition);
  }
  if (filter.agent !== undefined) {
    where.push('c.agent_code = ?');
    params.push(filter.agent);
  }
  return { where: where.join(' AND '), params };
}

export interface ExportPlanOptions {
  readonly form: FormDefinition;
  readonly identified: boolean;
  readonly range: ReportRange;
  readonly filter: ReportFilter;
  readonly installationId: string;
  readonly pseudonyms: Pseudonymizer;
}

export interface ExportPlan {
  readonly columns: readonly ExportColumn[];
  readonly sql: string;
  readonly params: readonly (string | number)[];
  /** One raw row of `sql` (SQLite's values, in order) as the export's cells. */
  readonly cells: (raw: readonly unknown[]) => Cell[];
}

/** Where a field is in the raw row of the plan's query. */
const RAW = {
  id: 0,
  direction: 1,
  agent: 2,
  startedAt: 3,
  answeredAt: 4,
  endedAt: 5,
  talkMs: 6,
  holdMs: 7,
  wrapUpMs: 8,
  outcome: 9,
  endedBy: 10,
  disposition: 11,
  digits: 12,
  intakeState: 13,
  mos: 14,
  loss: 15,
  remoteNumber: 16,
  remoteName: 17,
  personal: 18,
  other: 19,
} as const;

type Answers = Record<string, unknown> | null;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
/** A duration in seconds; a negative one (a clock set back during the call) counts as 0, as in the KPIs. */
const seconds = (ms: unknown): number | null => (typeof ms === 'number' ? Math.max(0, ms) / 1000 : null);

/** The query and the row shaping of one export. */
export function planExport(options: ExportPlanOptions): ExportPlan {
  const { form, identified, filter } = options;
  const intake = form.fields.map((field) => intakeColumn(field, identified)).filter((column) => column !== null);
  const triageField = form.fields.find((field) => field.id === form.triageField) ?? null;
  const phoneField = form.fields.find((field) => field.type === 'phone') ?? null;
  // Each intake's two JSON objects are read whole and parsed once per row: much cheaper than
  // SQLite extracting every answer on its own (it parses the text again for each).
  const needsPersonal = [...intake.map((column) => column.json), triageField, phoneField].some(
    (each) => each === 'personal' || (each !== null && typeof each === 'object' && each.tag !== 'none'),
  );
  const needsOther = [...intake.map((column) => column.json), triageField, phoneField].some(
    (each) => each === 'other' || (each !== null && typeof each === 'object' && each.tag === 'none'),
  );
  const pick = (field: FormField | null): ((personal: Answers, other: Answers) => unknown) => {
    if (field === null) return () => null;
    const id = field.id;
    return field.tag === 'none' ? (_personal, other) => other?.[id] : (personal) => personal?.[id];
  };
  const triageAnswer = pick(triageField);
  const triageCodes =
    triageField?.type === 'choice' ? codedAnswer(triageField.options.map((option) => option.value)) : () => null;
  const triageOf = (personal: Answers, other: Answers): Cell =>
    identified ? answerText(triageAnswer(personal, other)) : triageCodes(triageAnswer(personal, other));
  // A disposition is always a code (set from a submitted intake); pseudonymised, only one shaped as a code.
  const dispositionOf = (value: unknown): Cell =>
    typeof value === 'string' && (identified || /^[a-z0-9][A-Za-z0-9_-]{0,39}$/.test(value)) ? value : null;
  const phoneOf = pick(phoneField);

  const { where, params } = callsWhere(options.range, filter);
  const sql = `SELECT c.id, c.direction, c.agent_code, c.started_at, c.answered_at, c.ended_at, c.talk_ms,
      c.hold_ms, c.wrap_up_ms, c.outcome, c.ended_by, c.disposition, c.number_digits, i.state, c.mos,
      c.loss_percent, ${identified ? 'c.remote_number, c.remote_name' : 'NULL, NULL'},
      ${needsPersonal ? 'i.personal_json' : 'NULL'}, ${needsOther ? 'i.other_json' : 'NULL'}
    FROM calls c LEFT JOIN intakes i ON i.call_id = c.id
    WHERE ${where}
    ORDER BY c.started_at, c.id`;

  const columns: ExportColumn[] = [
    ...FIXED_COLUMNS,
    ...(identified ? IDENTIFYING_COLUMNS : []),
    ...TRAILING_COLUMNS,
    ...intake.map((column) => column.column),
  ];
  const { installationId, pseudonyms } = options;

  const cells = (raw: readonly unknown[]): Cell[] => {
    const startedAt = raw[RAW.startedAt] as number;
    const answeredAt = numberOrNull(raw[RAW.answeredAt]);
    const endedAt = numberOrNull(raw[RAW.endedAt]);
    const ringEnd = answeredAt ?? endedAt;
    let day: string | null = null;
    const callDay = () => (day ??= berlinDay(startedAt));
    const personal = answersOf(raw[RAW.personal]);
    const other = answersOf(raw[RAW.other]);
    // The number's digits as the log keeps them (international, no +); else the intake's phone.
    const phone = phoneOf(personal, other);
    const digits = text(raw[RAW.digits]) ?? (typeof phone === 'string' ? phone.replace(/\D/g, '') : null);
    const row: Cell[] = [
      installationId,
      raw[RAW.id] as string,
      raw[RAW.direction] as string,
      text(raw[RAW.agent]),
      startedAt,
      answeredAt,
      endedAt,
      ringEnd === null ? null : Math.max(0, ringEnd - startedAt) / 1000,
      seconds(raw[RAW.talkMs]),
      seconds(raw[RAW.holdMs]),
      seconds(raw[RAW.wrapUpMs]),
      text(raw[RAW.outcome]),
      text(raw[RAW.endedBy]),
      dispositionOf(raw[RAW.disposition]),
      triageOf(personal, other),
      digits === null || digits === '' ? null : pseudonyms.ref(digits),
      pseudonyms.source,
    ];
    if (identified) row.push(text(raw[RAW.remoteNumber]), text(raw[RAW.remoteName]));
    row.push(text(raw[RAW.intakeState]) ?? 'none', numberOrNull(raw[RAW.mos]), numberOrNull(raw[RAW.loss]));
    for (const column of intake)
      row.push(column.shape((column.json === 'personal' ? personal : other)?.[column.path], callDay));
    return row;
  };

  return { columns, sql, params, cells };
}
