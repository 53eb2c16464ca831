import { execFile, execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { runExportJob } from '../../src/main/reports/jobs';
import { runMergeJob } from '../../src/main/reports/merge';
import { runReportJob } from '../../src/main/reports/worker-host';
import { z } from 'zod';
import { openXlsx, type XlsxValue } from '../../src/main/reports/xlsx/read';
import type { ExportResult, KpiFigures, KpiReport } from '../../src/shared/contract/reports';
import type { Result } from '../../src/shared/result';
import { startApp } from '../support/app';
import {
  auditRows,
  callLogData,
  teamLeadPolicy,
  withLogDb,
  type LogCall,
  type LogData,
} from '../support/call-log-data';
import { libreOffice, SOFFICE_PATH } from '../support/libreoffice';
import { tempDir } from '../support/temp';

/*
 * Exports and KPIs end to end: the real app on a real encrypted call log (seeded, plus calls of
 * our own with the awkward cases), exports made by the reports worker, then opened by an
 * independent reader: LibreOffice, converting each export to a workbook whose cell values we read.
 */

const context = { clientId: 'test' };
const ALL_DAYS = { from: '2020-01-01', to: '2030-12-31' };

const T_SPRING = Date.UTC(2026, 2, 29, 1, 30, 0); // 03:30 CEST, the day the clocks went forward
const T_AUTUMN_FIRST = Date.UTC(2026, 9, 25, 0, 30, 0); // 02:30 CEST, before the clocks went back
const T_AUTUMN_SECOND = Date.UTC(2026, 9, 25, 1, 30, 0); // 02:30 CET, the second 02:30

const OWN_CALLS: LogCall[] = [
  {
    id: 'call-a',
    name: 'Jürgen Größe-Weiß',
    number: '+49 30 1234567',
    digits: '49301234567',
    agent: '=1+1',
    startedAt: T_SPRING,
    answeredAt: T_SPRING + 10_000,
    endedAt: T_SPRING + 10_000 + 3_723_000,
    talkMs: 3_723_000,
    wrapUpMs: 65_000,
    disposition: 'data_call',
  },
  {
    id: 'call-b',
    name: '@SUM(A1)',
    number: '0171 5550000',
    digits: '491715550000',
    agent: '-5',
    startedAt: T_AUTUMN_FIRST,
    answeredAt: T_AUTUMN_FIRST + 5_000,
    endedAt: T_AUTUMN_FIRST + 5_000 + 97_205_000,
    talkMs: 5_000,
    holdMs: 97_200_000,
    disposition: '+49 30 123',
  },
  {
    id: 'call-c',
    name: 'a;b "c"',
    agent: '\tx',
    startedAt: T_AUTUMN_SECOND,
    endedAt: T_AUTUMN_SECOND + 20_000,
    outcome: 'missed',
  },
  {
    id: 'call-d',
    name: '\rx',
    agent: 'Ärztin Öz',
    startedAt: T_AUTUMN_SECOND + 60_000,
    endedAt: T_AUTUMN_SECOND + 70_000,
    outcome: 'rejected',
  },
];

const SEEDED = 600;

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 180_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
}

