import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { it } from 'vitest';
import { CallLog, CALL_LOG_FILE } from '../src/main/calllog/call-log';
import { DATABASE_KEY_SECRET } from '../src/main/calllog/database-key';
import { openEncrypted } from '../src/main/calllog/database';
import { silentLogger } from '../src/main/core/log';
import { testSecrets } from '../test/support/secrets';
import { DEFAULT_INTAKE_FORM } from '../src/main/intake/default-form';
import { runReportJob } from '../src/main/reports/worker-host';
import { z } from 'zod';
import { tempDir } from '../test/support/temp';
import { printMachine } from './measure';

/**
 * Reports on a call log of 1,000,000 calls (HOTLINE_DESK_BENCH_CALLS), all in one run:
 * - CSV: `hotline-desk export --format csv-de` (the built CLI, a process of its own: what IT runs
 *   nightly) against the sqlite3 command-line tool (`sqlite3 -csv`) exporting the same rows and
 *   columns from an unencrypted copy. Wall time and peak memory (VmHWM) of each. Goal: within
 *   1.5 × of sqlite3's time, under 150 MB.
 * - The main loop during export: the event-loop delay of this process (perf_hooks) while the
 *   reports worker writes the million rows, as the app does. Goal: p99 under 20 ms.
 * - XLSX: rows per second and peak memory of the CLI's export.
 * Figures only; nothing asserts timings.
 */

const CALLS = Number(process.env.HOTLINE_DESK_BENCH_CALLS ?? 1_000_000);
const CLI = join(process.cwd(), 'out', 'main', 'cli.js');
const RANGE = { from: '2000-01-01', to: '2099-12-31' };

/** `hotline-desk export` of the whole log, as IT would run it. */
function cliExport(dataDir: string, format: string, out: string): Promise<Run> {
  return runMeasured(process.execPath, [
    CLI,
    'export',
    '--data-dir',
    dataDir,
    '--from',
    RANGE.from,
    '--to',
    RANGE.to,
    '--format',
    format,
    '--out',
    out,
  ]);
}

interface Run {
  readonly seconds: number;
  readonly peakMiB: number;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs a program, polling its peak resident memory (VmHWM) until it exits. */
function runMeasured(file: string, args: string[], options: { stdoutFile?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, {
      stdio: ['ignore', options.stdoutFile === undefined ? 'ignore' : 'pipe', 'pipe'],
      env: { ...process.env },
    });
    let peakKiB = 0;
    let stderr = '';
    const sample = async () => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      } catch {
        // Gone.
      }
    };
    const timer = setInterval(() => void sample(), 20);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.stdoutFile !== undefined) {
      void import('node:fs').then(({ createWriteStream }) =>
        child.stdout!.pipe(createWriteStream(options.stdoutFile!)),
      );
    }
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024, code, stderr });
    });
  });
}

/** The same columns as the export, as plain SQL (times as text, durations in seconds). */
const SQLITE_QUERY = `
SELECT (SELECT id FROM installation), c.id, c.direction, c.agent_code,
  datetime(c.started_at / 1000, 'unixepoch', 'localtime'), datetime(c.answered_at / 1000, 'unixepoch', 'localtime'),
  datetime(c.ended_at / 1000, 'unixepoch', 'localtime'),
  (coalesce(c.answered_at, c.ended_at) - c.started_at) / 1000.0, c.talk_ms / 1000.0, c.hold_ms / 1000.0,
  c.wrap_up_ms / 1000.0, c.outcome, c.ended_by, c.disposition, json_extract(i.personal_json, '$.triage'),
  c.number_digits, coalesce(i.state, 'none'), c.mos, c.loss_percent,
  ${DEFAULT_INTAKE_FORM.fields
    .filter((field) => field.type !== 'text' && field.type !== 'phone')
    .map((field) => `json_extract(i.${field.tag === 'none' ? 'other_json' : 'personal_json'}, '$.${field.id}')`)
    .join(', ')}
FROM calls c LEFT JOIN intakes i ON i.call_id = c.id
ORDER BY c.started_at, c.id;`;

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

