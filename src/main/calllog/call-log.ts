import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Connection, Statement } from 'better-sqlite3-multiple-ciphers';
import type { CallLogQuery, CallLogStatus, CallRecord, LoggedOutcome } from '../../shared/contract/calllog';
import type { IntakeRecord, SubjectRecord, UnfinishedIntake } from '../../shared/contract/intake';
import type { FormDefinition, IntakeValues } from '../../shared/intake/form';
import { checkIntake } from '../../shared/intake/validate';
import type { QualityFigures } from '../../shared/quality';
import { AppError } from '../../shared/result';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import type { SecretStore } from '../core/secret-store';
import type { Unsubscribe } from '../core/disposables';
import { talkMs, type CallSnapshot } from '../../shared/calls';
import {
  DATABASE_KEY_NEXT_SECRET,
  DATABASE_KEY_SECRET,
  keyCheckValue,
  keyFromEnvironment,
  loadDatabaseKey,
  readKeyCheck,
  rekeyDatabase,
  REKEY_NEEDED_SECRET,
  writeKeyCheck,
} from './database-key';
import { ensureRecoveryCopy, publicKeyFingerprint } from './key-recovery';
import { CACHE_KIB, moveAside, openEncrypted, unlock } from './database';
import {
  auditHash,
  auditRowSchema,
  checkChain,
  entryFromRow,
  GENESIS_HASH,
  type AuditAction,
  type AuditAnchor,
  type ChainCheck,
  type StoredAuditEntry,
} from './audit';
import {
  changedFields,
  formHash,
  intakeFromRow,
  sensitiveFields,
  splitAnswers,
  textQuery,
  type IntakeRow,
} from './intakes';
import { CODED_OTHER_JSON } from './migrations/009-coded-answers';
import { nameKey, nameKeyLastFirst } from './names';
import { searchDigits } from './numbers';
import { seedCalls } from './seed';
import { CallLogWriter, InThreadWriter, type LogWriter, type Step } from './writer';
import { Sequencer } from '../core/sequencer';
import { Emitter } from '../../shared/emitter';
import { errorFields } from '../core/errors';

export const CALL_LOG_FILE = 'call-log.sqlite';

/** An export file the console wrote, as the call log keeps it for retention. */
export interface ExportFileRecord {
  readonly id: number;
  readonly path: string;
  readonly sha256: string;
  readonly writtenAt: number;
}
export const KEY_CHECK_FILE = 'call-log.keycheck';

export interface CallLogOptions {
  readonly dataDir: string;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly log: Logger;
  /** The signed-in agent, for the audit log's "who". */
  readonly agentCode?: () => string | null;
  /**
   * Run the integrity check after opening (default). A short command-line job (an export, a
   * report) leaves it to the app: on a large log it takes minutes and would compete for the CPU.
   */
  readonly integrityCheck?: boolean;
  /**
   * Give searches (`list`) a worker and connection of their own (default). A command that never
   * lists calls saves the thread and its memory.
   */
  readonly searchWorker?: boolean;
  /** Pages each connection keeps decrypted (KiB); a short command needs few. Default CACHE_KIB. */
  readonly cacheKib?: number;
  /**
   * Write through a worker thread of its own (default: commits never hold up SIP or headset
   * events). A short command writes in its own thread and saves the worker's memory.
   */
  readonly writerWorker?: boolean;
  /**
   * Policy requires the OS keystore for the key (security.requireProtectedSecrets): without one
   * (an unprotected store) the log does not open, and says why.
   */
  readonly requireProtectedSecrets?: () => boolean;
  /**
   * The organisation's recovery public key (policy security.recoveryPublicKey; empty: none).
   * When set, the key is also kept encrypted to it beside the log (key-recovery.ts).
   */
  readonly recoveryPublicKey?: () => string;
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

interface Row {
  id: string;
  direction: 'inbound' | 'outbound';
  remote_number: string | null;
  remote_name: string | null;
  anonymous: 0 | 1;
  agent_code: string | null;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  talk_ms: number | null;
  hold_ms: number;
  wrap_up_ms: number | null;
  outcome: LoggedOutcome | null;
  ended_by: CallRecord['endedBy'];
  end_status: number | null;
  disposition: string | null;
  rtt_ms: number | null;
  jitter_ms: number | null;
  loss_percent: number | null;
  mos: number | null;
  packets_received: number | null;
  intake_state: 'draft' | 'submitted' | null;
}

/** Every column of a call, with the state of its intake. */
const CALL_COLUMNS = `calls.*, (SELECT state FROM intakes WHERE intakes.call_id = calls.id) AS intake_state`;

function toRecord(row: Row): CallRecord {
  return {
    id: row.id,
    direction: row.direction,
    remote: { number: row.remote_number, name: row.remote_name, anonymous: row.anonymous === 1 },
    agentCode: row.agent_code,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    talkMs: row.talk_ms,
    holdMs: row.hold_ms,
    wrapUpMs: row.wrap_up_ms,
    outcome: row.outcome,
    endedBy: row.ended_by,
    endStatus: row.end_status,
    disposition: row.disposition,
    intake: row.intake_state,
    quality:
      row.packets_received === null
        ? null
        : {
            rttMs: row.rtt_ms,
            jitterMs: row.jitter_ms,
            lossPercent: row.loss_percent,
            mos: row.mos,
            packetsReceived: row.packets_received,
          },
  };
}

/** Audit rows as entries; a row that does not even read as one becomes an entry that cannot verify. */
function* auditEntries(rows: Iterable<unknown>): Generator<StoredAuditEntry> {
  let last = 0;
  for (const row of rows) {
    try {
      const entry = entryFromRow(auditRowSchema.parse(row));
      last = entry.seq;
      yield entry;
    } catch {
      last += 1;
      yield {
        seq: last,
        at: 0,
        osUser: '',
        agentCode: null,
        action: 'view',
        record: null,
        fields: [],
        prevHash: '',
        hash: '',
      };
    }
  }
}

/**
 * Checks the audit chain of a log file without changing anything in it (no migrations, no
 * crash closure, no workers): for `cli audit verify`, also while the app runs.
 */
export async function verifyAuditFile(
  dataDir: string,
  secrets: SecretStore,
  env: NodeJS.ProcessEnv,
): Promise<ChainCheck | { readonly ok: false; readonly problem: string }> {
  const file = join(dataDir, CALL_LOG_FILE);
  if (!existsSync(file)) return { ok: false, problem: `there is no call log in ${dataDir}` };
  const key = await loadDatabaseKey(secrets, env, false);
  if (!key) return { ok: false, problem: 'the key of this call log is missing' };
  const check = await readKeyCheck(join(dataDir, KEY_CHECK_FILE));
  if (check !== null && check !== keyCheckValue(key.key))
    return { ok: false, problem: 'this key does not open this call log' };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    unlock(db, key.key);
    db.pragma('busy_timeout = 5000');
    return checkChain(auditEntries(db.prepare('SELECT * FROM audit ORDER BY seq').iterate()), readAnchor(db));
  } catch (error) {
    return {
      ok: false,
      problem: `the call log cannot be read (${error instanceof Error ? error.message : 'unknown'})`,
    };
  } finally {
    db.close();
  }
}

