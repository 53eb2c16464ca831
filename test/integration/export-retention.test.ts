import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallLog } from '../../src/main/calllog/call-log';
import { testSecrets } from '../support/secrets';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { ReportsService } from '../../src/main/reports/reports-service';
import { runReportJobHere } from '../../src/main/reports/run-here';
import { defaultSettings, type SettingKey, type SettingValue } from '../../src/shared/settings';
import { auditRows, callLogData } from '../support/call-log-data';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

/**
 * An export holds the same calls as the log: the console removes its own export files
 * `retention.days` after it wrote them, on real files, audited, and leaves alone what is no longer
 * its own (a file moved away or changed).
 */
const DAY = 86_400_000;
const logs: CallLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

describe('retention of the console’s own export files', () => {
  it('removes each export retention.days after it was written, audited; a moved or changed file is left', async () => {
    const data = await callLogData({ seed: { count: 50, seed: 3, days: 10 } });
    let now = Date.now();
    const clock = { now: () => now };
    const log = await CallLog.open({
      dataDir: data.dataDir,
      secrets: testSecrets(data.dataDir),
      env: {},
      clock,
      log: recordingLogger(),
      writerWorker: false,
      integrityCheck: false,
    });
    logs.push(log);
    const values = defaultSettings();
    const exportsDir = await tempDir();
    const reports = new ReportsService({
      callLog: log,
      settings: { get: <K extends SettingKey>(key: K) => values[key] as SettingValue<K> },
      form: () => DEFAULT_INTAKE_FORM,
      isTeamLead: async () => false,
      defaultDirectory: exportsDir,
      clock,
      log: recordingLogger(),
      progress: () => undefined,
      runJob: runReportJobHere,
    });
    const range = { from: '2020-01-01', to: '2030-12-31' };
    const write = async () =>
      (await reports.export({ range, format: 'csv-iso', identified: false, filter: { outcomes: [] } })).file;
    const kept = await write();
    const changed = await write();
    const moved = await write();
    await writeFile(changed, `${await readFile(changed, 'utf8')}edited by hand\n`);
    await rename(moved, join(await tempDir(), 'elsewhere.csv'));
    now += DAY / 2;
    const younger = await write();

    // Not yet: a day's retention has not passed for any of them.
    expect(await reports.removeExpiredExports(1)).toEqual({ removed: 0, missing: 0, changed: 0 });
    now += DAY;
    expect(await reports.removeExpiredExports(1)).toEqual({ removed: 1, missing: 1, changed: 1 });
    expect(existsSync(kept)).toBe(false);
    expect(existsSync(changed)).toBe(true);
    expect(existsSync(younger)).toBe(true);
    // Each file is dealt with once.
    expect(await reports.removeExpiredExports(1)).toEqual({ removed: 0, missing: 0, changed: 0 });
    now += DAY;
    expect(await reports.removeExpiredExports(1)).toEqual({ removed: 1, missing: 0, changed: 0 });
    expect(existsSync(younger)).toBe(false);
    await log.close();

    const erasures = auditRows(data).filter((entry) => entry.action === 'erase');
    expect(erasures.map((entry) => entry.details)).toEqual([
      expect.objectContaining({ target: kept, days: 1 }),
      expect.objectContaining({ target: younger, days: 1 }),
    ]);
  });
});