it(`reports: ${CALLS.toLocaleString('en')} calls`, { timeout: 3_600_000 }, async () => {
  printMachine(
    `Reports: exports and the main loop, ${CALLS.toLocaleString('en')} synthetic calls in the encrypted call log`,
  );
  const dataDir = await tempDir();
  const secrets = testSecrets(dataDir);
  const log = await CallLog.open({
    dataDir,
    secrets,
    env: {},
    clock: { now: () => Date.now() },
    log: silentLogger(),
    integrityCheck: false,
  });
  const seeding = performance.now();
  await log.seed({ count: CALLS, seed: 42 });
  console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);
  const keyHex = await secrets.get(DATABASE_KEY_SECRET);
  if (keyHex === null) throw new Error('no key');
  await log.close();

  // An unencrypted copy for sqlite3.
  const plain = join(dataDir, 'plain.sqlite');
  const opened = openEncrypted(join(dataDir, CALL_LOG_FILE), keyHex, { integrityCheck: false });
  if (!opened.ok) throw new Error('cannot open the log');
  opened.db.exec(`ATTACH DATABASE '${plain}' AS plain KEY ''`);
  opened.db.exec(
    'CREATE TABLE plain.calls AS SELECT * FROM main.calls; CREATE TABLE plain.intakes AS SELECT * FROM main.intakes; CREATE TABLE plain.installation AS SELECT * FROM main.installation; CREATE INDEX plain.calls_order ON calls (started_at, id); CREATE UNIQUE INDEX plain.intakes_call ON intakes (call_id);',
  );
  opened.db.exec('DETACH DATABASE plain');
  opened.db.close();

  const csv = join(dataDir, 'export.csv');
  // The page cache warmed alike for both: each reads its file once before being timed.
  await cliExport(dataDir, 'csv-iso', join(dataDir, 'warm.csv'));
  const ours = await cliExport(dataDir, 'csv-de', csv);
  if (ours.code !== 0) throw new Error(`export failed: ${ours.stderr}`);
  const sqliteOut = join(dataDir, 'sqlite3.csv');
  const sqlite = existsSync('/usr/bin/sqlite3')
    ? await runMeasured('/usr/bin/sqlite3', ['-csv', '-header', plain, SQLITE_QUERY], { stdoutFile: sqliteOut })
    : null;

  // The main loop while the worker exports, as in the app.
  // Sampled every millisecond; a sample is the time between two timer turns, so the delay is
  // what exceeds the 1 ms interval.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const access = { file: join(dataDir, CALL_LOG_FILE), keyHex };
  delay.enable();
  const inProcess = performance.now();
  await runReportJob(
    {
      kind: 'export',
      db: access,
      request: { range: RANGE, format: 'csv-de' },
      form: DEFAULT_INTAKE_FORM,
      organisationKey: '',
      target: join(dataDir, 'in-process.csv'),
    },
    { result: z.object({ rows: z.number() }).loose() },
  );
  const inProcessSeconds = (performance.now() - inProcess) / 1000;
  delay.disable();

  const xlsx = await cliExport(dataDir, 'xlsx', join(dataDir, 'export.xlsx'));
  if (xlsx.code !== 0) throw new Error(`xlsx export failed: ${xlsx.stderr}`);

  const ms = (ns: number) => Math.max(0, ns / 1e6 - 1).toFixed(1);
  console.table([
    {
      what: 'csv-de, hotline-desk export (CLI process)',
      seconds: ours.seconds.toFixed(2),
      'rows/s': Math.round(CALLS / ours.seconds),
      'peak MiB': ours.peakMiB.toFixed(0),
      file: mib((await stat(csv)).size),
    },
    ...(sqlite === null
      ? []
      : [
          {
            what: 'sqlite3 -csv, unencrypted copy',
            seconds: sqlite.seconds.toFixed(2),
            'rows/s': Math.round(CALLS / sqlite.seconds),
            'peak MiB': sqlite.peakMiB.toFixed(0),
            file: mib((await stat(sqliteOut)).size),
          },
        ]),
    {
      what: 'xlsx, hotline-desk export (CLI process)',
      seconds: xlsx.seconds.toFixed(2),
      'rows/s': Math.round(CALLS / xlsx.seconds),
      'peak MiB': xlsx.peakMiB.toFixed(0),
      file: mib((await stat(join(dataDir, 'export.xlsx'))).size),
    },
  ]);
  // The same rows: the same number of lines (one record each; quoted line breaks aside).
  if (sqlite !== null) {
    const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').length;
    console.log(`lines: ours ${await lines(csv)}, sqlite3 ${await lines(sqliteOut)}`);
  }
  if (sqlite !== null)
    console.log(
      `csv-de time ratio (ours / sqlite3): ${(ours.seconds / sqlite.seconds).toFixed(2)} (goal ≤ 1.5); peak memory ${ours.peakMiB.toFixed(0)} MiB (goal < 150)`,
    );
  console.log(
    `main loop during a ${CALLS.toLocaleString('en')}-row csv-de export in the reports worker (${inProcessSeconds.toFixed(1)} s): event-loop delay p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms (goal p99 < 20 ms)`,
  );
});