/** Where the audit chain starts (a log from before the audit's retention has no anchor: the beginning). */
function readAnchor(db: Connection): AuditAnchor {
  const hasAnchor = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_anchor'`).get();
  if (!hasAnchor) return { seq: 0, hash: GENESIS_HASH };
  return (
    (db.prepare('SELECT seq, hash FROM audit_anchor WHERE id = 1').get() as AuditAnchor | undefined) ?? {
      seq: 0,
      hash: GENESIS_HASH,
    }
  );
}

/** Up to this many full-text matches are read directly; more are found by walking the newest calls. */
const FEW_MATCHES = 400;

/** The fields an erasure (retention or a data-subject request) removes, for the audit. */
const ERASED_FIELDS = ['remote_number', 'remote_name', 'intake.personal', 'intake.health', 'intake.search'];

/**
 * Erasing the personal data of the calls that `where` picks (retention, Art. 17): their intakes'
 * search entries, their intakes' personal and health answers (and the problems, which may quote
 * them), then the calls' number and name. The third step's count is the number of calls. Last,
 * the search index is rebuilt into one segment: FTS5's own secure-delete removes an entry's
 * postings but leaves its terms' text in the old segments (and drafts saved earlier left theirs);
 * rebuilt, the old segments' pages are freed, and secure_delete overwrites them.
 */
function eraseSteps(where: string, params: Record<string, unknown>): Step[] {
  const calls = `SELECT id FROM calls WHERE ${where}`;
  return [
    {
      sql: `DELETE FROM intake_search WHERE rowid IN (SELECT rowid FROM calls WHERE ${where})`,
      params,
    },
    {
      // The anonymous answers keep only what a coded field can give (an intake saved before
      // version 9 may hold re-tagged personal answers there: migration 009).
      sql: `UPDATE intakes SET personal_json = NULL, problems_json = '[]', name_key = NULL, name_key_last = NULL,
              phone_digits = NULL, other_json = ${CODED_OTHER_JSON}, purged_at = @now
            WHERE purged_at IS NULL AND call_id IN (${calls})`,
      params,
    },
    {
      sql: `UPDATE calls SET remote_number = NULL, number_digits = NULL, remote_name = NULL, name_key = NULL,
              name_key_last = NULL, purged_at = @now
            WHERE ${where}`,
      params,
    },
    { sql: `INSERT INTO intake_search (intake_search) VALUES ('optimize')` },
  ];
}

/** The personal fields a data-subject record holds, for the audit (names only). */
function subjectFields(record: SubjectRecord): string[] {
  return [
    ...(record.call.remote.number === null ? [] : ['remote_number']),
    ...(record.call.remote.name === null ? [] : ['remote_name']),
    ...Object.keys(record.intake?.values ?? {}).map((field) => `intake.${field}`),
  ];
}

/** The local calendar day `YYYY-MM-DD` as epoch ms: its first millisecond, or the first of the next day. */
function dayStart(day: string, next = false): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + (next ? 1 : 0)).getTime();
}

/**
 * The call log: an encrypted SQLite database in the data directory (better-sqlite3-multiple-ciphers).
 * Every call is written when it starts ringing or dialling and updated as it goes on; calls a crash
 * left open are closed as "interrupted" at the next start. A log that cannot be opened never stops
 * the app: the status says why (wrong key, damaged file moved aside, newer version).
 */
export class CallLog {
  private db: Connection | null = null;
  /** Writes go through a worker thread (its commits wait for the disk); reads use `db`. */
  private writer: LogWriter | null = null;
  /** Searches run in a worker of their own: on a large log one can take milliseconds. */
  private reader: CallLogWriter | null = null;
  /** The integrity check's own worker, while it runs. */
  private checker: CallLogWriter | null = null;
  /**
   * The integrity check runs in the writer's worker after opening (on a large log it takes long):
   * "ok", or "failed" (the log was then moved aside), or "skipped" (the log never opened).
   */
  integrity: Promise<'ok' | 'failed' | 'skipped'> = Promise.resolve('skipped');
  private key: string | null = null;
  private current: CallLogStatus = { state: 'unavailable', reason: 'not opened yet' };
  private readonly statements = new Map<string, Statement>();
  /** The head of the audit chain: entries are numbered and hashed here, written in order by the worker. */
  private auditHead = { seq: 0, hash: GENESIS_HASH };
  private readonly auditQueue = new Sequencer();
  /** The recovery copy being written (never rejects), so that closing waits for it and its audit entry. */
  private readonly recovering = new Sequencer();
  private readonly intakeQueue = new Sequencer();
  private readonly osUser = osUserName();
  /** Calls written in this run: the first write of each is audited as a create. */
  private readonly created = new Set<string>();
  private readonly listeners = new Emitter<[record: CallRecord]>();
  private readonly statusListeners = new Emitter<[status: CallLogStatus]>();
  private readonly options: CallLogOptions;
  private readonly file: string;
  private readonly checkFile: string;
  private get cacheKib(): number {
    return this.options.cacheKib ?? CACHE_KIB;
  }

