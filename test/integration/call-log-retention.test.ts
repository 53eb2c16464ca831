import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_LOG_FILE, CallLog } from '../../src/main/calllog/call-log';
import { nameKey, nameKeyLastFirst } from '../../src/main/calllog/names';
import { DATABASE_KEY_SECRET } from '../../src/main/calllog/database-key';
import { FileSecretStore } from '../../src/main/host/node-ports';
import { newInboundCall, transition } from '../../src/main/telephony/call-state';
import type { CallSnapshot } from '../../src/shared/calls';
import { recordingLogger } from '../support/logs';
import { decryptedPages, openRaw, plaintextFound } from '../support/sqlcipher-pages';
import { tempDir } from '../support/temp';

/**
 * Retention on real encrypted files. "Gone" is checked on the disk itself: after the purge every
 * page of the file is decrypted by the test (free pages too) and searched for the erased values.
 */
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12);
const logs: CallLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

const OLD_CALLERS = [
  { name: 'Waltraud Purgemeier', number: '+49 351 7654321' },
  { name: 'Gottfried Vergessmann', number: '+49 176 99887766' },
];
const RECENT = { name: 'Henriette Bleibtreu', number: '+49 40 5550123' };

function ended(id: string, remote: { name: string; number: string }, startedAt: number): CallSnapshot {
  const ringing = newInboundCall(id, { ...remote, anonymous: false }, startedAt, 'HL-07');
  const answered = transition(ringing, { type: 'answer' }, startedAt + 5_000);
  if (!answered.ok) throw new Error(answered.reason);
  const done = transition(answered.state, { type: 'hangup', by: 'remote' }, startedAt + 65_000);
  if (!done.ok) throw new Error(done.reason);
  return done.state;
}

async function openLog(dataDir: string): Promise<CallLog> {
  const log = await CallLog.open({
    dataDir,
    secrets: new FileSecretStore(dataDir),
    env: {},
    clock: { now: () => NOW },
    log: recordingLogger(),
    agentCode: () => 'HL-07',
  });
  logs.push(log);
  return log;
}

async function keyOf(dataDir: string): Promise<string> {
  return (await new FileSecretStore(dataDir).get(DATABASE_KEY_SECRET))!;
}

describe('retention', () => {
  it('control: without secure_delete, values set to NULL are still on the disk (the scan can find them)', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    for (const [i, caller] of OLD_CALLERS.entries()) await log.record(ended(`old-${i}`, caller, NOW - 40 * DAY));
    await log.close();

    const key = await keyOf(dataDir);
    const file = join(dataDir, CALL_LOG_FILE);
    const db = openRaw(file, key);
    db.pragma('secure_delete = OFF');
    db.prepare('UPDATE calls SET remote_name = NULL, remote_number = NULL, number_digits = NULL').run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const needles = OLD_CALLERS.flatMap((caller) => [caller.name, caller.number]);
    expect(plaintextFound(decryptedPages(file, key), needles).length).toBeGreaterThan(0);
  });

  it('erases the personal fields of calls older than N days, keeps the anonymous rows, audits the run, and leaves no trace on disk', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    for (const [i, caller] of OLD_CALLERS.entries()) await log.record(ended(`old-${i}`, caller, NOW - 40 * DAY));
    await log.record(ended('recent', RECENT, NOW - 2 * DAY));
    const key = await keyOf(dataDir);
    const file = join(dataDir, CALL_LOG_FILE);
    // They are there (and the scan reads them) before the purge.
    await log.purge(3_650);
    expect(plaintextFound(decryptedPages(file, key), [OLD_CALLERS[0]!.name])).toEqual([OLD_CALLERS[0]!.name]);

    expect(await log.purge(28)).toBe(2);
    const old = log.get('old-0');
    expect(old.remote).toEqual({ number: null, name: null, anonymous: false });
    // The anonymous row stays for statistics.
    expect(old).toMatchObject({ outcome: 'answered', talkMs: 60_000, agentCode: 'HL-07', direction: 'inbound' });
    expect(log.get('recent').remote).toMatchObject(RECENT);
    // Not findable any more, by name or by number.
    expect(log.list({ search: 'Waltraud', outcomes: [] }, undefined, 10).rows).toEqual([]);
    expect(log.list({ search: '0351 765', outcomes: [] }, undefined, 10).rows).toEqual([]);
    // A second run finds nothing more, and is audited too.
    expect(await log.purge(28)).toBe(0);
    expect(log.verifyAudit()).toMatchObject({ ok: true });
    await log.close();

    const pages = decryptedPages(file, key);
    // Every form they were stored in: as given, digits only, and the lower-case search keys.
    const erased = OLD_CALLERS.flatMap((caller) => [
      caller.name,
      caller.number,
      caller.number.replace(/\D/g, ''),
      nameKey(caller.name),
      nameKeyLastFirst(caller.name),
    ]);
    expect(plaintextFound(pages, erased)).toEqual([]);
    expect(plaintextFound(pages, [RECENT.name])).toEqual([RECENT.name]);

    const db = openRaw(file, key, { readonly: true });
    const purges = db.prepare("SELECT record, fields FROM audit WHERE action = 'purge' ORDER BY seq").all();
    db.close();
    expect(purges).toHaveLength(3);
    expect(purges[1]).toEqual({
      record: `calls:started-before:${new Date(NOW - 28 * DAY).toISOString()}`,
      fields: '["remote_number","remote_name"]',
    });
  });
});
