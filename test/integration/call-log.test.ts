import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_LOG_FILE, CallLog, KEY_CHECK_FILE } from '../../src/main/calllog/call-log';
import { DATABASE_KEY_SECRET } from '../../src/main/calllog/database-key';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { testSecrets } from '../support/secrets';
import { newInboundCall, newOutboundCall, transition, type CallEvent } from '../../src/main/telephony/call-state';
import type { CallSnapshot } from '../../src/shared/calls';
import type { CallRecord } from '../../src/shared/contract/calllog';
import { kamailioRequirement } from '../lab/kamailio';
import { sippRequirement } from '../lab/sipp';
import { callEvent, cleanUpCallLab, expectCompleted, lab, registeredAgent, sipp } from '../support/calls';
import { recordingLogger } from '../support/logs';
import { openRaw } from '../support/sqlcipher-pages';
import { tempDir } from '../support/temp';

/** The call log on real, encrypted database files in temporary directories. */
const logs: CallLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

const erika = { number: '+49 30 1234567', name: 'Erika Mustermann', anonymous: false };

async function openLog(dataDir: string, options: { env?: NodeJS.ProcessEnv; now?: () => number } = {}) {
  const log = await CallLog.open({
    dataDir,
    secrets: testSecrets(dataDir),
    env: options.env ?? {},
    clock: { now: options.now ?? (() => Date.now()) },
    log: recordingLogger(),
  });
  logs.push(log);
  return log;
}

function step(call: CallSnapshot, event: CallEvent, at: number): CallSnapshot {
  const result = transition(call, event, at);
  if (!result.ok) throw new Error(result.reason);
  return result.state;
}

