import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { CallLog, CALL_LOG_FILE } from '../../src/main/calllog/call-log';
import { openEncrypted } from '../../src/main/calllog/database';
import { DATABASE_KEY_SECRET } from '../../src/main/calllog/database-key';
import { testSecrets } from './secrets';
import { recordingLogger } from './logs';
import { suiteTempDir, tempDir } from './temp';

/**
 * A data directory with a real, encrypted call log for report tests: seeded calls (the CLI's
 * `db seed`), calls of the test's own (written straight into the tables), and the user settings
 * the test wants. The key is the one the app finds in the directory's secret store.
 */

export interface LogCall {
  readonly id: string;
  readonly direction?: 'inbound' | 'outbound';
  readonly number?: string | null;
  readonly digits?: string | null;
  readonly name?: string | null;
  readonly agent?: string | null;
  readonly startedAt: number;
  readonly answeredAt?: number | null;
  readonly endedAt?: number | null;
  readonly talkMs?: number | null;
  readonly holdMs?: number;
  readonly wrapUpMs?: number | null;
  readonly outcome?: string | null;
  readonly disposition?: string | null;
}

export interface LogData {
  readonly dataDir: string;
  readonly keyHex: string;
  /** Where the test's machine policy is (it may not exist). */
  readonly policyFile: string;
}

/** A policy that makes the user running the tests a team lead. */
export function teamLeadPolicy(): Record<string, unknown> {
  return { 'privacy.teamLeads': [userInfo().username] };
}

export async function callLogData(
  options: {
    seed?: { count: number; seed: number; days?: number };
    settings?: Record<string, unknown>;
    calls?: readonly LogCall[];
    /** Kept for every test of the file (made in beforeAll), not only the one test. */
    forSuite?: boolean;
    /** A machine policy (written as policy.json in the directory; LogData.policyFile names it). */
    policy?: Record<string, unknown>;
  } = {},
): Promise<LogData> {
  const dataDir = options.forSuite === true ? await suiteTempDir() : await tempDir();
  if (options.settings !== undefined)
    await writeFile(join(dataDir, 'settings.json'), `${JSON.stringify(options.settings, null, 2)}\n`);
  const policyFile = join(dataDir, 'policy.json');
  if (options.policy !== undefined) await writeFile(policyFile, `${JSON.stringify(options.policy, null, 2)}\n`);
  const secrets = testSecrets(dataDir);
  const log = await CallLog.open({
    dataDir,
    secrets,
    env: {},
    clock: { now: () => Date.now() },
    log: recordingLogger(),
  });
  if (log.status.state !== 'open') throw new Error(`call log: ${log.status.state}`);
  if (options.seed !== undefined) await log.seed(options.seed);
  await log.close();
  const keyHex = await secrets.get(DATABASE_KEY_SECRET);
  if (keyHex === null) throw new Error('no call log key');
  const data = { dataDir, keyHex, policyFile };
  if (options.calls !== undefined) insertCalls(data, options.calls);
  return data;
}

/** Runs `work` on the log's own connection (read-write; the app must not be running on it). */
export function withLogDb<T>(data: LogData, work: (db: Database) => T): T {
  const opened = openEncrypted(join(data.dataDir, CALL_LOG_FILE), data.keyHex, { integrityCheck: false });
  if (!opened.ok) throw new Error(`cannot open the call log: ${opened.problem}`);
  try {
    return work(opened.db);
  } finally {
    opened.db.close();
  }
}

export function insertCalls(data: LogData, calls: readonly LogCall[]): void {
  withLogDb(data, (db) => {
    const insert = db.prepare(
      `INSERT INTO calls (id, direction, remote_number, number_digits, remote_name, anonymous, agent_code, started_at,
         answered_at, ended_at, talk_ms, hold_ms, wrap_up_ms, outcome, ended_by, disposition, updated_at)
       VALUES (@id, @direction, @number, @digits, @name, 0, @agent, @startedAt, @answeredAt, @endedAt, @talkMs,
         @holdMs, @wrapUpMs, @outcome, 'remote', @disposition, @startedAt)`,
    );
    db.transaction(() => {
      for (const call of calls)
        insert.run({
          direction: 'inbound',
          number: null,
          digits: null,
          name: null,
          agent: null,
          answeredAt: null,
          endedAt: null,
          talkMs: null,
          holdMs: 0,
          wrapUpMs: null,
          outcome: 'answered',
          disposition: null,
          ...call,
        });
    })();
  });
}

export interface AuditRow {
  readonly seq: number;
  readonly action: string;
  readonly record: string | null;
  readonly fields: string[];
  readonly details: Record<string, unknown> | null;
}

export function auditRows(data: LogData): AuditRow[] {
  return withLogDb(data, (db) =>
    (
      db.prepare('SELECT seq, action, record, fields, details FROM audit ORDER BY seq').all() as {
        seq: number;
        action: string;
        record: string | null;
        fields: string;
        details: string | null;
      }[]
    ).map((row) => ({
      ...row,
      fields: JSON.parse(row.fields) as string[],
      details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    })),
  );
}

const CLI = join(process.cwd(), 'out', 'main', 'cli.js');

/** Seeds a data directory with the built CLI (`db seed`), as a user would; for the browser-host tests. */
export async function seedWithCli(dataDir: string, calls: number, seed: number): Promise<void> {
  const child = spawn(
    process.execPath,
    [CLI, 'db', 'seed', '--calls', String(calls), '--seed', String(seed), '--data-dir', dataDir],
    { stdio: 'ignore' },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`db seed exited with ${code}`);
}
