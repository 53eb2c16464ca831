import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Connection, Statement } from 'better-sqlite3-multiple-ciphers';
import type { CallSnapshot } from '../../shared/calls';
import type { CallLogQuery, CallLogStatus, CallRecord, LoggedOutcome } from '../../shared/contract/calllog';
import type { QualityFigures } from '../../shared/quality';
import { AppError } from '../../shared/result';
import type { Logger } from '../core/log';
import type { Clock, SecretStore, Unsubscribe } from '../ports';
import { talkMs } from '../telephony/call-state';
import { keyCheckValue, loadDatabaseKey, readKeyCheck, writeKeyCheck } from './database-key';
import { moveAside, openEncrypted, unlock } from './database';
import {
  auditHash,
  auditRowSchema,
  checkChain,
  entryFromRow,
  GENESIS_HASH,
  type AuditAction,
  type ChainCheck,
  type StoredAuditEntry,
} from './audit';
import { nameKey, nameKeyLastFirst } from './names';
import { searchDigits } from './numbers';
import { seedCalls } from './seed';
import { CallLogWriter } from './writer';

export const CALL_LOG_FILE = 'call-log.sqlite';
export const KEY_CHECK_FILE = 'call-log.keycheck';

export interface CallLogOptions {
  readonly dataDir: string;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly log: Logger;
  /** The signed-in agent, for the audit log's "who". */
  readonly agentCode?: () => string | null;
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
}

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
    return checkChain(auditEntries(db.prepare('SELECT * FROM audit ORDER BY seq').iterate()));
  } catch (error) {
    return {
      ok: false,
      problem: `the call log cannot be read (${error instanceof Error ? error.message : 'unknown'})`,
    };
  } finally {
    db.close();
  }
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
  private writer: CallLogWriter | null = null;
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
  private auditQueue: Promise<void> = Promise.resolve();
  private readonly osUser = osUserName();
  /** Calls written in this run: the first write of each is audited as a create. */
  private readonly created = new Set<string>();
  private readonly listeners = new Set<(record: CallRecord) => void>();
  private readonly statusListeners = new Set<(status: CallLogStatus) => void>();
  private readonly options: CallLogOptions;
  private readonly file: string;
  private readonly checkFile: string;

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
      const reason = error instanceof Error ? error.message : 'unknown error';
      options.log.error('the call log could not be opened', { reason });
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: CallLogStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
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
  audit(action: AuditAction, record: string | null, fields: readonly string[]): Promise<void> {
    // One at a time: an entry is chained only once the one before it is stored, so that a failed
    // write cannot leave later entries chained to a hash that is not there.
    const next = this.auditQueue.then(() => this.appendAudit(action, record, fields));
    this.auditQueue = next.catch(() => undefined);
    return next;
  }

  private async appendAudit(action: AuditAction, record: string | null, fields: readonly string[]): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const entry = {
      seq: this.auditHead.seq + 1,
      at: this.options.clock.now(),
      osUser: this.osUser,
      agentCode: this.options.agentCode?.() ?? null,
      action,
      record,
      fields: [...fields],
    };
    const prevHash = this.auditHead.hash;
    const hash = auditHash(prevHash, entry);
    this.auditHead = { seq: entry.seq, hash };
    try {
      await writer.run(
        `INSERT INTO audit (seq, at, os_user, agent_code, action, record, fields, prev_hash, hash)
         VALUES (@seq, @at, @osUser, @agentCode, @action, @record, @fields, @prevHash, @hash)`,
        { ...entry, fields: JSON.stringify(entry.fields), prevHash, hash },
      );
    } catch (error) {
      // The chain must go on from what is really stored.
      if (this.db) this.auditHead = this.readAuditHead();
      throw error;
    }
  }

  /**
   * Retention: erases the personal fields (number, name; later the intake's personal and health
   * fields) of calls that started more than `days` ago. The anonymous row stays for statistics;
   * secure_delete overwrites the freed bytes. Every run is audited, also one that found nothing.
   */
  async purge(days: number): Promise<number> {
    const writer = this.writer;
    if (!writer) return 0;
    const now = this.options.clock.now();
    const before = now - days * 86_400_000;
    const changes = await writer.run(
      `UPDATE calls SET remote_number = NULL, number_digits = NULL, remote_name = NULL, name_key = NULL,
         name_key_last = NULL, purged_at = @now
       WHERE purged_at IS NULL AND started_at < @before`,
      { now, before },
    );
    // Push the erased pages out of the WAL into the file, where secure_delete has overwritten them.
    await writer.run('PRAGMA wal_checkpoint(TRUNCATE)');
    await this.audit('purge', `calls:started-before:${new Date(before).toISOString()}`, [
      'remote_number',
      'remote_name',
    ]);
    this.options.log.info('retention: erased personal fields', { calls: changes, days });
    return changes;
  }

  /** Checks the whole audit chain; names the first entry that breaks it. */
  verifyAudit(): ChainCheck {
    const rows = this.statement('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<unknown>;
    return checkChain(auditEntries(rows));
  }

  private readAuditHead(): { seq: number; hash: string } {
    const head = this.statement('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    return head ?? { seq: 0, hash: GENESIS_HASH };
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
    const row = this.statement('SELECT * FROM calls WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new AppError('not_found', `There is no call ${id} in the log.`);
    return toRecord(row);
  }

  /** One page, newest first, after the cursor. */
  list(
    query: CallLogQuery,
    after: { startedAt: number; id: string } | undefined,
    limit: number,
  ): { rows: CallRecord[]; next: { startedAt: number; id: string } | null } {
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
      const newest = (index: string, column: string): string => {
        const inner = [`${column} >= @from0 AND ${column} < @to0`];
        if (after) inner.push('(started_at < @afterAt OR (started_at = @afterAt AND id < @afterId))');
        return `id IN (SELECT id FROM calls INDEXED BY ${index} WHERE ${inner.join(' AND ')}
          ${moreFilters ? '' : 'ORDER BY started_at DESC, id DESC LIMIT @limit'})`;
      };
      // A name matches from its first word or from its last ("Müller" finds "Anna Müller").
      where.push(
        byNumber
          ? newest('calls_by_number', 'number_digits')
          : `(${newest('calls_by_name_key', 'name_key')} OR ${newest('calls_by_name_last', 'name_key_last')})`,
      );
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
    const sql = `SELECT * FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT @limit`;
    const rows = (this.statement(sql).all(params) as Row[]).map(toRecord);
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

  /** After a damaged log was moved aside: a new, empty one with the same key. */
  async startFresh(): Promise<CallLogStatus> {
    if (this.current.state !== 'corrupt')
      throw new AppError('conflict', 'Only a log that was moved aside can be started afresh.');
    if (!this.key) throw new AppError('unavailable', 'There is no key for a new log.');
    const opened = openEncrypted(this.file, this.key);
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
    // A check still running is only reading: let it go (its worker ends when SQLite returns).
    void this.checker?.terminate();
    this.checker = null;
    const writer = this.writer;
    this.writer = null;
    await writer?.close();
    this.statements.clear();
    this.db?.close();
    this.db = null;
  }

  private async openFile(): Promise<CallLogStatus> {
    const exists = existsSync(this.file);
    const key = await loadDatabaseKey(this.options.secrets, this.options.env, !exists);
    if (!key) {
      this.options.log.error('the call log exists but its key is missing');
      return { state: 'wrong_key' };
    }
    this.key = key.key;
    const storedCheck = await readKeyCheck(this.checkFile);
    if (exists && storedCheck !== null && storedCheck !== keyCheckValue(key.key)) {
      this.options.log.error('the key does not open this call log; the file is left as it is');
      return { state: 'wrong_key' };
    }
    const opened = openEncrypted(this.file, key.key, { integrityCheck: false });
    if (!opened.ok) {
      if (opened.problem === 'newer_version') {
        this.options.log.error('the call log was written by a newer version', { version: opened.version });
        return { state: 'newer_version', version: opened.version };
      }
      if (storedCheck === null || opened.problem === 'failed') {
        // Without a check value a wrong key and a damaged file look the same; and busy, full or
        // forbidden says nothing about the file: touch nothing.
        return { state: 'unavailable', reason: `the call log cannot be opened (${opened.detail})` };
      }
      const movedTo = await moveAside(this.file, new Date(this.options.clock.now()));
      this.options.log.error('the call log could not be opened and was moved aside', {
        detail: opened.detail,
        movedTo,
      });
      return { state: 'corrupt', movedTo };
    }
    // A new log gets its key's check value, replacing any left from a log that is gone.
    if (storedCheck === null || !exists) await writeKeyCheck(this.checkFile, key.key);
    this.statements.clear();
    this.db = opened.db;
    const interrupted = this.closeInterrupted();
    this.auditHead = this.readAuditHead();
    this.startWriter(key.key);
    if (interrupted > 0) await this.audit('update', 'calls:interrupted', ['outcome', 'ended_at', 'talk_ms']);
    return this.openStatus();
  }

  private startWriter(key: string): void {
    const writer = new CallLogWriter(this.file, key);
    this.writer = writer;
    // The check gets a worker and connection of its own: on a large log it takes minutes (about
    // 80 s for a million calls here), and the calls going on must not wait for it to be written.
    void this.checker?.terminate();
    const checker = new CallLogWriter(this.file, key);
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
    for (const listener of [...this.listeners]) listener(record);
  }

  private setStatus(status: CallLogStatus): void {
    this.current = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
