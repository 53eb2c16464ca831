import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration009CodedAnswers } from '../../../src/main/calllog/migrations/009-coded-answers';

/**
 * What a version-8 log holds after an agent re-tagged every field of the form as "none" (the
 * attack this version closes): the caller's answers sat in other_json, which erasure keeps.
 */
const LEAKED = {
  callType: 'data_call',
  name: 'Erika Mustermann',
  birthDate: '1961-04-12',
  sex: 'female',
  phone: '+49221987654',
  street: 'Hauptstraße 1',
  postcode: '51147',
  city: 'Köln',
  symptoms: ['fever', 'cough'],
  symptomOnset: '2026-11-30',
  contactWithCase: 'yes',
  triage: 'see_gp',
  note: 'Tochter ebenfalls krank',
  privacyNotice: 'yes',
  unanswered: '',
  digitsList: ['1', '2026-01-01'],
};

function version8(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, 0, 8);
  const call = db.prepare(
    `INSERT INTO calls (id, direction, anonymous, started_at, updated_at, purged_at) VALUES (?, 'inbound', 0, 1, 1, ?)`,
  );
  const intake = db.prepare(
    `INSERT INTO intakes (call_id, started_at, form_id, form_version, state, personal_json, other_json, problems_json,
       created_at, updated_at, purged_at)
     VALUES (?, 1, 'public-health', 1, 'submitted', ?, ?, '[]', 1, 1, ?)`,
  );
  // Erased by retention before the upgrade: its personal_json is gone, the leak is not.
  call.run('purged', 5);
  intake.run('purged', null, JSON.stringify(LEAKED), 5);
  // Not erased yet: left as it is (retention or erasure takes it later, then pruned).
  call.run('open', null);
  intake.run('open', '{}', JSON.stringify(LEAKED), null);
  // Erased, and as a correct form left it: nothing to remove.
  call.run('clean', 6);
  intake.run('clean', null, JSON.stringify({ callType: 'silent', privacyNotice: 'no' }), 6);
  return db;
}

const other = (db: Database.Database, id: string): Record<string, unknown> =>
  JSON.parse((db.prepare('SELECT other_json FROM intakes WHERE call_id = ?').pluck().get(id) as string) ?? '{}');

describe('migration 009: coded answers', () => {
  it('removes from erased intakes every answer a coded field could not have given, and keeps the codes', () => {
    const db = version8();
    expect(migration009CodedAnswers.version).toBe(9);
    // A form of the organisation's own (not the shipped one): only the shape of an answer tells.
    db.prepare(`UPDATE intakes SET form_id = 'vaccination-line', form_version = 2 WHERE call_id = 'purged'`).run();
    migrate(db, 8, 9);
    const kept = other(db, 'purged');
    // What it found in the leaked row and removed: the name, the birth date, the phone number,
    // the street, the postcode, the city, the onset date, the note, and a list with a date in it.
    expect(
      Object.keys(LEAKED)
        .filter((key) => !(key in kept))
        .sort(),
    ).toEqual(
      ['birthDate', 'city', 'digitsList', 'name', 'note', 'phone', 'postcode', 'street', 'symptomOnset'].sort(),
    );
    // Codes stay: which of them were personal or health data, only the form that is gone knew.
    expect(kept).toEqual({
      callType: 'data_call',
      sex: 'female',
      symptoms: ['fever', 'cough'],
      contactWithCase: 'yes',
      triage: 'see_gp',
      privacyNotice: 'yes',
      unanswered: '',
    });
    expect(JSON.stringify(kept)).not.toMatch(/Mustermann|Hauptstraße|51147|Tochter|1961|\+49/);
    expect(other(db, 'open')).toEqual(LEAKED);
    expect(other(db, 'clean')).toEqual({ callType: 'silent', privacyNotice: 'no' });
  });

  it('keeps, in erased intakes of the shipped form, only the answers of the fields that form tags "none"', () => {
    const db = version8();
    migrate(db, 8, 9);
    // Found and removed: all but the call type and the privacy notice (sex, symptoms, triage and
    // the rest are personal or health answers in public-health version 1).
    expect(other(db, 'purged')).toEqual({ callType: 'data_call', privacyNotice: 'yes' });
    expect(other(db, 'open')).toEqual(LEAKED);
  });

  it('adds the form definition’s hash to each intake (unknown for those saved before)', () => {
    const db = version8();
    migrate(db, 8, 9);
    expect(db.prepare('SELECT DISTINCT form_hash FROM intakes').pluck().all()).toEqual([null]);
  });
});