const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('the call log database', () => {
  it('is created encrypted with a new key in the secret store; no file holds a caller’s name or number', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    expect(log.status).toEqual({ state: 'open', calls: 0 });
    // In the secret store (here, without a keystore, the state folder's file), never beside the data.
    expect(await testSecrets(dataDir).get(DATABASE_KEY_SECRET)).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
    expect(existsSync(join(dataDir, KEY_CHECK_FILE))).toBe(true);

    let call = newInboundCall('call-1', erika, 1_000, 'HL-07');
    await log.record(call);
    call = step(call, { type: 'answer' }, 3_000);
    await log.record(call);
    call = step(call, { type: 'hangup', by: 'remote' }, 63_000);
    await log.record(call);
    await log.saveIntake(
      'call-1',
      DEFAULT_INTAKE_FORM,
      { callType: 'data_call', name: 'Erika Mustermann', postcode: '51147', city: 'Wesseling', note: 'Schüttelfrost' },
      { submit: false },
    );

    const files = (await readdir(dataDir)).filter((name) => name.startsWith(CALL_LOG_FILE));
    expect(files).toEqual(expect.arrayContaining([CALL_LOG_FILE, `${CALL_LOG_FILE}-wal`]));
    // Health data: readable by the agent's account only.
    for (const name of files) expect((await stat(join(dataDir, name))).mode & 0o777, name).toBe(0o600);
    for (const name of files) {
      const bytes = await readFile(join(dataDir, name));
      for (const secret of ['Erika', 'Mustermann', '1234567', 'HL-07', '51147', 'Wesseling', 'ttelfrost', 'schuttel'])
        expect(bytes.includes(secret), `${name}: ${secret}`).toBe(false);
    }
    // Without the key, SQLite sees no database at all.
    const plain = new Database(join(dataDir, CALL_LOG_FILE), { readonly: true });
    expect(() => plain.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
    plain.close();
  });

  it('writes a call when it starts ringing and updates it as it goes on; it survives a reopen', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    const changes: string[] = [];
    log.onChange((record) => changes.push(`${record.id}:${record.outcome ?? 'open'}`));
    let call = newInboundCall('call-1', erika, 1_000, 'HL-07');
    await log.record(call);
    expect(log.get('call-1')).toMatchObject({ outcome: null, answeredAt: null, remote: erika, agentCode: 'HL-07' });
    call = step(call, { type: 'answer' }, 3_000);
    call = step(call, { type: 'hold' }, 10_000);
    call = step(call, { type: 'resume' }, 15_000);
    await log.record(call);
    call = step(call, { type: 'hangup', by: 'local' }, 63_000);
    await log.record(call);
    await log.recordQuality('call-1', { rttMs: 40, jitterMs: 5, lossPercent: 0.5, mos: 4.3, packetsReceived: 3000 });
    expect(changes).toEqual(['call-1:open', 'call-1:open', 'call-1:answered', 'call-1:answered']);
    await log.close();

    const again = await openLog(dataDir);
    expect(again.status).toEqual({ state: 'open', calls: 1 });
    expect(again.get('call-1')).toMatchObject({
      direction: 'inbound',
      startedAt: 1_000,
      answeredAt: 3_000,
      endedAt: 63_000,
      holdMs: 5_000,
      talkMs: 55_000,
      outcome: 'answered',
      endedBy: 'local',
      quality: { rttMs: 40, jitterMs: 5, lossPercent: 0.5, mos: 4.3, packetsReceived: 3000 },
    });
    expect(() => again.get('nope')).toThrow(/There is no call nope/);
  });

  it('closes calls a crash left open as interrupted, with what is known', async () => {
    const dataDir = await tempDir();
    let clock = 5_000;
    const log = await openLog(dataDir, { now: () => clock });
    const talking = step(newInboundCall('talking', erika, 1_000), { type: 'answer' }, 2_000);
    await log.record(talking);
    await log.record(newOutboundCall('dialling', { number: '112', name: null, anonymous: false }, 4_000));
    await log.close();

    clock = 99_000;
    const again = await openLog(dataDir, { now: () => clock });
    expect(again.get('talking')).toMatchObject({ outcome: 'interrupted', endedAt: 5_000, talkMs: 3_000 });
    expect(again.get('dialling')).toMatchObject({ outcome: 'interrupted', endedAt: 5_000, talkMs: null });
  });

  it('with the wrong key says so, and leaves the file exactly as it was', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    await log.record(newInboundCall('call-1', erika, 1_000));
    await log.close();
    const file = join(dataDir, CALL_LOG_FILE);
    const before = await sha(file);
    const wrong = await openLog(dataDir, { env: { HOTLINE_DESK_DB_KEY: randomBytes(32).toString('hex') } });
    expect(wrong.status).toEqual({ state: 'wrong_key' });
    expect(await sha(file)).toBe(before);
    expect((await readdir(dataDir)).filter((name) => name.includes('unreadable'))).toEqual([]);
    await expect(wrong.list({ search: '', outcomes: [] }, undefined, 10)).rejects.toThrow(/not open/);
  });

  it('a new log replaces the key check left by a log that is gone (support deleted it with its key)', async () => {
    const dataDir = await tempDir();
    await (await openLog(dataDir)).close();
    await testSecrets(dataDir).delete(DATABASE_KEY_SECRET);
    await rm(join(dataDir, CALL_LOG_FILE));
    expect((await openLog(dataDir)).status).toEqual({ state: 'open', calls: 0 });
    expect((await openLog(dataDir)).status).toEqual({ state: 'open', calls: 0 });
  });

  it('never makes a new key for a log whose key is gone: that would look like a damaged file', async () => {
    const dataDir = await tempDir();
    await (await openLog(dataDir)).close();
    await testSecrets(dataDir).delete(DATABASE_KEY_SECRET);
    const log = await openLog(dataDir);
    expect(log.status).toEqual({ state: 'wrong_key' });
    expect(await testSecrets(dataDir).get(DATABASE_KEY_SECRET)).toBeNull();
  });

  it('a damaged file (the key fits) is moved aside, never overwriting, and a fresh log can be started', async () => {
    const dataDir = await tempDir();
    await (await openLog(dataDir)).close();
    const file = join(dataDir, CALL_LOG_FILE);
    const garbage = randomBytes(8192);
    await writeFile(file, garbage);
    const at = Date.UTC(2026, 10, 28, 12, 0, 0);
    // Something already has the name it would move to: it must not be replaced.
    const taken = `${file}.unreadable-2026-11-28T12-00-00-000Z`;
    await writeFile(taken, 'not mine');

    const log = await openLog(dataDir, { now: () => at });
    expect(log.status).toEqual({ state: 'corrupt', movedTo: `${taken}-2` });
    expect(await readFile(taken, 'utf8')).toBe('not mine');
    expect((await readFile(`${taken}-2`)).equals(garbage)).toBe(true);
    expect(existsSync(file)).toBe(false);

    expect(await log.startFresh()).toEqual({ state: 'open', calls: 0 });
    await log.record(newInboundCall('call-1', erika, 1_000));
    expect((await log.list({ search: '', outcomes: [] }, undefined, 10)).rows).toHaveLength(1);
  });

  it('refuses a log written by a newer version, and leaves it alone', async () => {
    const dataDir = await tempDir();
    const secrets = testSecrets(dataDir);
    await (await openLog(dataDir)).close();
    const key = (await secrets.get(DATABASE_KEY_SECRET))!;
    const db = openRaw(join(dataDir, CALL_LOG_FILE), key);
    db.pragma('user_version = 99');
    db.close();
    const before = await sha(join(dataDir, CALL_LOG_FILE));
    const log = await openLog(dataDir);
    expect(log.status).toEqual({ state: 'newer_version', version: 99 });
    expect(await sha(join(dataDir, CALL_LOG_FILE))).toBe(before);
  });

  it('takes a key from HOTLINE_DESK_DB_KEY, and names what is wrong with a bad one; the app goes on', async () => {
    const dataDir = await tempDir();
    const key = randomBytes(32).toString('hex');
    const log = await openLog(dataDir, { env: { HOTLINE_DESK_DB_KEY: key } });
    expect(log.status.state).toBe('open');
    expect(await testSecrets(dataDir).get(DATABASE_KEY_SECRET)).toBeNull();
    await log.close();
    const bad = await openLog(await tempDir(), { env: { HOTLINE_DESK_DB_KEY: 'secret' } });
    expect(bad.status).toEqual({
      state: 'unavailable',
      reason: 'HOTLINE_DESK_DB_KEY: expected 64 hexadecimal digits (a 256-bit key)',
    });
  });

  it('lists newest first in pages, and searches by name prefix, number digits, day and outcome', async () => {
    const log = await openLog(await tempDir());
    const day = (d: number, hour: number) => new Date(2026, 10, d, hour).getTime();
    const people = [
      { id: 'a', name: 'Erika Mustermann', number: '+49 30 1234567', at: day(2, 9), outcome: 'answered' },
      { id: 'b', name: 'erich Kästner', number: '0301234999', at: day(3, 10), outcome: 'missed' },
      { id: 'c', name: 'Max Mustermann', number: '040 555 12', at: day(3, 11), outcome: 'answered' },
      { id: 'd', name: null, number: null, at: day(4, 8), outcome: 'missed' },
    ] as const;
    for (const person of people) {
      let call = newInboundCall(
        person.id,
        { number: person.number, name: person.name, anonymous: person.number === null },
        person.at,
      );
      call =
        person.outcome === 'answered'
          ? step(step(call, { type: 'answer' }, person.at + 1), { type: 'hangup', by: 'remote' }, person.at + 2)
          : step(call, { type: 'cancelled' }, person.at + 1);
      await log.record(call);
    }
    const ids = async (query: Partial<Parameters<CallLog['list']>[0]>) =>
      (await log.list({ search: '', outcomes: [], ...query }, undefined, 50)).rows.map((row) => row.id);

    expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
    expect(await ids({ search: 'ERI' })).toEqual(['b', 'a']);
    // The last name finds the caller too, and German letters fold like ASCII ones.
    expect(await ids({ search: 'Mustermann' })).toEqual(['c', 'a']);
    expect(await ids({ search: 'KÄSTNER' })).toEqual(['b']);
    expect(await ids({ search: 'erich kä' })).toEqual(['b']);
    // Numbers match in any usual form: +49 30…, 030…, 0049 30… are the same number.
    expect(await ids({ search: '+49 30 1234' })).toEqual(['b', 'a']);
    expect(await ids({ search: '030 1234 5' })).toEqual(['a']);
    expect(await ids({ search: '0049 40 555' })).toEqual(['c']);
    expect(await ids({ search: '030 1234', outcomes: ['missed'] })).toEqual(['b']);
    expect(await ids({ outcomes: ['missed'] })).toEqual(['d', 'b']);
    expect(await ids({ from: '2026-11-03', to: '2026-11-03' })).toEqual(['c', 'b']);
    expect(await ids({ from: '2026-11-03', outcomes: ['answered'] })).toEqual(['c']);

    const seen: string[] = [];
    let after: { startedAt: number; id: string } | undefined;
    for (;;) {
      const page = await log.list({ search: '', outcomes: [] }, after, 3);
      seen.push(...page.rows.map((row) => row.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)('calls reach the log from the call events', () => {
  afterEach(cleanUpCallLab);

  it('an answered call and a missed one, with the agent, times, outcome and quality', async () => {
    const kamailio = await lab();
    const { app, calls } = await registeredAgent(kamailio.wsUrl, '1001');
    // No after-call work: the second call must ring, not be declined.
    await app.dispatch('settings.update', { key: 'calls.wrapUpSeconds', value: 0 }, { clientId: 'test' });
    const logged: CallRecord[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'calllog.changed') logged.push(payload as CallRecord);
    });
    const answered = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    // The row is there as soon as it rings.
    await expect.poll(() => logged.some((row) => row.id === ringing.id && row.outcome === null)).toBe(true);
    await app.dispatch('calls.answer', { callId: ringing.id }, { clientId: 'test' });
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'ended');
    await expectCompleted(answered);
    app.telephony.calls.recordQuality(ringing.id, {
      rttMs: 12,
      jitterMs: 3,
      lossPercent: 0,
      mos: 4.4,
      packetsReceived: 250,
    });

    const missed = await sipp('caller-cancel.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    await expectCompleted(missed);
    await callEvent(calls, (call) => call.id !== ringing.id && call.phase === 'ended');

    // Written by the log's worker: wait until both are committed.
    const list = async (): Promise<CallRecord[]> => {
      const page = await app.dispatch('calllog.list', {}, { clientId: 'test' });
      return page.ok ? (page.value as { rows: CallRecord[] }).rows : [];
    };
    await expect
      .poll(async () => (await list()).map((row) => [row.outcome, row.quality?.mos ?? null]))
      .toEqual([
        ['missed', null],
        ['answered', 4.4],
      ]);
    const rows = await list();
    expect(rows[1]).toMatchObject({
      id: ringing.id,
      agentCode: 'A1001',
      remote: { number: '+4930123456', name: 'Erika Mustermann' },
      endedBy: 'remote',
      quality: { mos: 4.4, packetsReceived: 250 },
    });
    expect(rows[1]!.talkMs).toBeGreaterThan(0);
    expect(await app.dispatch('calllog.status', {}, { clientId: 'test' })).toEqual({
      ok: true,
      value: { state: 'open', calls: 2 },
    });
    expect(await app.dispatch('calllog.get', { id: 'no-such-call' }, { clientId: 'test' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('a call still up when the app quits is logged as ended then, not left for the crash closure', async () => {
    const kamailio = await lab();
    const { app, calls } = await registeredAgent(kamailio.wsUrl, '1001');
    await sipp('caller-recover.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await app.dispatch('calls.answer', { callId: ringing.id }, { clientId: 'test' });
    const dataDir = app.ports.paths.dataDir;
    await app.close();

    const log = await openLog(dataDir);
    const row = log.get(ringing.id);
    expect(row.outcome).toBe('answered');
    expect(row.endedBy).toBe('local');
    expect(row.endedAt).not.toBeNull();
  });
});