  private constructor(options: CallLogOptions) {
    this.options = options;
    this.file = join(options.dataDir, CALL_LOG_FILE);
    this.checkFile = join(options.dataDir, KEY_CHECK_FILE);
  }

  static async open(options: CallLogOptions): Promise<CallLog> {
    const log = new CallLog(options);
    try {
      log.setStatus(await log.openFile());
    } catch (error) {
      // The status (for the agent and IT) says why; the log names the error only.
      const reason = error instanceof Error ? error.message : 'unknown error';
      options.log.error('the call log could not be opened', errorFields(error));
      log.setStatus({ state: 'unavailable', reason });
    }
    return log;
  }

  /** The state, with the number of calls counted now when the log is open. */
  get status(): CallLogStatus {
    if (this.current.state !== 'open') return this.current;
    return this.db ? this.openStatus() : { state: 'unavailable', reason: 'the call log is closed' };
  }

  onChange(listener: (record: CallRecord) => void): Unsubscribe {
    return this.listeners.on(listener);
  }

  onStatus(listener: (status: CallLogStatus) => void): Unsubscribe {
    return this.statusListeners.on(listener);
  }

  /** A call started or changed: insert its row, or update it. Resolves once it is committed. */
  async record(call: CallSnapshot): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const now = this.options.clock.now();
    const ended = call.phase === 'ended';
    await writer.run(
      `INSERT INTO calls (id, direction, remote_number, number_digits, remote_name, name_key, name_key_last,
         anonymous, agent_code, started_at, answered_at, ended_at, talk_ms, hold_ms, outcome, ended_by, end_status,
         updated_at)
       VALUES (@id, @direction, @number, @digits, @name, @nameKey, @nameKeyLast, @anonymous, @agent,
         @startedAt, @answeredAt, @endedAt, @talkMs, @holdMs, @outcome, @endedBy, @endStatus, @now)
       ON CONFLICT (id) DO UPDATE SET
         answered_at = excluded.answered_at, ended_at = excluded.ended_at, talk_ms = excluded.talk_ms,
         hold_ms = excluded.hold_ms, outcome = excluded.outcome, ended_by = excluded.ended_by,
         end_status = excluded.end_status, updated_at = excluded.updated_at`,
      {
        id: call.id,
        direction: call.direction,
        number: call.remote.number,
        digits: call.remote.number === null ? null : searchDigits(call.remote.number),
        name: call.remote.name,
        nameKey: call.remote.name === null ? null : nameKey(call.remote.name),
        nameKeyLast: call.remote.name === null ? null : nameKeyLastFirst(call.remote.name),
        anonymous: call.remote.anonymous ? 1 : 0,
        agent: call.agentCode,
        startedAt: call.startedAt,
        answeredAt: call.answeredAt,
        endedAt: call.endedAt,
        talkMs: ended && call.answeredAt !== null ? talkMs(call, now) : null,
        holdMs: call.holdMs,
        outcome: ended ? call.outcome : null,
        endedBy: call.endedBy,
        endStatus: call.endStatus,
        now,
      },
    );
    if (!this.created.has(call.id)) {
      this.created.add(call.id);
      await this.audit('create', `call:${call.id}`, [
        'direction',
        'started_at',
        ...(call.remote.number === null ? [] : ['remote_number']),
        ...(call.remote.name === null ? [] : ['remote_name']),
        ...(call.agentCode === null ? [] : ['agent_code']),
      ]);
    }
    if (ended) {
      this.created.delete(call.id);
      await this.audit('update', `call:${call.id}`, ['ended_at', 'outcome', 'talk_ms', 'hold_ms']);
    }
    this.changed(call.id);
  }

  /**
   * Appends to the audit log: who, when, what, which record and which fields (never values).
   * The entry is numbered and chained here and written in order by the worker.
   */
  audit(
    action: AuditAction,
    record: string | null,
    fields: readonly string[],
    details: Readonly<Record<string, unknown>> | null = null,
  ): Promise<void> {
    // One at a time: an entry is chained only once the one before it is stored, so that a failed
    // write cannot leave later entries chained to a hash that is not there.
    const text = details === null ? null : JSON.stringify(details);
    return this.auditQueue.run(() => this.appendAudit(action, record, fields, text));
  }

  private async appendAudit(
    action: AuditAction,
    record: string | null,
    fields: readonly string[],
    details: string | null,
  ): Promise<void> {
    const writer = this.writer;
    // Never silently: what needs an audit entry must not happen without one.
    if (!writer) throw new AppError('unavailable', 'The call log is not open: nothing can be audited.');
    const entry = {
      seq: this.auditHead.seq + 1,
      at: this.options.clock.now(),
      osUser: this.osUser,
      agentCode: this.options.agentCode?.() ?? null,
      action,
      record,
      fields: [...fields],
      details,
    };
    const prevHash = this.auditHead.hash;
    const hash = auditHash(prevHash, entry);
    this.auditHead = { seq: entry.seq, hash };
    try {
      await writer.run(
        `INSERT INTO audit (seq, at, os_user, agent_code, action, record, fields, details, prev_hash, hash)
         VALUES (@seq, @at, @osUser, @agentCode, @action, @record, @fields, @details, @prevHash, @hash)`,
        { ...entry, fields: JSON.stringify(entry.fields), prevHash, hash },
      );
    } catch (error) {
      // The chain must go on from what is really stored.
      if (this.db) this.auditHead = this.readAuditHead();
      throw error;
    }
  }

  /**
   * Retention: erases the personal fields of calls (number, name) and the personal and health
   * answers of their intakes (with their entries in the search index) for calls that started more
   * than `days` ago. The anonymous row stays for statistics; secure_delete overwrites the freed
   * bytes. Every run is audited, also one that found nothing.
   */
  async purge(days: number): Promise<number> {
    const writer = this.writer;
    if (!writer) return 0;
    const now = this.options.clock.now();
    const before = now - days * 86_400_000;
    const [, , changes = 0] = await writer.batch(
      eraseSteps('purged_at IS NULL AND started_at < @before', { now, before }),
    );
    // Push the erased pages out of the WAL into the file, where secure_delete has overwritten them.
    await writer.run('PRAGMA wal_checkpoint(TRUNCATE)');
    await this.audit('purge', `calls:started-before:${new Date(before).toISOString()}`, ERASED_FIELDS);
    this.options.log.info('retention: erased personal fields', { calls: changes, days });
    return changes;
  }

  /** An export file the console just wrote: retention removes it `retention.days` after `writtenAt`. */
  async recordExportFile(path: string, sha256: string, writtenAt: number): Promise<void> {
    const writer = this.writer;
    if (!writer) throw new AppError('unavailable', 'The call log is not open.');
    await writer.run('INSERT INTO export_files (path, sha256, written_at) VALUES (@path, @sha256, @writtenAt)', {
      path,
      sha256,
      writtenAt,
    });
  }

  /** Export files written before `before` that retention has not dealt with yet, oldest first. */
  async exportFilesWrittenBefore(before: number): Promise<ExportFileRecord[]> {
    await this.writer?.flush();
    return this.statement(
      `SELECT id, path, sha256, written_at AS writtenAt FROM export_files INDEXED BY export_files_open
       WHERE closed_at IS NULL AND written_at < ? ORDER BY written_at LIMIT 1000`,
    ).all(before) as ExportFileRecord[];
  }

  /** What retention did with an export file: removed it, found it gone, or found it changed (left). */
  async closeExportFile(id: number, outcome: 'removed' | 'missing' | 'changed'): Promise<void> {
    const writer = this.writer;
    if (!writer) throw new AppError('unavailable', 'The call log is not open.');
    await writer.run('UPDATE export_files SET closed_at = @now, outcome = @outcome WHERE id = @id', {
      id,
      outcome,
      now: this.options.clock.now(),
    });
  }

  /**
   * The audit log's own retention: entries older than `days` go, from the front, after the anchor
   * moved past them (the chain verifies from there). The removal is audited as the next entry.
   */
  async purgeAudit(days: number): Promise<number> {
    const writer = this.writer;
    if (!writer) return 0;
    const before = this.options.clock.now() - days * 86_400_000;
    // Behind the queue: no entry is being chained while the front of the log goes.
    const removed = await this.auditQueue.run(async () => {
      const last = this.statement('SELECT seq, hash FROM audit WHERE at < ? ORDER BY seq DESC LIMIT 1').get(before) as
        AuditAnchor | undefined;
      if (!last) return 0;
      const [, deleted = 0] = await writer.batch([
        {
          sql: 'UPDATE audit_anchor SET seq = @seq, hash = @hash, at = @now WHERE id = 1',
          params: { ...last, now: this.options.clock.now() },
        },
        { sql: 'DELETE FROM audit WHERE seq <= @seq', params: { seq: last.seq } },
      ]);
      return deleted;
    });
    await this.audit('purge', `audit:before:${new Date(before).toISOString()}`, ['audit_entries']);
    this.options.log.info('audit retention: removed old entries', { entries: removed, days });
    return removed;
  }

  /** The intake of a call, or null. Reading personal or health answers is audited as a view. */
  async getIntake(callId: string): Promise<IntakeRecord | null> {
    const row = this.intakeRow(callId);
    if (!row) return null;
    const fields = sensitiveFields(row);
    if (fields.length > 0) await this.audit('view', `intake:${callId}`, fields);
    return intakeFromRow(row);
  }

  /**
   * Saves a call's intake: checked against the form, split by tag, committed (synchronous=FULL)
   * with its search entry. A draft with problems is stored and flagged; asked to submit one, it
   * stays a draft (the caller sees `state`), and a submitted intake sets the call's disposition.
   */
  saveIntake(
    callId: string,
    form: FormDefinition,
    values: IntakeValues,
    options: { readonly submit: boolean },
  ): Promise<IntakeRecord> {
    // One save at a time: each compares with what the one before it stored (autosave and submit
    // may cross), so the audit names exactly the fields that changed.
    return this.intakeQueue.run(() => this.storeIntake(callId, form, values, options));
  }

  private async storeIntake(
    callId: string,
    form: FormDefinition,
    values: IntakeValues,
    options: { readonly submit: boolean },
  ): Promise<IntakeRecord> {
    const writer = this.writer;
    if (!writer) throw new AppError('unavailable', 'The call log is not open.');
    // The call's row is written as it rings; the form may be quicker than that commit.
    await writer.flush();
    const call = this.statement('SELECT purged_at, started_at FROM calls WHERE id = ?').get(callId) as
      { purged_at: number | null; started_at: number } | undefined;
    if (!call) throw new AppError('not_found', `There is no call ${callId} in the log.`);
    const before = this.intakeRow(callId);
    if (call.purged_at !== null || (before !== undefined && before.purged_at !== null))
      throw new AppError('conflict', 'The personal data of this call was erased; its intake cannot be changed.');
    if (before?.state === 'submitted') throw new AppError('conflict', 'This intake was submitted already.');
    const now = this.options.clock.now();
    const checked = checkIntake(form, values, new Date(now));
    const answers = splitAnswers(form, checked.values);
    const submit = options.submit && checked.problems.length === 0;
    const disposition = checked.values[form.dispositionField];
    const params = {
      callId,
      formId: form.id,
      formVersion: form.version,
      formHash: formHash(form),
      state: submit ? 'submitted' : 'draft',
      personal: JSON.stringify(answers.personal),
      other: JSON.stringify(answers.other),
      problems: JSON.stringify(checked.problems),
      now,
      submittedAt: submit ? now : null,
      text: answers.text,
      startedAt: call.started_at,
      nameKey: answers.name === null ? null : nameKey(answers.name),
      nameKeyLast: answers.name === null ? null : nameKeyLastFirst(answers.name),
      phoneDigits: answers.phoneDigits,
      disposition: typeof disposition === 'string' ? disposition : null,
    };
    const steps: Step[] = [
      {
        sql: `INSERT INTO intakes (call_id, started_at, name_key, name_key_last, phone_digits, form_id, form_version,
                form_hash, state, personal_json, other_json, problems_json, created_at, updated_at, submitted_at)
              VALUES (@callId, @startedAt, @nameKey, @nameKeyLast, @phoneDigits, @formId, @formVersion, @formHash,
                @state, @personal, @other, @problems, @now, @now, @submittedAt)
              ON CONFLICT (call_id) DO UPDATE SET name_key = excluded.name_key, name_key_last = excluded.name_key_last,
                phone_digits = excluded.phone_digits, form_id = excluded.form_id, form_version = excluded.form_version,
                form_hash = excluded.form_hash,
                state = excluded.state, personal_json = excluded.personal_json, other_json = excluded.other_json,
                problems_json = excluded.problems_json, updated_at = excluded.updated_at,
                submitted_at = excluded.submitted_at`,
        params,
      },
      { sql: 'DELETE FROM intake_search WHERE rowid = (SELECT rowid FROM calls WHERE id = @callId)', params },
    ];
    if (answers.text !== '')
      steps.push({
        sql: `INSERT INTO intake_search (rowid, text) VALUES ((SELECT rowid FROM calls WHERE id = @callId), @text)`,
        params,
      });
    if (submit)
      steps.push({ sql: 'UPDATE calls SET disposition = @disposition, updated_at = @now WHERE id = @callId', params });
    await writer.batch(steps);
    const changed = changedFields(before ? intakeFromRow(before).values : {}, checked.values);
    if (!before) await this.audit('create', `intake:${callId}`, ['state', ...changed]);
    else if (changed.length > 0 || submit)
      await this.audit('update', `intake:${callId}`, submit ? ['state', ...changed] : changed);
    this.changed(callId);
    const after = this.intakeRow(callId);
    if (!after) throw new AppError('internal', 'The intake was not stored.');
    return intakeFromRow(after);
  }

  /** Drafts not submitted yet, newest first (after a crash the agent picks them up). */
  unfinishedIntakes(): UnfinishedIntake[] {
    const rows = this.statement(
      `SELECT intakes.call_id, intakes.updated_at, intakes.problems_json, calls.remote_number, calls.remote_name,
         calls.anonymous, calls.started_at
       FROM intakes INDEXED BY intakes_unfinished JOIN calls ON calls.id = intakes.call_id
       WHERE intakes.state = 'draft' AND intakes.purged_at IS NULL
       ORDER BY intakes.updated_at DESC LIMIT 50`,
    ).all() as {
      call_id: string;
      updated_at: number;
      problems_json: string;
      remote_number: string | null;
      remote_name: string | null;
      anonymous: 0 | 1;
      started_at: number;
    }[];
    return rows.map((row) => ({
      callId: row.call_id,
      remote: { number: row.remote_number, name: row.remote_name, anonymous: row.anonymous === 1 },
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      problemCount: intakeFromRow({ problems_json: row.problems_json } as IntakeRow).problems.length,
    }));
  }

  /** After-call work of a call: from its end to the intake's submission or the timer running out. */
  async recordWrapUp(callId: string, wrapUpMs: number): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const changes = await writer.run(
      'UPDATE calls SET wrap_up_ms = @wrapUpMs, updated_at = @now WHERE id = @callId AND wrap_up_ms IS NULL',
      { callId, wrapUpMs: Math.max(0, Math.round(wrapUpMs)), now: this.options.clock.now() },
    );
    if (changes > 0) this.changed(callId);
  }

  /**
   * Data-subject request, step 1: every record of one caller, by number (the call's or an intake's
   * phone) or by name (the caller ID's or the intake's, whole words, any case). Each record read
   * is audited as a view.
   */
  async findSubject(query: {
    readonly number?: string | undefined;
    readonly name?: string | undefined;
  }): Promise<SubjectRecord[]> {
    const ids = new Set<string>();
    const number = query.number?.trim() ?? '';
    if (number !== '') {
      const digits = searchDigits(number);
      if (digits !== '') {
        for (const id of this.statement('SELECT id FROM calls WHERE number_digits = ?').pluck().all(digits) as string[])
          ids.add(id);
        for (const id of this.statement('SELECT call_id FROM intakes WHERE phone_digits = ?')
          .pluck()
          .all(digits) as string[])
          ids.add(id);
      }
    }
    const name = query.name?.trim() ?? '';
    if (name !== '') {
      const key = nameKey(name);
      for (const id of this.statement('SELECT id FROM calls WHERE name_key = ? OR name_key_last = ?')
        .pluck()
        .all(key, key) as string[])
        ids.add(id);
      for (const id of this.statement('SELECT call_id FROM intakes WHERE name_key = ? OR name_key_last = ?')
        .pluck()
        .all(key, key) as string[])
        ids.add(id);
    }
    const records: SubjectRecord[] = [...ids]
      .map((id) => {
        const row = this.intakeRow(id);
        return { call: this.get(id), intake: row ? intakeFromRow(row) : null };
      })
      .sort((a, b) => b.call.startedAt - a.call.startedAt);
    for (const record of records) await this.audit('view', `call:${record.call.id}`, subjectFields(record));
    return records;
  }

  /** Data-subject request: the records as they are, each export audited. */
  async exportSubject(callIds: readonly string[]): Promise<SubjectRecord[]> {
    const records: SubjectRecord[] = [];
    for (const id of callIds) {
      const row = this.intakeRow(id);
      const record = { call: this.get(id), intake: row ? intakeFromRow(row) : null };
      records.push(record);
      await this.audit('export', `call:${id}`, subjectFields(record));
    }
    return records;
  }

  /** Data-subject request (Art. 17): erases these calls' personal and health data; each erasure audited. */
  async eraseSubject(callIds: readonly string[]): Promise<number> {
    const writer = this.writer;
    if (!writer) throw new AppError('unavailable', 'The call log is not open.');
    for (const id of callIds) this.get(id);
    const [, , erased = 0] = await writer.batch(
      eraseSteps('id IN (SELECT value FROM json_each(@ids))', {
        now: this.options.clock.now(),
        ids: JSON.stringify(callIds),
      }),
    );
    await writer.run('PRAGMA wal_checkpoint(TRUNCATE)');
    for (const id of callIds) {
      await this.audit('erase', `call:${id}`, ERASED_FIELDS);
      this.changed(id);
    }
    return erased;
  }

  private intakeRow(callId: string): IntakeRow | undefined {
    return this.statement('SELECT * FROM intakes WHERE call_id = ?').get(callId) as IntakeRow | undefined;
  }

  /** Checks the whole audit chain; names the first entry that breaks it. */
  verifyAudit(): ChainCheck {
    const rows = this.statement('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<unknown>;
    return checkChain(auditEntries(rows), readAnchor(this.openDb()));
  }

  private readAuditHead(): { seq: number; hash: string } {
    const head = this.statement('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    // Retention may have removed every entry: the chain goes on from its anchor.
    return head ?? readAnchor(this.openDb());
  }

  /** The call's audio quality, handed over by the media engine at its end. */
  async recordQuality(callId: string, quality: QualityFigures): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const changes = await writer.run(
      `UPDATE calls SET rtt_ms = @rttMs, jitter_ms = @jitterMs, loss_percent = @lossPercent, mos = @mos,
         packets_received = @packetsReceived, updated_at = @now WHERE id = @id`,
      { ...quality, id: callId, now: this.options.clock.now() },
    );
    if (changes > 0) this.changed(callId);
  }

  get(id: string): CallRecord {
    const row = this.statement(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = ?`).get(id) as Row | undefined;
    if (!row) throw new AppError('not_found', `There is no call ${id} in the log.`);
    return toRecord(row);
  }

  /** One page, newest first, after the cursor; the query runs in the reader's worker. */
  async list(
    query: CallLogQuery,
    after: { startedAt: number; id: string } | undefined,
    limit: number,
  ): Promise<{ rows: CallRecord[]; next: { startedAt: number; id: string } | null }> {
    const reader = this.reader;
    if (!reader || !this.db)
      throw new AppError(
        'unavailable',
        this.db ? 'This call log was opened without searches.' : 'The call log is not open.',
      );
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: limit + 1 };
    const search = query.search.trim();
    // A name or number search picks the newest matches inside its own index (it carries the start
    // time and id), then reads only those rows: scanning the newest calls and filtering would read
    // most of a large log when few match, and sorting full rows is slow when many do.
    if (search !== '') {
      const digits = searchDigits(search);
      const byNumber = !/\p{L}/u.test(search) && digits !== '';
      const key = byNumber ? digits : nameKey(search);
      params.from0 = key;
      params.to0 = byNumber ? `${digits}:` : `${key}\uffff`;
      // With more filters the newest matches may not qualify: then every match goes to the filters.
      const moreFilters = query.from || query.to || query.outcomes.length > 0 || query.disposition;
      const cursor = after ? ' AND (started_at < @afterAt OR (started_at = @afterAt AND id < @afterId))' : '';
      const newest = (index: string, column: string): string =>
        `id IN (SELECT id FROM calls INDEXED BY ${index} WHERE ${column} >= @from0 AND ${column} < @to0${cursor}
          ${moreFilters ? '' : 'ORDER BY started_at DESC, id DESC LIMIT @limit'})`;
      // The intakes' own name and number keys, the same way (their indexes carry the call's start).
      const newestIntake = (index: string, column: string): string =>
        `id IN (SELECT call_id FROM intakes INDEXED BY ${index} WHERE ${column} >= @from0 AND ${column} < @to0${
          after ? ' AND (started_at < @afterAt OR (started_at = @afterAt AND call_id < @afterId))' : ''
        } ${moreFilters ? '' : 'ORDER BY started_at DESC, call_id DESC LIMIT @limit'})`;
      const parts = byNumber
        ? [newest('calls_by_number', 'number_digits'), newestIntake('intakes_by_phone', 'phone_digits')]
        : // A name matches from its first word or from its last ("Müller" finds "Anna Müller").
          [
            newest('calls_by_name_key', 'name_key'),
            newest('calls_by_name_last', 'name_key_last'),
            newestIntake('intakes_by_name_key', 'name_key'),
            newestIntake('intakes_by_name_last', 'name_key_last'),
          ];
      // Words of intake notes, through the full-text index, whose entries carry the call's rowid. A
      // few matches are read directly; many are found by walking the newest calls in calls_newest
      // (its entries carry the rowid too) until enough match, so a common word costs about a page.
      const intakeQuery = byNumber ? null : textQuery(search);
      if (intakeQuery !== null) {
        params.intakeQuery = intakeQuery;
        const matches = 'SELECT rowid FROM intake_search WHERE intake_search MATCH @intakeQuery';
        const [counted] = (await reader.all(`SELECT count(*) AS n FROM (${matches} LIMIT ${FEW_MATCHES + 1})`, {
          intakeQuery,
        })) as { n: number }[];
        const found = counted?.n ?? 0;
        if (found > 0 && (found <= FEW_MATCHES || moreFilters)) parts.push(`rowid IN (${matches})`);
        else if (found > 0)
          parts.push(`id IN (SELECT id FROM calls INDEXED BY calls_newest WHERE rowid IN (${matches})${cursor}
            ORDER BY started_at DESC, id DESC LIMIT @limit)`);
      }
      where.push(`(${parts.join(' OR ')})`);
    }
    if (query.from) {
      where.push('started_at >= @from');
      params.from = dayStart(query.from);
    }
    if (query.to) {
      where.push('started_at < @to');
      params.to = dayStart(query.to, true);
    }
    if (query.outcomes.length > 0) {
      where.push(`outcome IN (${query.outcomes.map((_, i) => `@outcome${i}`).join(', ')})`);
      query.outcomes.forEach((outcome, i) => (params[`outcome${i}`] = outcome));
    }
    if (query.disposition) {
      where.push('disposition = @disposition');
      params.disposition = query.disposition;
    }
    if (after) {
      where.push('(started_at < @afterAt OR (started_at = @afterAt AND id < @afterId))');
      params.afterAt = after.startedAt;
      params.afterId = after.id;
    }
    const sql = `SELECT ${CALL_COLUMNS} FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT @limit`;
    const rows = ((await reader.all(sql, params)) as Row[]).map(toRecord);
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return { rows, next: more && last ? { startedAt: last.startedAt, id: last.id } : null };
  }

  /**
   * Fills the log with synthetic calls (demos, benchmarks) on the main connection, in committed
   * batches. For the CLI, with the data directory locked: never while the app takes calls.
   */
  async seed(options: Omit<Parameters<typeof seedCalls>[1], 'now'>): Promise<number> {
    await this.writer?.close();
    this.writer = null;
    const count = seedCalls(this.openDb(), { ...options, now: this.options.clock.now() });
    if (this.key) this.startWriter(this.key);
    return count;
  }

  /**
   * For a report worker's own read-only connection: where the log is and its key, once the writes
   * sent so far are committed (a report sees every call logged before it was asked for).
   */
  async readAccess(): Promise<{ file: string; keyHex: string }> {
    const writer = this.writer;
    if (this.db === null || writer === null || this.key === null)
      throw new AppError('unavailable', 'The call log is not open.');
    await writer.flush();
    return { file: this.file, keyHex: this.key };
  }

  /** After a damaged log was moved aside: a new, empty one with the same key. */
  async startFresh(): Promise<CallLogStatus> {
    if (this.current.state !== 'corrupt')
      throw new AppError('conflict', 'Only a log that was moved aside can be started afresh.');
    if (!this.key) throw new AppError('unavailable', 'There is no key for a new log.');
    const opened = openEncrypted(this.file, this.key, { cacheKib: this.cacheKib });
    if (!opened.ok) throw new AppError('unavailable', 'A new log could not be created.');
    await writeKeyCheck(this.checkFile, this.key);
    this.statements.clear();
    this.db = opened.db;
    this.auditHead = this.readAuditHead();
    this.startWriter(this.key);
    this.options.log.info('started a fresh call log');
    this.setStatus(this.openStatus());
    return this.current;
  }

  /** Waits for the writes sent so far, then closes both connections. */
  async close(): Promise<void> {
    // Audit entries already asked for (a recovery copy just written, an export) are written first.
    await this.recovering.idle();
    await this.auditQueue.idle();
    // A check still running is only reading: stop it, but wait at most a second (on a large log
    // its worker ends only when SQLite returns, and quitting must not wait for that).
    const checker = this.checker;
    this.checker = null;
    if (checker)
      await Promise.race([checker.terminate(), new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]);
    const writer = this.writer;
    this.writer = null;
    const reader = this.reader;
    this.reader = null;
    await Promise.all([writer?.close(), reader?.close()]);
    this.statements.clear();
    this.db?.close();
    this.db = null;
  }

  private async openFile(): Promise<CallLogStatus> {
    const exists = existsSync(this.file);
    const { secrets, env, log } = this.options;
    // The organisation may require the OS keystore for the key (a key IT gives in the environment
    // is kept in no store at all).
    if (
      this.options.requireProtectedSecrets?.() === true &&
      !secrets.protection.protected &&
      !keyFromEnvironment(env)
    ) {
      const reason = secrets.protection.reason ?? `the secrets are kept as ${secrets.protection.backend}`;
      log.error('policy requires the keystore for the call log key, and there is none', {
        backend: secrets.protection.backend,
      });
      return { state: 'secrets_unprotected', backend: secrets.protection.backend, reason };
    }
    const loaded = await loadDatabaseKey(secrets, env, !exists);
    if (!loaded) {
      log.error('the call log exists but its key is missing');
      return { state: 'wrong_key' };
    }
    // A re-key that a crash interrupted left its new key beside the old one: the file has one of them.
    const pending = loaded.source === 'environment' ? null : await secrets.get(DATABASE_KEY_NEXT_SECRET);
    const storedCheck = await readKeyCheck(this.checkFile);
    const candidates = [loaded.key, ...(pending !== null && pending !== loaded.key ? [pending] : [])];
    const fitting = storedCheck === null ? candidates : candidates.filter((key) => keyCheckValue(key) === storedCheck);
    if (exists && fitting.length === 0) {
      log.error('the key does not open this call log; the file is left as it is');
      return { state: 'wrong_key' };
    }
    // The key the check names first; the other one too when that does not open the file (the crash
    // fell between the re-key and the new check).
    const order = exists ? [...fitting, ...candidates.filter((key) => !fitting.includes(key))] : [loaded.key];
    let key = order[0]!;
    let opened = openEncrypted(this.file, key, { integrityCheck: false, cacheKib: this.cacheKib });
    for (const other of order.slice(1)) {
      if (opened.ok || opened.problem !== 'not_a_database') break;
      const retry = openEncrypted(this.file, other, { integrityCheck: false, cacheKib: this.cacheKib });
      if (retry.ok) {
        key = other;
        opened = retry;
      }
    }
    // Kept also when the file does not open: a damaged log is started afresh with this key.
    this.key = key;
    if (!opened.ok) {
      if (opened.problem === 'newer_version') {
        log.error('the call log was written by a newer version', { version: opened.version });
        return { state: 'newer_version', version: opened.version };
      }
      if (storedCheck === null || opened.problem === 'failed') {
        // Without a check value a wrong key and a damaged file look the same; and busy, full or
        // forbidden says nothing about the file: touch nothing.
        return { state: 'unavailable', reason: `the call log cannot be opened (${opened.detail})` };
      }
      const movedTo = await moveAside(this.file, new Date(this.options.clock.now()));
      log.error('the call log could not be opened and was moved aside', { detail: opened.detail, movedTo });
      return { state: 'corrupt', movedTo };
    }
    if (pending !== null) {
      // Finish the interrupted re-key: the key that opened the file is the one to keep.
      if (key === pending) await secrets.set(DATABASE_KEY_SECRET, pending);
      await secrets.delete(DATABASE_KEY_NEXT_SECRET);
      log.warn('an interrupted re-key of the call log was completed', { newKey: key === pending });
    }
    // A new log gets its key's check value, replacing any left from a log that is gone.
    if (storedCheck === null || !exists || storedCheck !== keyCheckValue(key)) await writeKeyCheck(this.checkFile, key);
    // A key that lay beside the data (an earlier version's secrets file) may be in backups: a
    // new one replaces it before anything else is written, and the old one opens no current copy.
    let rekeyed: { ms: number } | null = null;
    if (loaded.source !== 'environment' && (await secrets.get(REKEY_NEEDED_SECRET)) !== null) {
      const result = await rekeyDatabase(opened.db, secrets, this.checkFile);
      await secrets.delete(REKEY_NEEDED_SECRET);
      key = result.key;
      rekeyed = { ms: Math.round(result.ms) };
      log.warn('the call log was re-keyed: its old key had been kept beside the data', rekeyed);
    }
    this.key = key;
    this.statements.clear();
    this.db = opened.db;
    const interrupted = this.closeInterrupted();
    this.auditHead = this.readAuditHead();
    this.startWriter(key);
    if (interrupted > 0) await this.audit('update', 'calls:interrupted', ['outcome', 'ended_at', 'talk_ms']);
    if (rekeyed !== null)
      await this.audit('update', 'key:calllog', ['key'], {
        reason: 'the key had been kept in a file in the data folder (an earlier version): re-keyed',
        ...rekeyed,
      });
    await this.updateRecoveryCopy();
    return this.openStatus();
  }

  /**
   * Keeps the key's recovery copy in step with the policy's recovery key (at opening, and when
   * the policy changes). A failure is logged and leaves the log usable: recovery is a fallback.
   */
  updateRecoveryCopy(): Promise<void> {
    return this.recovering.run(() => this.writeRecoveryCopy());
  }

  private async writeRecoveryCopy(): Promise<void> {
    const publicKey = this.options.recoveryPublicKey?.() ?? '';
    if (this.key === null || publicKey === '' || this.db === null) return;
    try {
      if (await ensureRecoveryCopy(this.options.dataDir, this.key, publicKey, new Date(this.options.clock.now()))) {
        const recipient = publicKeyFingerprint(publicKey);
        this.options.log.info('recovery copy of the call log key written', { recipient: recipient.slice(0, 16) });
        await this.audit('create', 'key:recovery-copy', [], { recipient });
      }
    } catch (error) {
      this.options.log.error('the recovery copy of the call log key could not be written', errorFields(error));
    }
  }

  private startWriter(key: string): void {
    const writer: LogWriter =
      this.options.writerWorker === false && this.db !== null
        ? new InThreadWriter(this.db)
        : new CallLogWriter(this.file, key, this.cacheKib);
    this.writer = writer;
    void this.reader?.terminate();
    this.reader = this.options.searchWorker === false ? null : new CallLogWriter(this.file, key, this.cacheKib);
    // The check gets a worker and connection of its own: on a large log it takes minutes (about
    // 80 s for a million calls here), and the calls going on must not wait for it to be written.
    void this.checker?.terminate();
    this.checker = null;
    if (this.options.integrityCheck === false) return;
    const checker = new CallLogWriter(this.file, key, this.cacheKib);
    this.checker = checker;
    this.integrity = checker
      .integrityCheck()
      .then(async (result) => {
        void checker.terminate();
        if (result === 'ok') return 'ok' as const;
        this.options.log.error('the call log failed its integrity check', { detail: result.slice(0, 300) });
        if (this.writer !== writer) return 'failed' as const;
        const closing = this.close();
        try {
          await closing;
          const movedTo = await moveAside(this.file, new Date(this.options.clock.now()));
          this.setStatus({ state: 'corrupt', movedTo });
        } catch (error) {
          this.setStatus({
            state: 'unavailable',
            reason: `the call log is damaged and could not be moved aside (${error instanceof Error ? error.message : 'unknown'})`,
          });
        }
        return 'failed' as const;
      })
      .catch(() => 'skipped' as const);
  }

  /** Calls a crash left open: closed as interrupted, ended when they were last written. */
  private closeInterrupted(): number {
    const result = this.statement(
      `UPDATE calls SET outcome = 'interrupted', ended_at = updated_at,
         talk_ms = CASE WHEN answered_at IS NULL THEN NULL ELSE max(0, updated_at - answered_at - hold_ms) END
       WHERE outcome IS NULL`,
    ).run();
    if (result.changes > 0) this.options.log.warn('closed calls left open by a crash', { calls: result.changes });
    return result.changes;
  }

  private openStatus(): CallLogStatus {
    const { count } = this.statement('SELECT count(*) AS count FROM calls').get() as { count: number };
    return { state: 'open', calls: count };
  }

  private openDb(): Connection {
    if (!this.db) throw new AppError('unavailable', 'The call log is not open.');
    return this.db;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.openDb().prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private changed(id: string): void {
    if (this.listeners.size === 0) return;
    const record = this.get(id);
    this.listeners.emit(record);
  }

  private setStatus(status: CallLogStatus): void {
    this.current = status;
    this.statusListeners.emit(status);
  }
}
