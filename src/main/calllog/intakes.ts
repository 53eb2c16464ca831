import { z } from 'zod';
import type { IntakeRecord } from '../../shared/contract/intake';
import { createHash } from 'node:crypto';
import {
  CODED_FIELD_TYPES,
  intakeValuesSchema,
  type FormDefinition,
  type IntakeValues,
} from '../../shared/intake/form';
import { PROBLEM_CODES, type FieldProblem } from '../../shared/intake/validate';
import { searchDigits } from './numbers';

/** How intake answers are stored: split by tag, with what the search index gets. */

export interface IntakeRow {
  seq: number;
  call_id: string;
  form_id: string;
  form_version: number;
  form_hash: string | null;
  state: 'draft' | 'submitted';
  personal_json: string | null;
  other_json: string;
  problems_json: string;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  purged_at: number | null;
}

const storedProblemsSchema = z.array(
  z.object({
    field: z.string(),
    code: z.enum(PROBLEM_CODES),
    message: z.object({ de: z.string(), en: z.string() }),
  }),
);

function parseValues(json: string | null): IntakeValues {
  if (json === null) return {};
  try {
    const parsed = intakeValuesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function intakeFromRow(row: IntakeRow): IntakeRecord {
  let problems: FieldProblem[] = [];
  try {
    const parsed = storedProblemsSchema.safeParse(JSON.parse(row.problems_json));
    if (parsed.success) problems = parsed.data;
  } catch {
    problems = [];
  }
  return {
    callId: row.call_id,
    formId: row.form_id,
    formVersion: row.form_version,
    formHash: row.form_hash ?? null,
    state: row.state,
    values: { ...parseValues(row.other_json), ...parseValues(row.personal_json) },
    problems,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    purgedAt: row.purged_at,
  };
}

/** The personal and health field names present in a stored row (for the audit: names, never values). */
export function sensitiveFields(row: IntakeRow): string[] {
  return Object.keys(parseValues(row.personal_json));
}

export interface StoredAnswers {
  /** Personal and health answers. */
  readonly personal: IntakeValues;
  /** Answers tagged neither. */
  readonly other: IntakeValues;
  /** Text answers searched by their words (notes), for the full-text index. */
  readonly text: string;
  /** The caller's name as recorded (the first field searched as a name), or null. */
  readonly name: string | null;
  /** The search digits of the first phone answer, or null. */
  readonly phoneDigits: string | null;
}

/** Splits checked answers by each field's tag. Answers of fields the form does not have are dropped. */
export function splitAnswers(form: FormDefinition, values: IntakeValues): StoredAnswers {
  const personal: IntakeValues = {};
  const other: IntakeValues = {};
  const text: string[] = [];
  let name: string | null = null;
  let phoneDigits: string | null = null;
  for (const field of form.fields) {
    const value = values[field.id];
    if (value === undefined) continue;
    // Only a coded answer goes with the anonymous ones (the form schema says so too; a form that
    // slipped past it still cannot put free text where erasure does not reach).
    const anonymous = field.tag === 'none' && CODED_FIELD_TYPES.includes(field.type);
    (anonymous ? other : personal)[field.id] = value;
    if (typeof value !== 'string') continue;
    if (field.type === 'text' && field.search === 'text') text.push(value);
    if (field.type === 'text' && field.search === 'name') name ??= value;
    if (field.type === 'phone') phoneDigits ??= searchDigits(value) || null;
  }
  return { personal, other, text: text.join('\n'), name, phoneDigits };
}

const formHashes = new WeakMap<FormDefinition, string>();

/**
 * SHA-256 of a form definition as checked (its canonical JSON: the schema fixes the key order),
 * stored with each intake: which definition it was saved under, even where two policies reused
 * an id and version.
 */
export function formHash(form: FormDefinition): string {
  let hash = formHashes.get(form);
  if (hash === undefined) {
    hash = createHash('sha256').update(JSON.stringify(form)).digest('hex');
    formHashes.set(form, hash);
  }
  return hash;
}

/** The fields whose answers differ between two sets of answers (for the audit). */
export function changedFields(before: IntakeValues, after: IntakeValues): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => JSON.stringify(before[name] ?? '') !== JSON.stringify(after[name] ?? '')).sort();
}

/**
 * A full-text query for what the agent typed: each word as a prefix of a word in the text
 * ("fieb mont" finds "Fieber seit Montag"). Quotes keep FTS5 syntax out of it.
 */
export function textQuery(search: string): string | null {
  // A one-letter prefix matches most of the index: such a word narrows nothing worth its cost.
  const words = search
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1)
    .slice(0, 8);
  if (words.length === 0) return null;
  return words.map((word) => `text: "${word}"*`).join(' AND ');
}
