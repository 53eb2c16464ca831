import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_LOG_FILE, CallLog } from '../../src/main/calllog/call-log';
import { nameKey, nameKeyLastFirst } from '../../src/main/calllog/names';
import { DATABASE_KEY_SECRET } from '../../src/main/calllog/database-key';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { testSecrets } from '../support/secrets';
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

/** What the agent typed into the old calls' intakes: names, a mobile number and a note (searchable). */
const OLD_INTAKES = [
  { name: 'Waltraud Purgemeier', phone: '0162 4443332', note: 'Schüttelfrost seit Dienstag, Enkel Quarantäne' },
  { name: 'Gottfried Vergessmann', phone: '0157 8889990', note: 'Geschmacksverlust nach Kegelabend' },
];

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
    secrets: testSecrets(dataDir),
    env: {},
    clock: { now: () => NOW },
    log: recordingLogger(),
    agentCode: () => 'HL-07',
  });
  logs.push(log);
  return log;
}

async function keyOf(dataDir: string): Promise<string> {
  return (await testSecrets(dataDir).get(DATABASE_KEY_SECRET))!;
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
    for (const [i, intake] of OLD_INTAKES.entries()) {
      await log.saveIntake(
        `old-${i}`,
        DEFAULT_INTAKE_FORM,
        {
          callType: 'data_call',
          ...intake,
          symptoms: ['fever'],
          symptomOnset: '2026-10-10',
          triage: 'see_gp',
          privacyNotice: 'yes',
        },
        { submit: true },
      );
    }
    await log.saveIntake(
      'recent',
      DEFAULT_INTAKE_FORM,
      { callType: 'data_call', name: RECENT.name, note: 'Bleibtreunotiz' },
      { submit: false },
    );
    const key = await keyOf(dataDir);
    const file = join(dataDir, CALL_LOG_FILE);
    // They are there (and the scan reads them) before the purge.
    await log.purge(3_650);
    expect(plaintextFound(decryptedPages(file, key), [OLD_CALLERS[0]!.name, 'Kegelabend'])).toEqual([
      OLD_CALLERS[0]!.name,
      'Kegelabend',
    ]);
    expect((await log.list({ search: 'Kegelabend', outcomes: [] }, undefined, 10)).rows.map((row) => row.id)).toEqual([
      'old-1',
    ]);
    // The full-text index's own copy (folded: only it has "schuttelfrost") is on disk too.
    expect(plaintextFound(decryptedPages(file, key), ['schuttelfrost', 'geschmacksverlust'])).toEqual([
      'schuttelfrost',
      'geschmacksverlust',
    ]);

    expect(await log.purge(28)).toBe(2);
    const old = log.get('old-0');
    expect(old.remote).toEqual({ number: null, name: null, anonymous: false });
    // The anonymous row stays for statistics.
    expect(old).toMatchObject({ outcome: 'answered', talkMs: 60_000, agentCode: 'HL-07', direction: 'inbound' });
    expect(log.get('recent').remote).toMatchObject(RECENT);
    // Not findable any more, by name or by number.
    expect((await log.list({ search: 'Waltraud', outcomes: [] }, undefined, 10)).rows).toEqual([]);
    expect((await log.list({ search: '0351 765', outcomes: [] }, undefined, 10)).rows).toEqual([]);
    // Nor by what the intake held; its answers tagged neither personal nor health stay.
    expect((await log.list({ search: 'Kegelabend', outcomes: [] }, undefined, 10)).rows).toEqual([]);
    expect((await log.list({ search: '0157 888', outcomes: [] }, undefined, 10)).rows).toEqual([]);
    const intake = await log.getIntake('old-1');
    expect(intake).toMatchObject({
      state: 'submitted',
      purgedAt: NOW,
      values: { callType: 'data_call', privacyNotice: 'yes' },
    });
    expect(Object.keys(intake!.values).sort()).toEqual(['callType', 'privacyNotice']);
    expect(old.disposition).toBe('data_call');
    expect((await log.getIntake('recent'))?.values.note).toBe('Bleibtreunotiz');
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
    // The intakes' answers, as typed and as normalized, and the full-text index's terms of them
    // (lower case, umlauts folded: "schuttelfrost").
    for (const intake of OLD_INTAKES) {
      const digits = `49${intake.phone.replace(/\D/g, '').slice(1)}`;
      erased.push(
        intake.note,
        `+${digits}`,
        digits,
        ...intake.note
          .toLowerCase()
          .normalize('NFD')
          .replace(/\p{M}/gu, '')
          .split(/[^a-z]+/)
          .filter((word) => word.length > 5),
      );
    }
    erased.push('2026-10-10');
    expect(plaintextFound(pages, erased)).toEqual([]);
    expect(plaintextFound(pages, [RECENT.name, 'Bleibtreunotiz'])).toEqual([RECENT.name, 'Bleibtreunotiz']);

    const db = openRaw(file, key, { readonly: true });
    const purges = db.prepare("SELECT record, fields FROM audit WHERE action = 'purge' ORDER BY seq").all();
    db.close();
    expect(purges).toHaveLength(3);
    expect(purges[1]).toEqual({
      record: `calls:started-before:${new Date(NOW - 28 * DAY).toISOString()}`,
      fields: '["remote_number","remote_name","intake.personal","intake.health","intake.search"]',
    });
  });

  it('an intake an older version stored under a re-tagged form keeps, once erased, only coded answers, on disk too', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    await log.record(ended('retagged', OLD_CALLERS[0]!, NOW - 40 * DAY));
    await log.close();
    // As a version-8 console wrote it after an agent re-tagged every field "none": the answers sat
    // with the anonymous ones, where erasure did not reach.
    const leaked = {
      callType: 'data_call',
      name: 'Erika Retagmann',
      street: 'Umgehungsstraße 17',
      note: 'Diagnose Pseudokrupp',
      triage: 'see_gp',
      privacyNotice: 'yes',
    };
    const key = await keyOf(dataDir);
    const file = join(dataDir, CALL_LOG_FILE);
    const raw = openRaw(file, key);
    raw
      .prepare(
        `INSERT INTO intakes (call_id, started_at, form_id, form_version, state, personal_json, other_json, problems_json,
           created_at, updated_at)
         VALUES ('retagged', ?, 'public-health', 1, 'submitted', '{}', ?, '[]', ?, ?)`,
      )
      .run(NOW - 40 * DAY, JSON.stringify(leaked), NOW - 40 * DAY, NOW - 40 * DAY);
    raw.close();

    const reopened = await openLog(dataDir);
    expect(await reopened.purge(28)).toBe(1);
    const intake = await reopened.getIntake('retagged');
    expect(intake).toMatchObject({ purgedAt: NOW, values: { callType: 'data_call', privacyNotice: 'yes' } });
    expect(Object.keys(intake!.values).sort()).toEqual(['callType', 'privacyNotice']);
    await reopened.close();
    expect(plaintextFound(decryptedPages(file, key), ['Erika Retagmann', 'Umgehungsstraße', 'Pseudokrupp'])).toEqual(
      [],
    );
  });
});
