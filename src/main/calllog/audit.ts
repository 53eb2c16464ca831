import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The audit chain, pure: how an entry's hash is made, and how a chain is checked. */

export const AUDIT_ACTIONS = ['create', 'update', 'view', 'export', 'purge', 'erase', 'settings_change'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Records who did what, from a request handler: the request has done its work already, so a
 * failure to write the entry is logged, never turned into the request's failure.
 */
export type AuditTrail = (action: AuditAction, record: string, fields: readonly string[]) => void;

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly osUser: string;
  readonly agentCode: string | null;
  readonly action: AuditAction;
  /** Which record: `call:<id>`, `setting:<key>`, `sip-trace`, … */
  readonly record: string | null;
  /** Which fields, by name; never their values. */
  readonly fields: readonly string[];
  /** More about the action (JSON text; an export's filter, columns, row count, hash and target), never personal values. */
  readonly details?: string | null;
}

export interface StoredAuditEntry extends AuditEntry {
  readonly prevHash: string;
  readonly hash: string;
}

export function auditHash(prevHash: string, entry: AuditEntry): string {
  const content = JSON.stringify([
    entry.seq,
    entry.at,
    entry.osUser,
    entry.agentCode,
    entry.action,
    entry.record,
    entry.fields,
    // Entries without details hash as they did before details existed.
    ...(entry.details === undefined || entry.details === null ? [] : [entry.details]),
  ]);
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

export const auditRowSchema = z.object({
  seq: z.number().int(),
  at: z.number().int(),
  os_user: z.string(),
  agent_code: z.string().nullable(),
  action: z.enum(AUDIT_ACTIONS),
  record: z.string().nullable(),
  fields: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
  /** Missing in logs from before migration 8. */
  details: z.string().nullable().optional(),
});

export function entryFromRow(row: z.infer<typeof auditRowSchema>): StoredAuditEntry {
  const fields = z.array(z.string()).safeParse(JSON.parse(row.fields));
  return {
    seq: row.seq,
    at: row.at,
    osUser: row.os_user,
    agentCode: row.agent_code,
    action: row.action,
    record: row.record,
    fields: fields.success ? fields.data : [`<unreadable: ${row.fields.slice(0, 40)}>`],
    details: row.details ?? null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export type ChainCheck =
  | { readonly ok: true; readonly entries: number; readonly lastHash: string }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly reason: string };

/** Where the chain starts: after the last entry its retention removed (or at the beginning). */
export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Walks the chain in order from the anchor: every entry must follow the one before (seq + 1), name its hash, and
 * hash to what it says. The first entry that does not is named.
 */
export function checkChain(
  entries: Iterable<StoredAuditEntry>,
  anchor: AuditAnchor = { seq: 0, hash: GENESIS_HASH },
): ChainCheck {
  let prevHash = anchor.hash;
  let expectedSeq = anchor.seq + 1;
  let count = 0;
  for (const entry of entries) {
    count += 1;
    if (entry.seq !== expectedSeq)
      return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${expectedSeq} is missing` };
    if (entry.prevHash !== prevHash)
      return { ok: false, entries: count, brokenAt: entry.seq, reason: 'it does not follow the entry before it' };
    if (auditHash(prevHash, entry) !== entry.hash)
      return { ok: false, entries: count, brokenAt: entry.seq, reason: 'its content was changed' };
    prevHash = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: count, lastHash: prevHash };
}
