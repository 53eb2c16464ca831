import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CALL_LOG_FILE, CallLog } from '../../src/main/calllog/call-log';
import { testSecrets } from '../support/secrets';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { subjectExport } from '../../src/main/privacy/subject-export';
import { newInboundCall, transition } from '../../src/main/telephony/call-state';
import type { CallSnapshot } from '../../src/shared/calls';
import type { IntakeValues } from '../../src/shared/intake/form';
import { kamailioRequirement } from '../lab/kamailio';
import { sippRequirement } from '../lab/sipp';
import { callEvent, cleanUpCallLab, expectCompleted, lab, registeredAgent, sipp } from '../support/calls';
import { recordingLogger } from '../support/logs';
import vaccinationLine from '../fixtures/intake/vaccination-line.json';
import { openRaw } from '../support/sqlcipher-pages';
import { tempDir } from '../support/temp';

/** Intake records in the real, encrypted call log: drafts, submission, search, data-subject requests. */
const DAY = 86_400_000;
const NOW = new Date(2026, 10, 28, 12).getTime();
const form = DEFAULT_INTAKE_FORM;
const logs: CallLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

async function openLog(dataDir: string, now = () => NOW): Promise<CallLog> {
  const log = await CallLog.open({
    dataDir,
    secrets: testSecrets(dataDir),
    env: {},
    clock: { now },
    log: recordingLogger(),
    agentCode: () => 'HL-07',
  });
  logs.push(log);
  return log;
}

function answered(id: string, remote: { name: string | null; number: string | null }, startedAt: number): CallSnapshot {
  const ringing = newInboundCall(id, { ...remote, anonymous: false }, startedAt, 'HL-07');
  const up = transition(ringing, { type: 'answer' }, startedAt + 4_000);
  if (!up.ok) throw new Error(up.reason);
  const done = transition(up.state, { type: 'hangup', by: 'remote' }, startedAt + 64_000);
  if (!done.ok) throw new Error(done.reason);
  return done.state;
}

const complete: IntakeValues = {
  callType: 'data_call',
  name: 'Erika Mustermann',
  birthDate: '1964-08-12',
  phone: '0221 987654',
  postcode: '51147',
  city: 'Köln',
  symptoms: ['fever'],
  symptomOnset: '2026-11-26',
  triage: 'self_isolation',
  note: 'Fieber seit Donnerstag, Tochter ebenfalls krank',
  privacyNotice: 'yes',
};

function auditRows(dataDir: string, key: string) {
  const db = openRaw(join(dataDir, CALL_LOG_FILE), key, { readonly: true });
  try {
    return db.prepare('SELECT action, record, fields FROM audit ORDER BY seq').all() as {
      action: string;
      record: string;
      fields: string;
    }[];
  } finally {
    db.close();
  }
}

