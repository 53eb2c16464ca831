import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kpiReportSchema } from '../../src/shared/contract/reports';
import { openXlsx } from '../../src/main/reports/xlsx/read';
import { auditRows, callLogData } from '../support/call-log-data';
import { tempDir } from '../support/temp';

/*
 * `export` and `report kpi` as IT scripts them: the built CLI (out/main/cli.js), run as
 * `npm run -s cli` runs it, on a seeded call log; exit codes, messages, and never a partial file.
 */

const CLI = join(process.cwd(), 'out', 'main', 'cli.js');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const RANGE = ['--from', '2020-01-01', '--to', '2030-12-31'];

describe('hotline-desk export and report kpi', () => {
  it('exports each format to --out, audited; the KPIs from the log and merged from the exports agree', async () => {
    const data = await callLogData({ seed: { count: 1_500, seed: 8, days: 200 } });
    const out = await tempDir();
    const dir = ['--data-dir', data.dataDir];
    for (const [format, name] of [
      ['csv-de', 'calls-de.csv'],
      ['csv-iso', 'calls.csv'],
      ['xlsx', 'calls.xlsx'],
    ] as const) {
      const result = await cli(['export', ...dir, ...RANGE, '--format', format, '--out', join(out, name), '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { rows: number; sha256: string; file: string };
      expect(summary).toMatchObject({ rows: 1_500, file: join(out, name), identified: false });
      expect(
        createHash('sha256')
          .update(await readFile(join(out, name)))
          .digest('hex'),
      ).toBe(summary.sha256);
    }
    // Nothing else in the folder: no temporary files left.
    expect((await readdir(out)).sort()).toEqual(['calls-de.csv', 'calls.csv', 'calls.xlsx']);
    expect(auditRows(data).filter((entry) => entry.action === 'export')).toHaveLength(3);

    const fromLog = await cli(['report', 'kpi', ...dir, ...RANGE, '--format', 'json']);
    expect(fromLog.code).toBe(0);
    const log = kpiReportSchema.parse(JSON.parse(fromLog.stdout));
    expect(log.total.offered).toBeGreaterThan(500);
    const merged = await cli([
      'report',
      'kpi',
      '--input',
      join(out, 'calls.csv'),
      join(out, 'calls.xlsx'),
      ...RANGE,
      '--format',
      'json',
    ]);
    expect(merged.stderr).toBe('');
    const report = kpiReportSchema.parse(JSON.parse(merged.stdout));
    expect(report.duplicatesRemoved).toBe(1_500);
    expect(report.total).toEqual(log.total);
    expect(report.agents).toEqual(log.agents);

    const workbook = join(out, 'kpi.xlsx');
    expect((await cli(['report', 'kpi', ...dir, ...RANGE, '--format', 'xlsx', '--out', workbook])).code).toBe(0);
    const kpi = await openXlsx(workbook);
    expect(kpi.sheets).toEqual(['Kennzahlen', 'Anrufe je Stunde', 'Anrufarten', 'Triage', 'Quellen']);
    const rows = [];
    for await (const row of kpi.rows('Kennzahlen')) rows.push(row);
    expect(rows[1]?.slice(0, 5)).toEqual([
      'Gesamt',
      log.total.offered,
      log.total.answered,
      log.total.missed,
      log.total.rejected,
    ]);
  }, 120_000);

  it('never takes a pseudonym key from a --policy file for the organisation’s', async () => {
    const data = await callLogData({ seed: { count: 20, seed: 9, days: 10 } });
    const out = await tempDir();
    const policy = join(out, 'my-policy.json');
    await writeFile(policy, JSON.stringify({ 'reports.pseudonymKey': 'q0Vn3C6xKJrA8yqfXQmV1t2vCz3kP8sWn4hLr9bYd2E=' }));
    const target = join(out, 'calls.csv');
    const result = await cli([
      'export',
      '--data-dir',
      data.dataDir,
      ...RANGE,
      '--format',
      'csv-iso',
      '--out',
      target,
      '--policy',
      policy,
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/reports\.pseudonymKey is taken from the machine policy only/);
    expect(JSON.parse(result.stdout)).toMatchObject({ pseudonymKey: 'installation' });
    const [header, first] = (await readFile(target, 'utf8')).split('\n');
    const column = header!.split(',').indexOf('caller_ref_key');
    expect(first!.split(',')[column]).toBe('installation');
  });

  it('exits non-zero with a clear message, and leaves no file, on every kind of bad input', async () => {
    const data = await callLogData({ seed: { count: 100, seed: 2, days: 30 } });
    const out = await tempDir();
    const dir = ['--data-dir', data.dataDir];
    const target = join(out, 'x.csv');
    // A policy of one's own making a team lead of oneself.
    const policy = join(await tempDir(), 'mine.json');
    await writeFile(policy, JSON.stringify({ 'privacy.teamLeads': [userInfo().username] }));
    const cases: [string[], number, RegExp][] = [
      [['export', ...dir, ...RANGE, '--format', 'pdf', '--out', target], 2, /--format: Invalid option/],
      [
        ['export', ...dir, '--from', '2026-05-02', '--to', '2026-05-01', '--format', 'csv-de', '--out', target],
        2,
        /--to: the range ends before it starts/,
      ],
      [
        ['export', ...dir, '--from', '2026-02-30', '--to', '2026-03-01', '--format', 'csv-de', '--out', target],
        2,
        /--from: /,
      ],
      [['export', ...dir, ...RANGE, '--format', 'csv-de'], 2, /--out: expected the file to write/],
      [
        ['export', ...dir, ...RANGE, '--format', 'csv-de', '--identified', '--out', target],
        2,
        /--reason: an identified export needs a reason/,
      ],
      [
        ['export', ...dir, ...RANGE, '--format', 'csv-de', '--identified', '--reason', 'Prüfung', '--out', target],
        1,
        /Only a team lead/,
      ],
      [
        ['export', ...dir, ...RANGE, '--format', 'csv-de', '--out', join(target, 'below-a-file.csv')],
        1,
        /cannot write the export to .*the folder .*x\.csv cannot be created \(a part of the path is a file, not a folder\); nothing was written/,
      ],
      // Node's own recursive mkdir would spin here for ever; the console names the folder and stops.
      [
        ['export', ...dir, ...RANGE, '--format', 'csv-de', '--out', '/proc/forbidden/x.csv'],
        1,
        /cannot write the export to \/proc\/forbidden\/x\.csv: the folder \/proc\/forbidden cannot be created \(the system refuses to create it there\); nothing was written/,
      ],
      [
        [
          ...['export', ...dir, ...RANGE, '--format', 'csv-de', '--identified', '--reason', 'Prüfung'],
          '--policy',
          policy,
          '--out',
          target,
        ],
        1,
        /checks the team-lead role against the machine policy only/,
      ],
      [
        ['export', ...dir, ...RANGE, '--format', 'csv-de', '--reason', 'Prüfung', '--out', target],
        2,
        /--reason: only an identified export/,
      ],
      [['report', 'kpi', ...dir, ...RANGE, '--format', 'pdf'], 2, /--format: expected json or xlsx/],
      [['report', 'kpi', ...dir, ...RANGE, '--format', 'xlsx'], 2, /--out: an xlsx report needs a file/],
      [
        ['report', 'kpi', '--input', join(out, 'nothing.csv'), ...RANGE, '--format', 'json'],
        1,
        /nothing\.csv: no such file/,
      ],
    ];
    await writeFile(target, 'in the way');
    for (const [args, code, message] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout, args.join(' ')).toBe('');
    }
    expect(await readdir(out)).toEqual(['x.csv']);
    expect(await readFile(target, 'utf8')).toBe('in the way');
    expect(auditRows(data).filter((entry) => entry.action === 'export')).toEqual([]);
  }, 120_000);
});