/** Opens `input` in LibreOffice (with its own profile) and saves it as a workbook; its cells as read back. */
async function libreOfficeCells(input: string, infilter?: string): Promise<Map<string, XlsxValue[][]>> {
  const profile = await mkdtemp(join(tmpdir(), 'hotline-desk-lo-profile-'));
  const outDir = await mkdtemp(join(tmpdir(), 'hotline-desk-lo-out-'));
  try {
    await run(SOFFICE_PATH, [
      `-env:UserInstallation=${pathToFileURL(profile).href}`,
      '--headless',
      '--norestore',
      ...(infilter === undefined ? [] : [`--infilter=${infilter}`]),
      '--convert-to',
      'xlsx:Calc MS Excel 2007 XML',
      '--outdir',
      outDir,
      input,
    ]);
    const output = join(outDir, `${basename(input).replace(/\.[^.]+$/, '')}.xlsx`);
    expect(existsSync(output), `LibreOffice wrote ${output}`).toBe(true);
    const workbook = await openXlsx(output);
    const sheets = new Map<string, XlsxValue[][]>();
    for (const sheet of workbook.sheets) {
      const rows: XlsxValue[][] = [];
      for await (const row of workbook.rows(sheet)) rows.push(row);
      sheets.set(sheet, rows);
    }
    return sheets;
  } finally {
    await rm(profile, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}

/** An Excel serial day (1900 system) as the wall-clock text it stands for. */
function serialWall(serial: number): string {
  const date = new Date(Math.round((serial - 25_569) * 86_400) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}.${two(date.getUTCMonth() + 1)}.${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function byId(rows: XlsxValue[][], idColumn: number): Map<string, XlsxValue[]> {
  return new Map(rows.slice(1).map((row) => [String(row[idColumn]), row]));
}

async function exported(app: App, request: Record<string, unknown>): Promise<ExportResult> {
  const result = (await app.dispatch('reports.export', request, context)) as Result<ExportResult>;
  if (!result.ok) throw new Error(`export failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe.skipIf(libreOffice.skip)('exports that LibreOffice (and so Excel) opens right', () => {
  let data: LogData;
  let app: App;
  let installation: { id: string; pseudonym_key: string };
  const files: ExportResult[] = [];

  beforeAll(async () => {
    libreOffice.assert();
    data = await callLogData({
      seed: { count: SEEDED, seed: 11, days: 400 },
      // Nothing purged (the awkward calls are months old: retention is the organisation's), and
      // this user is a team lead.
      policy: { ...teamLeadPolicy(), 'retention.days': 3650 },
      calls: OWN_CALLS,
      forSuite: true,
    });
    installation = withLogDb(data, (db) => db.prepare('SELECT id, pseudonym_key FROM installation').get()) as {
      id: string;
      pseudonym_key: string;
    };
    app = await startApp(data.dataDir, {}, { policyFile: data.policyFile });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('csv-de, read the way German Excel reads it: rows, umlauts, dates, durations, formulas as text', async () => {
    const result = await exported(app, {
      range: ALL_DAYS,
      format: 'csv-de',
      identified: true,
      reason: 'Auskunftsersuchen nach Art. 15 DSGVO',
    });
    files.push(result);
    expect(result).toMatchObject({ format: 'csv-de', identified: true, rows: SEEDED + OWN_CALLS.length });
    const bytes = await readFile(result.file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\n');

    const sheets = await libreOfficeCells(result.file, 'CSV:59,34,76,1,,1031');
    const [rows] = [...sheets.values()];
    expect(rows).toHaveLength(1 + SEEDED + OWN_CALLS.length);
    const header = rows![0]!.map(String);
    const column = (name: string) => header.indexOf(name);
    const calls = byId(rows!, column('call_uuid'));
    const a = calls.get('call-a')!;
    const b = calls.get('call-b')!;
    // Dates became dates, in Berlin time, on both DST days.
    expect(serialWall(a[column('started_at')] as number)).toBe('29.03.2026 03:30:00');
    expect(serialWall(b[column('started_at')] as number)).toBe('25.10.2026 02:30:00');
    expect(serialWall(calls.get('call-c')![column('started_at')] as number)).toBe('25.10.2026 02:30:00');
    // Durations became times: 1:02:03, and 27 hours past a day.
    expect((a[column('talk_time')] as number) * 86_400).toBeCloseTo(3723, 6);
    expect((b[column('hold_time')] as number) * 86_400).toBeCloseTo(97_200, 6);
    // Umlauts and the formula-like texts came back as text.
    expect(a[column('remote_name')]).toBe('Jürgen Größe-Weiß');
    expect(calls.get('call-d')![column('agent')]).toBe('Ärztin Öz');
    expect(calls.get('call-c')![column('remote_name')]).toBe('a;b "c"');
    for (const [id, name, value] of [
      ['call-a', 'agent', '=1+1'],
      ['call-b', 'agent', '-5'],
      ['call-b', 'remote_name', '@SUM(A1)'],
      ['call-b', 'disposition', '+49 30 123'],
      ['call-c', 'agent', '\tx'],
      // LibreOffice keeps a line break in a cell as LF.
      ['call-d', 'remote_name', '\nx'],
    ] as const) {
      const cell = calls.get(id)![column(name)];
      expect(typeof cell, `${id} ${name}`).toBe('string');
      expect(String(cell).replace(/^'/, ''), `${id} ${name}`).toBe(value);
    }
    // A decimal comma became a number.
    const seeded = withLogDb(data, (db) =>
      db.prepare(`SELECT id, mos FROM calls WHERE mos IS NOT NULL LIMIT 1`).get(),
    ) as { id: string; mos: number };
    expect(calls.get(seeded.id)![column('mos')]).toBeCloseTo(Math.round(seeded.mos * 1000) / 1000, 6);
  }, 180_000);

  it('csv-iso, pseudonymised: no names or numbers, caller_ref keyed by this installation, times in UTC', async () => {
    const result = await exported(app, { range: ALL_DAYS, format: 'csv-iso' });
    files.push(result);
    expect(result).toMatchObject({ identified: false, pseudonymKey: 'installation', rows: SEEDED + OWN_CALLS.length });
    const text = await readFile(result.file, 'utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    for (const secret of ['Jürgen', '1234567', '5550000', 'remote_name', 'remote_number', 'intake_name', 'intake_note'])
      expect(text).not.toContain(secret);
    const names = withLogDb(data, (db) =>
      db.prepare(`SELECT remote_name FROM calls WHERE remote_name IS NOT NULL LIMIT 50`).pluck().all(),
    ) as string[];
    for (const name of names) expect(text).not.toContain(name);

    const sheets = await libreOfficeCells(result.file, 'CSV:44,34,76,1,,1033');
    const [rows] = [...sheets.values()];
    expect(rows).toHaveLength(1 + SEEDED + OWN_CALLS.length);
    const header = rows![0]!.map(String);
    const column = (name: string) => header.indexOf(name);
    const a = byId(rows!, column('call_uuid')).get('call-a')!;
    const ref = createHmac('sha256', Buffer.from(installation.pseudonym_key, 'hex'))
      .update('49301234567')
      .digest('hex')
      .slice(0, 32);
    expect(a[column('caller_ref')]).toBe(ref);
    // The file itself says that these refs cannot be linked with other laptops'.
    expect(a[column('caller_ref_key')]).toBe('installation');
    expect(a[column('installation_id')]).toBe(installation.id);
    const started = a[column('started_at')];
    expect(typeof started === 'number' ? serialWall(started) : started).toMatch(
      /^(2026-03-29T01:30:00Z|29\.03\.2026 01:30:00)$/,
    );
    expect(a[column('talk_time')]).toBe(3723);
  }, 180_000);

  it('xlsx: typed cells LibreOffice shows as written, formulas as text, the export’s properties', async () => {
    const result = await exported(app, {
      range: ALL_DAYS,
      format: 'xlsx',
      identified: true,
      reason: 'Prüfung durch die Datenschutzbeauftragte',
    });
    files.push(result);
    const workbook = await openXlsx(result.file);
    expect(workbook.properties).toMatchObject({
      'hotline-desk-export': '1',
      installation_id: installation.id,
      pseudonymised: 'false',
    });
    const sheets = await libreOfficeCells(result.file);
    const rows = sheets.get('Anrufe')!;
    expect(rows).toHaveLength(1 + SEEDED + OWN_CALLS.length);
    const header = rows[0]!.map(String);
    const column = (name: string) => header.indexOf(name);
    const calls = byId(rows, column('call_uuid'));
    const a = calls.get('call-a')!;
    const b = calls.get('call-b')!;
    expect(serialWall(a[column('started_at')] as number)).toBe('29.03.2026 03:30:00');
    expect(serialWall(b[column('started_at')] as number)).toBe('25.10.2026 02:30:00');
    expect((b[column('hold_time')] as number) * 86_400).toBeCloseTo(97_200, 6);
    expect(a[column('remote_name')]).toBe('Jürgen Größe-Weiß');
    expect(a[column('agent')]).toBe('=1+1');
    expect(b[column('agent')]).toBe('-5');
    expect(b[column('remote_name')]).toBe('@SUM(A1)');
    expect(calls.get('call-c')![column('agent')]).toBe('\tx');
  }, 180_000);

  it('every export is audited: who, filter, columns, rows, SHA-256 and target, the reason when identified', async () => {
    expect(files).toHaveLength(3);
    await app.close();
    const entries = auditRows(data).filter((entry) => entry.action === 'export');
    expect(entries).toHaveLength(3);
    for (const [index, file] of files.entries()) {
      const entry = entries[index]!;
      expect(entry.record).toBe(`export:${file.sha256}`);
      expect(entry.fields).toEqual(file.columns);
      expect(entry.details).toMatchObject({
        format: file.format,
        identified: file.identified,
        rows: file.rows,
        sha256: sha256(await readFile(file.file)),
        target: file.file,
        range: ALL_DAYS,
        filter: { outcomes: [] },
      });
      expect(Object.hasOwn(entry.details ?? {}, 'reason')).toBe(file.identified);
    }
    expect(entries[0]!.details).toMatchObject({ reason: 'Auskunftsersuchen nach Art. 15 DSGVO' });
    app = await startApp(data.dataDir, {}, { policyFile: data.policyFile });
  }, 60_000);
});

/** The EU rule: summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC. */
function summerTime(year: number): [number, number] {
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  return [lastSunday(2), lastSunday(9)];
}

describe('KPIs', () => {
  it('match an independent SQL computation on a seeded log, in total and per agent', async () => {
    const data = await callLogData({
      seed: { count: 5_000, seed: 5, days: 400 },
      policy: { 'retention.days': 3650 },
    });
    const app = await startApp(data.dataDir, { policyPollMs: 100 }, { policyFile: data.policyFile });
    let report: KpiReport;
    try {
      // An agent sees the totals; the figures per agent (they measure people) are a team lead's.
      const asAgent = (await app.dispatch('reports.kpi', { range: ALL_DAYS }, context)) as Result<KpiReport>;
      expect(asAgent).toMatchObject({ ok: true, value: { agents: [], agentsWithheld: true } });
      await writeFile(data.policyFile, JSON.stringify({ ...teamLeadPolicy(), 'retention.days': 3650 }));
      await expect
        .poll(() => app.dispatch('privacy.access', {}, context))
        .toEqual({ ok: true, value: { teamLead: true } });
      const result = (await app.dispatch('reports.kpi', { range: ALL_DAYS }, context)) as Result<KpiReport>;
      if (!result.ok) throw new Error(result.error.message);
      report = result.value;
      expect(report.agentsWithheld).toBe(false);
      if (asAgent.ok) expect(asAgent.value.total).toEqual(report.total);
    } finally {
      await app.close();
    }
    const thisYear = new Date().getUTCFullYear();
    const offset = [thisYear - 2, thisYear - 1, thisYear, thisYear + 1]
      .map(summerTime)
      .map(([start, end]) => `WHEN started_at >= ${start} AND started_at < ${end} THEN 7200000`)
      .join(' ');
    const expected = (where: string): KpiFigures =>
      withLogDb(data, (db) => {
        const one = <T>(sql: string) => db.prepare(sql).pluck().get() as T;
        const inbound = `direction = 'inbound' AND outcome IS NOT NULL AND ${where}`;
        const offered = one<number>(`SELECT count(*) FROM calls WHERE ${inbound}`);
        const answered = one<number>(`SELECT count(*) FROM calls WHERE ${inbound} AND answered_at IS NOT NULL`);
        const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
        const heat = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
        for (const row of db
          .prepare(
            `SELECT (CAST(strftime('%w', local / 1000, 'unixepoch') AS INTEGER) + 6) % 7 AS day,
               CAST(strftime('%H', local / 1000, 'unixepoch') AS INTEGER) AS hour, count(*) AS n
             FROM (SELECT started_at + CASE ${offset} ELSE 3600000 END AS local FROM calls WHERE ${inbound})
             GROUP BY day, hour`,
          )
          .all() as { day: number; hour: number; n: number }[])
          heat[row.day]![row.hour] = row.n;
        const counts = (sql: string) =>
          (db.prepare(sql).all() as { value: string; count: number }[]).sort(
            (x, y) => y.count - x.count || (x.value < y.value ? -1 : 1),
          );
        return {
          offered,
          answered,
          missed: one<number>(`SELECT count(*) FROM calls WHERE ${inbound} AND outcome = 'missed'`),
          rejected: one<number>(`SELECT count(*) FROM calls WHERE ${inbound} AND outcome IN ('rejected', 'busy')`),
          answerRate: offered === 0 ? null : answered / offered,
          placed: one<number>(
            `SELECT count(*) FROM calls WHERE direction = 'outbound' AND outcome IS NOT NULL AND ${where}`,
          ),
          averageHandleSeconds: round(
            one<number | null>(
              `SELECT sum(coalesce(talk_ms, 0) + coalesce(hold_ms, 0) + coalesce(wrap_up_ms, 0)) * 1.0 / count(*) / 1000.0
               FROM calls WHERE answered_at IS NOT NULL AND outcome IS NOT NULL AND ${where}`,
            ),
          ),
          averageRingSeconds: round(
            one<number | null>(
              `SELECT sum(answered_at - started_at) * 1.0 / count(*) / 1000.0 FROM calls WHERE ${inbound} AND answered_at IS NOT NULL`,
            ),
          ),
          heatMap: heat,
          dispositions: counts(
            `SELECT disposition AS value, count(*) AS count FROM calls
             WHERE disposition IS NOT NULL AND outcome IS NOT NULL AND ${where} GROUP BY disposition`,
          ),
          triage: counts(
            `SELECT json_extract(i.personal_json, '$.triage') AS value, count(*) AS count
             FROM calls c JOIN intakes i ON i.call_id = c.id
             WHERE json_extract(i.personal_json, '$.triage') IS NOT NULL AND i.state = 'submitted' AND c.outcome IS NOT NULL
               AND ${where.replace(/agent_code/g, 'c.agent_code')} GROUP BY value`,
          ),
        };
      });
    const total = expected('1 = 1');
    expect(total.offered).toBeGreaterThan(1000);
    expect(total.triage.length).toBeGreaterThan(0);
    expect({ ...report.total, answerRate: null }).toEqual({ ...total, answerRate: null });
    expect(report.total.answerRate).toBeCloseTo(total.answerRate!, 12);
    const agents = withLogDb(data, (db) =>
      db.prepare('SELECT DISTINCT agent_code FROM calls ORDER BY agent_code').pluck().all(),
    ) as (string | null)[];
    expect(report.agents.map((entry) => entry.agent)).toEqual([
      ...agents.filter((agent) => agent !== null),
      ...agents.filter((agent) => agent === null),
    ]);
    for (const entry of report.agents) {
      const figures = expected(entry.agent === null ? 'agent_code IS NULL' : `agent_code = '${entry.agent}'`);
      expect({ ...entry.figures, answerRate: null }, String(entry.agent)).toEqual({ ...figures, answerRate: null });
    }
  }, 120_000);
});

describe('merge of exports from several laptops', () => {
  it('counts each call once per installation: the same export twice adds nothing, another laptop adds its calls', async () => {
    const one = await callLogData({ seed: { count: 800, seed: 1, days: 60 } });
    const two = await callLogData({ seed: { count: 500, seed: 2, days: 60 } });
    const out = await tempDir();
    const exportOf = async (data: LogData, format: 'csv-iso' | 'xlsx', name: string, maxRowsPerSheet?: number) =>
      runExportJob({
        kind: 'export',
        db: { file: join(data.dataDir, 'call-log.sqlite'), keyHex: data.keyHex },
        request: { range: ALL_DAYS, format },
        form: DEFAULT_INTAKE_FORM,
        organisationKey: '',
        target: join(out, name),
        ...(maxRowsPerSheet === undefined ? {} : { maxRowsPerSheet }),
      });
    await exportOf(one, 'csv-iso', 'one.csv');
    await exportOf(one, 'xlsx', 'one.xlsx');
    await exportOf(two, 'xlsx', 'two.xlsx');
    // Past a sheet's limit (Excel's, made small here) the rows go on in further sheets, all read back.
    expect((await exportOf(one, 'xlsx', 'one-split.xlsx', 300)).sheets).toBe(3);
    expect((await openXlsx(join(out, 'one-split.xlsx'))).sheets).toEqual(['Anrufe', 'Anrufe (2)', 'Anrufe (3)']);
    const merge = (inputs: string[]) =>
      runMergeJob({
        kind: 'merge',
        inputs: inputs.map((name) => join(out, name)),
        range: ALL_DAYS,
        filter: { outcomes: [] },
        form: DEFAULT_INTAKE_FORM,
        generatedAt: 0,
      });
    const single = await merge(['one.csv']);
    // csv-iso and xlsx read back alike: the same figures from either, in one sheet or three.
    expect((await merge(['one.xlsx'])).total).toEqual(single.total);
    expect((await merge(['one-split.xlsx'])).total).toEqual(single.total);
    const twice = await merge(['one.csv', 'one.xlsx']);
    expect(twice.duplicatesRemoved).toBe(800);
    expect(twice.total).toEqual(single.total);
    // The seeds number their calls alike (seed-…): the same UUIDs on two laptops are two calls.
    const both = await merge(['one.csv', 'one.xlsx', 'two.xlsx']);
    const other = await merge(['two.xlsx']);
    expect(both.duplicatesRemoved).toBe(800);
    expect(both.sources.map((source) => source.calls).sort()).toEqual([500, 800]);
    expect(both.total.offered).toBe(single.total.offered + other.total.offered);
    expect(both.total.heatMap.flat().reduce((sum, n) => sum + n, 0)).toBe(both.total.offered);
  }, 120_000);

  it('refuses inputs that are not our pseudonymised exports, saying why', async () => {
    const data = await callLogData({
      seed: { count: 50, seed: 3, days: 30 },
    });
    const out = await tempDir();
    const db = { file: join(data.dataDir, 'call-log.sqlite'), keyHex: data.keyHex };
    const base = { kind: 'export' as const, db, form: DEFAULT_INTAKE_FORM, organisationKey: '' };
    await runExportJob({ ...base, request: { range: ALL_DAYS, format: 'csv-de' }, target: join(out, 'de.csv') });
    await runExportJob({
      ...base,
      request: { range: ALL_DAYS, format: 'xlsx', identified: true, reason: 'Prüfung' },
      target: join(out, 'identified.xlsx'),
    });
    await runExportJob({
      ...base,
      request: { range: ALL_DAYS, format: 'csv-iso', identified: true, reason: 'Prüfung' },
      target: join(out, 'identified.csv'),
    });
    await writeFile(join(out, 'other.csv'), 'name,phone\r\nAnna,0301234\r\n');
    await writeFile(join(out, 'empty.csv'), '');
    await writeFile(join(out, 'broken.xlsx'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    // A csv-iso export of our own, edited: one row's direction made up, another row cut short.
    await runExportJob({ ...base, request: { range: ALL_DAYS, format: 'csv-iso' }, target: join(out, 'iso.csv') });
    const [header, first, second] = (await readFile(join(out, 'iso.csv'), 'utf8')).split('\r\n');
    await writeFile(
      join(out, 'bad-row.csv'),
      [header, first!.replace(/,(inbound|outbound),/, ',sideways,'), ''].join('\r\n'),
    );
    await writeFile(
      join(out, 'short-row.csv'),
      [header, first, second!.split(',').slice(0, 5).join(','), ''].join('\r\n'),
    );
    const reason = async (name: string) => {
      try {
        await runMergeJob({
          kind: 'merge',
          inputs: [join(out, name)],
          range: ALL_DAYS,
          filter: { outcomes: [] },
          form: DEFAULT_INTAKE_FORM,
          generatedAt: 0,
        });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(await reason('de.csv')).toMatch(/de\.csv .*csv-de export.*merge reads csv-iso or xlsx/);
    expect(await reason('identified.xlsx')).toMatch(/identified export.*pseudonymised exports only/);
    expect(await reason('identified.csv')).toMatch(/identified export.*pseudonymised exports only/);
    expect(await reason('other.csv')).toMatch(
      /other\.csv is not a pseudonymised Hotline Desk export.*column 1 is "name", expected installation_id/,
    );
    expect(await reason('empty.csv')).toMatch(/empty\.csv .*it is empty/);
    expect(await reason('broken.xlsx')).toMatch(/broken\.xlsx is not a pseudonymised Hotline Desk export/);
    expect(await reason('bad-row.csv')).toMatch(/bad-row\.csv, row 2, column direction/);
    expect(await reason('short-row.csv')).toMatch(/short-row\.csv, row 3: 5 fields, the header has \d+/);
    expect(await reason('missing.csv')).toMatch(/missing\.csv: no such file/);
  }, 120_000);
});

describe('a worker that stops answering', () => {
  it('is given up after its silence, with a clear error, instead of being waited for forever', async () => {
    // A named pipe nobody writes to: reading it never ends, the worker never answers again.
    const pipe = join(await tempDir(), 'never.csv');
    execFileSync('mkfifo', [pipe]);
    const started = runReportJob(
      {
        kind: 'merge',
        inputs: [pipe],
        range: ALL_DAYS,
        filter: { outcomes: [] },
        form: DEFAULT_INTAKE_FORM,
        generatedAt: 0,
      },
      { result: z.unknown(), silenceMs: 2_000 },
    );
    await expect(started).rejects.toThrow(/stopped answering; the report was given up/);
    // Let the blocked read go.
    await writeFile(pipe, '');
  }, 60_000);
});

describe('closing the app', () => {
  it('stops an export under way: no file, no temporary file, no audit entry; the app closes', async () => {
    const data = await callLogData({ seed: { count: 60_000, seed: 6, days: 120 } });
    const app = await startApp(data.dataDir);
    const progress: number[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'reports.progress') progress.push((payload as { rows: number }).rows);
    });
    const exporting = app.dispatch('reports.export', { range: ALL_DAYS, format: 'xlsx' }, context);
    await expect.poll(() => progress.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await app.close();
    expect(await exporting).toMatchObject({ ok: false, error: { code: 'unavailable', message: /app is closing/ } });
    expect(await readdir(join(data.dataDir, 'exports'))).toEqual([]);
    expect(auditRows(data).filter((entry) => entry.action === 'export')).toEqual([]);
  }, 120_000);
});

describe('policy-only settings', () => {
  it('the organisation’s pseudonym key never reaches a renderer; neither it nor the team leads can be set from Settings', async () => {
    const key = Buffer.alloc(32, 5).toString('base64');
    const data = await callLogData({ policy: { 'reports.pseudonymKey': key } });
    // A user's own file cannot set them either.
    await writeFile(
      join(data.dataDir, 'settings.json'),
      JSON.stringify({ 'privacy.teamLeads': ['someone'], 'privacy.role': 'team_lead' }),
    );
    const app = await startApp(data.dataDir, {}, { policyFile: data.policyFile });
    const seen: unknown[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'settings.changed') seen.push(payload);
    });
    try {
      expect(await app.dispatch('reports.info', {}, context)).toMatchObject({
        ok: true,
        value: { pseudonymKey: 'organisation', teamLead: false },
      });
      expect(await app.dispatch('privacy.access', {}, context)).toEqual({ ok: true, value: { teamLead: false } });
      const got = await app.dispatch('settings.get', {}, context);
      const changed = await app.dispatch('settings.update', { key: 'ui.language', value: 'en' }, context);
      for (const [setting, value] of [
        ['reports.pseudonymKey', key],
        ['privacy.teamLeads', ['me']],
        ['privacy.role', 'team_lead'],
      ] as const)
        expect(await app.dispatch('settings.update', { key: setting, value }, context)).toMatchObject({
          ok: false,
          error: { code: 'forbidden', message: expect.stringMatching(/policy only/) },
        });
      expect(JSON.stringify([got, changed, seen])).not.toContain(key);
      expect(got).toMatchObject({ ok: true, value: { values: { 'reports.pseudonymKey': '' } } });
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});

describe('bad requests', () => {
  it('says what is wrong and writes nothing: unknown format, impossible range, no reason, no role, a folder that cannot be', async () => {
    const blocker = join(await tempDir(), 'a-file');
    await writeFile(blocker, 'in the way');
    const data = await callLogData({
      seed: { count: 20, seed: 4, days: 30 },
      settings: { 'reports.formats': ['csv-de', 'xlsx'] },
      policy: { 'reports.directory': join(blocker, 'exports') },
    });
    const app = await startApp(data.dataDir, {}, { policyFile: data.policyFile });
    try {
      const ask = (request: Record<string, unknown>) => app.dispatch('reports.export', request, context);
      expect(await ask({ range: ALL_DAYS, format: 'pdf' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringMatching(/format/) },
      });
      expect(await ask({ range: { from: '2026-05-01', to: '2026-04-30' }, format: 'csv-de' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringMatching(/ends before it starts/) },
      });
      expect(await ask({ range: { from: '2026-02-30', to: '2026-03-01' }, format: 'csv-de' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
      expect(await ask({ range: ALL_DAYS, format: 'csv-iso' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.stringMatching(/csv-iso exports are not allowed/) },
      });
      expect(await ask({ range: ALL_DAYS, format: 'xlsx', identified: true })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringMatching(/needs a reason/) },
      });
      expect(await ask({ range: ALL_DAYS, format: 'xlsx', identified: true, reason: 'Prüfung' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.stringMatching(/Only a team lead/) },
      });
      expect(await ask({ range: ALL_DAYS, format: 'csv-de' })).toMatchObject({
        ok: false,
        error: {
          code: 'unavailable',
          message: expect.stringMatching(/cannot write the export to .*nothing was written/),
        },
      });
      expect(await readdir(join(blocker, '..'))).toEqual(['a-file']);
    } finally {
      await app.close();
    }
    expect(auditRows(data).filter((entry) => entry.action === 'export')).toEqual([]);
  }, 60_000);
});