describe('intake records', () => {
  it('keep a draft with its problems flagged, survive a reopen, and are submitted only once valid', async () => {
    const dataDir = await tempDir();
    let log = await openLog(dataDir);
    await log.record(answered('c1', { name: 'Erika M.', number: '+49 221 987654' }, NOW - 60_000));

    // Half typed, with a wrong postcode: kept as entered, flagged.
    const draft = await log.saveIntake(
      'c1',
      form,
      { callType: 'data_call', name: 'Erika', postcode: '5114' },
      { submit: false },
    );
    expect(draft).toMatchObject({ state: 'draft', values: { callType: 'data_call', name: 'Erika', postcode: '5114' } });
    expect(draft.problems.map((problem) => `${problem.field}:${problem.code}`)).toEqual([
      'postcode:not_a_postcode',
      'triage:required',
      'privacyNotice:required',
    ]);
    expect(log.get('c1').intake).toBe('draft');
    expect(log.unfinishedIntakes()).toEqual([
      {
        callId: 'c1',
        remote: { number: '+49 221 987654', name: 'Erika M.', anonymous: false },
        startedAt: NOW - 60_000,
        updatedAt: NOW,
        problemCount: 3,
      },
    ]);

    // Asked to submit with problems: stays a draft, nothing lost.
    const refused = await log.saveIntake(
      'c1',
      form,
      { callType: 'data_call', name: 'Erika Mustermann', postcode: '5114' },
      { submit: true },
    );
    expect(refused.state).toBe('draft');
    expect(refused.values.name).toBe('Erika Mustermann');
    expect(log.get('c1').disposition).toBeNull();

    await log.close();
    log = await openLog(dataDir);
    expect((await log.getIntake('c1'))?.values).toEqual({
      callType: 'data_call',
      name: 'Erika Mustermann',
      postcode: '5114',
    });

    const submitted = await log.saveIntake('c1', form, complete, { submit: true });
    expect(submitted).toMatchObject({ state: 'submitted', submittedAt: NOW, problems: [] });
    expect(submitted.values.phone).toBe('+49221987654');
    expect(log.get('c1')).toMatchObject({ disposition: 'data_call', intake: 'submitted' });
    expect(log.unfinishedIntakes()).toEqual([]);
    await expect(log.saveIntake('c1', form, complete, { submit: false })).rejects.toMatchObject({ code: 'conflict' });
    await expect(log.saveIntake('nope', form, complete, { submit: false })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('a call that is not a data call keeps no personal answers, even ones typed before the call type changed', async () => {
    const log = await openLog(await tempDir());
    await log.record(answered('silent', { name: null, number: '+49 30 111222' }, NOW - 60_000));
    const record = await log.saveIntake(
      'silent',
      form,
      { callType: 'silent', name: 'typed by mistake', note: 'x' },
      { submit: true },
    );
    expect(record).toMatchObject({ state: 'submitted', values: { callType: 'silent' } });
    expect(log.get('silent').disposition).toBe('silent');
  });

  it('are found from the call log by note words, by the intake’s name and by its phone number', async () => {
    const log = await openLog(await tempDir());
    await log.record(answered('c1', { name: null, number: '+49 221 987654' }, NOW - 60_000));
    await log.record(answered('c2', { name: 'Max Muster', number: '+49 30 5550000' }, NOW - 30_000));
    await log.saveIntake('c1', form, { ...complete, phone: '0171 2223334' }, { submit: false });
    const ids = async (search: string) =>
      (await log.list({ search, outcomes: [] }, undefined, 10)).rows.map((row) => row.id);
    expect(await ids('donnerst')).toEqual(['c1']);
    expect(await ids('Tochter krank')).toEqual(['c1']);
    expect(await ids('mustermann')).toEqual(['c1']);
    expect(await ids('Muster')).toEqual(['c2', 'c1']);
    expect(await ids('0171 222')).toEqual(['c1']);
    expect(await ids('030 555')).toEqual(['c2']);
    expect(await ids('Husten')).toEqual([]);
    // What the agent types is words, never FTS syntax.
    expect(await ids('"fieber" OR NEAR(')).toEqual([]);
    expect(await ids('fieber*')).toEqual(['c1']);
  });

  it('audit create, update, submit and every view of health data with field names only, never values', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    await log.record(answered('c1', { name: null, number: null }, NOW - 60_000));
    await log.saveIntake('c1', form, { callType: 'data_call', name: 'Erika Mustermann' }, { submit: false });
    await log.saveIntake('c1', form, { callType: 'data_call', name: 'Erika Mustermann' }, { submit: false });
    await log.saveIntake(
      'c1',
      form,
      { callType: 'data_call', name: 'Erika Mustermann', symptoms: ['cough'] },
      { submit: false },
    );
    await log.saveIntake('c1', form, complete, { submit: true });
    await log.getIntake('c1');
    const key = (await testSecrets(dataDir).get('calllog.key'))!;
    const rows = auditRows(dataDir, key).filter((row) => row.record === 'intake:c1');
    expect(rows).toEqual([
      { action: 'create', record: 'intake:c1', fields: '["state","callType","name"]' },
      // The unchanged second save is not an update.
      { action: 'update', record: 'intake:c1', fields: '["symptoms"]' },
      {
        action: 'update',
        record: 'intake:c1',
        fields: JSON.stringify([
          'state',
          'birthDate',
          'city',
          'note',
          'phone',
          'postcode',
          'privacyNotice',
          'symptomOnset',
          'symptoms',
          'triage',
        ]),
      },
      {
        action: 'view',
        record: 'intake:c1',
        fields: JSON.stringify([
          'name',
          'birthDate',
          'phone',
          'postcode',
          'city',
          'symptoms',
          'symptomOnset',
          'triage',
          'note',
        ]),
      },
    ]);
    const all = JSON.stringify(auditRows(dataDir, key));
    for (const value of ['Erika', 'Mustermann', '51147', 'Fieber', 'cough', '1964']) expect(all).not.toContain(value);
    expect(log.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('data-subject requests (GDPR Art. 15 and 17)', () => {
  it('find every record of one caller by number or name, export them for the caller, and erase them; each step audited', async () => {
    const dataDir = await tempDir();
    const log = await openLog(dataDir);
    // Erika called twice from her landline, once from a mobile she gave as her number in the intake.
    await log.record(answered('a', { name: 'Erika Mustermann', number: '+49 221 987654' }, NOW - 3 * DAY));
    await log.record(answered('b', { name: null, number: '0221 987654' }, NOW - 2 * DAY));
    await log.record(answered('c', { name: null, number: '+49 171 5556667' }, NOW - DAY));
    await log.record(answered('other', { name: 'Max Muster', number: '+49 30 5550000' }, NOW - DAY));
    await log.saveIntake('c', form, { ...complete, phone: '0221 987654' }, { submit: true });
    await log.saveIntake(
      'other',
      form,
      { ...complete, name: 'Max Muster', phone: '030 5550000', note: 'Erika kennt er nicht' },
      { submit: true },
    );

    const byNumber = await log.findSubject({ number: '0221 / 98 76 54' });
    expect(byNumber.map((record) => record.call.id)).toEqual(['c', 'b', 'a']);
    expect(byNumber[0]!.intake?.values.name).toBe('Erika Mustermann');
    const byName = await log.findSubject({ name: 'erika MUSTERMANN' });
    expect(byName.map((record) => record.call.id)).toEqual(['c', 'a']);
    expect(await log.findSubject({ number: '0221 98765' })).toEqual([]);

    const records = await log.exportSubject(['c', 'b', 'a']);
    const file = subjectExport(records, form, new Date(NOW));
    expect(file.fileName).toMatch(/^hotline-desk-auskunft-.*\.json$/);
    const exported = JSON.parse(file.text) as {
      records: { call: { id: string }; intake: { answers: unknown[] } | null }[];
    };
    expect(exported.records.map((record) => record.call.id)).toEqual(['c', 'b', 'a']);
    expect(exported.records[0]!.intake!.answers).toContainEqual({
      field: 'symptoms',
      label: { de: 'Symptome', en: 'Symptoms' },
      value: ['fever'],
      text: [{ de: 'Fieber', en: 'Fever' }],
    });

    expect(await log.eraseSubject(['c', 'b', 'a'])).toBe(3);
    for (const id of ['a', 'b', 'c'])
      expect(log.get(id).remote).toEqual({ number: null, name: null, anonymous: false });
    const erased = await log.getIntake('c');
    expect(erased).toMatchObject({
      state: 'submitted',
      values: { callType: 'data_call', privacyNotice: 'yes' },
      purgedAt: NOW,
    });
    expect(Object.keys(erased!.values)).toEqual(['callType', 'privacyNotice']);
    expect(await log.findSubject({ number: '0221 987654' })).toEqual([]);
    expect(await log.findSubject({ name: 'Erika Mustermann' })).toEqual([]);
    // The other caller is untouched, and his note mentioning "Erika" is no reason to erase it.
    expect((await log.getIntake('other'))?.values.name).toBe('Max Muster');
    await expect(log.saveIntake('c', form, complete, { submit: false })).rejects.toMatchObject({ code: 'conflict' });
    await expect(log.eraseSubject(['nope'])).rejects.toMatchObject({ code: 'not_found' });

    const key = (await testSecrets(dataDir).get('calllog.key'))!;
    const steps = auditRows(dataDir, key)
      .filter((row) => ['view', 'export', 'erase'].includes(row.action) && /^call:[abc]$/.test(row.record))
      .map((row) => `${row.action} ${row.record}`);
    expect(steps).toEqual([
      'view call:c',
      'view call:b',
      'view call:a',
      'view call:c',
      'view call:a',
      'export call:c',
      'export call:b',
      'export call:a',
      'erase call:c',
      'erase call:b',
      'erase call:a',
    ]);
    expect(log.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('the audit log’s own retention', () => {
  it('removes entries older than its limit from the front, keeps the chain verifiable from its anchor, and audits the removal', async () => {
    const dataDir = await tempDir();
    let now = NOW - 800 * DAY;
    const log = await openLog(dataDir, () => now);
    await log.audit('settings_change', 'setting:ui.language', ['ui.language']);
    await log.audit('export', 'sip-trace', ['messages']);
    now = NOW - 100 * DAY;
    await log.audit('view', 'intake:x', ['symptoms']);
    now = NOW;
    expect(await log.purgeAudit(730)).toBe(2);
    const check = log.verifyAudit();
    expect(check).toMatchObject({ ok: true, entries: 2 });
    const key = (await testSecrets(dataDir).get('calllog.key'))!;
    expect(auditRows(dataDir, key)).toEqual([
      { action: 'view', record: 'intake:x', fields: '["symptoms"]' },
      {
        action: 'purge',
        record: `audit:before:${new Date(NOW - 730 * DAY).toISOString()}`,
        fields: '["audit_entries"]',
      },
    ]);
    // Nothing old enough: nothing removed, and that run is audited as well.
    expect(await log.purgeAudit(730)).toBe(0);
    expect(log.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    // The chain goes on after the removal, also through a reopen.
    await log.close();
    const again = await openLog(dataDir);
    await again.audit('view', 'intake:y', ['note']);
    expect(again.verifyAudit()).toMatchObject({ ok: true, entries: 4 });

    // Removing an entry after the anchor breaks the chain, even for someone who drops the guard.
    await again.close();
    const db = openRaw(join(dataDir, CALL_LOG_FILE), key);
    db.exec('DROP TRIGGER audit_append_only_delete');
    db.prepare('DELETE FROM audit WHERE seq = (SELECT min(seq) FROM audit)').run();
    db.close();
    const reopened = await openLog(dataDir);
    expect(reopened.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringMatching(/is missing/) });
  });
});

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)('the intake beside a real call', () => {
  afterEach(cleanUpCallLab);
  const context = { clientId: 'test' };

  it('submitting the intake ends after-call work; the call log records the wrap-up time and the disposition', async () => {
    const kamailio = await lab();
    const { app, calls } = await registeredAgent(kamailio.wsUrl, '1001');
    await app.dispatch('settings.update', { key: 'calls.wrapUpSeconds', value: 600 }, context);
    const changes: unknown[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'intake.changed') changes.push(payload);
    });
    const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await app.dispatch('calls.answer', { callId: ringing.id }, context);
    const form = await app.dispatch('intake.form', {}, context);
    expect(form).toMatchObject({ ok: true, value: { source: 'default', form: { id: 'public-health' } } });
    // Typing while the caller talks: drafts.
    expect(
      await app.dispatch(
        'intake.saveDraft',
        { callId: ringing.id, values: { callType: 'data_call', name: 'Erika' } },
        context,
      ),
    ).toMatchObject({
      ok: true,
      value: { state: 'draft', problems: [{ field: 'triage' }, { field: 'privacyNotice' }] },
    });
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'ended');
    await expectCompleted(caller);
    await expect
      .poll(() => app.dispatch('agent.get', {}, context))
      .toMatchObject({ value: { status: 'after_call_work' } });

    // Not yet right: refused, kept, and the message names the fields.
    const refused = await app.dispatch(
      'intake.submit',
      { callId: ringing.id, values: { callType: 'data_call', name: 'Erika' } },
      context,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!refused.ok && refused.error.message).toMatch(/triage: Triage result: required.*privacyNotice/);
    expect(await app.dispatch('agent.get', {}, context)).toMatchObject({ value: { status: 'after_call_work' } });

    const submitted = await app.dispatch(
      'intake.submit',
      { callId: ringing.id, values: { ...complete, name: 'Erika Mustermann' } },
      context,
    );
    expect(submitted).toMatchObject({ ok: true, value: { state: 'submitted' } });
    expect(await app.dispatch('agent.get', {}, context)).toMatchObject({ value: { status: 'available' } });
    await expect
      .poll(async () => {
        const row = await app.dispatch('calllog.get', { id: ringing.id }, context);
        return row.ok ? row.value : null;
      })
      .toMatchObject({ disposition: 'data_call', intake: 'submitted', wrapUpMs: expect.any(Number) });
    expect(changes).toEqual([
      { callId: ringing.id, state: 'draft', problemCount: 2 },
      { callId: ringing.id, state: 'draft', problemCount: 2 },
      { callId: ringing.id, state: 'submitted', problemCount: 0 },
    ]);
  });

  it('data-subject requests are for a team lead only (by policy); a policy’s form replaces the default', async () => {
    const kamailio = await lab();
    const policyFile = join(await tempDir(), 'policy.json');
    const { app } = await registeredAgent(kamailio.wsUrl, '1002', { policyPollMs: 100 }, { policyFile });
    expect(await app.dispatch('privacy.find', { number: '0221 987654' }, context)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await app.dispatch('privacy.find', {}, context)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/expected a number or a name/) },
    });
    // The user cannot make themselves a team lead; the organisation's policy does.
    expect(await app.dispatch('settings.update', { key: 'privacy.role', value: 'team_lead' }, context)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/policy only/) },
    });
    expect(await app.dispatch('privacy.access', {}, context)).toEqual({ ok: true, value: { teamLead: false } });
    await writeFile(policyFile, JSON.stringify({ 'privacy.teamLeads': [userInfo().username] }));
    await expect
      .poll(async () => app.dispatch('privacy.access', {}, context), { timeout: 10_000 })
      .toEqual({ ok: true, value: { teamLead: true } });
    expect(await app.dispatch('privacy.find', { number: '0221 987654' }, context)).toEqual({ ok: true, value: [] });

    // The form is the organisation's too: its tags decide what retention and erasure remove, so
    // an agent who re-tags every field as "none" must not be able to keep callers' data for ever.
    const small = vaccinationLine;
    const retagged = { ...small, fields: small.fields.map((field) => ({ ...field, tag: 'none' })) };
    for (const value of [small, retagged])
      expect(await app.dispatch('settings.update', { key: 'intake.form', value }, context)).toMatchObject({
        ok: false,
        error: { code: expect.stringMatching(/forbidden|invalid_input/) },
      });
    // A smaller form, as IT puts it into the policy file.
    await writeFile(policyFile, JSON.stringify({ 'privacy.teamLeads': [userInfo().username], 'intake.form': small }));
    await expect
      .poll(async () => app.dispatch('intake.form', {}, context), { timeout: 10_000 })
      .toMatchObject({ ok: true, value: { source: 'policy', form: { id: 'vaccination-line', version: 2 } } });
    // A broken definition is refused, naming what is wrong; the form in force stays.
    expect(
      await app.dispatch(
        'settings.update',
        { key: 'intake.form', value: { ...small, dispositionField: 'nope' } },
        context,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/dispositionField/) },
    });
  });
});
