import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration006Intakes } from '../../../src/main/calllog/migrations/006-intakes';

function withCall(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 0, 6);
  db.prepare(
    `INSERT INTO calls (id, direction, anonymous, started_at, updated_at) VALUES ('c1', 'inbound', 0, 1, 1)`,
  ).run();
  return db;
}

describe('migration 006: intakes', () => {
  it('keeps one intake per existing call, answers split by tag, with a state it checks', () => {
    const db = withCall();
    expect(migration006Intakes.version).toBe(6);
    const insert = db.prepare(
      `INSERT INTO intakes (call_id, started_at, form_id, form_version, state, personal_json, other_json, problems_json, created_at, updated_at)
       VALUES (?, 1, 'public-health', 1, ?, '{}', '{}', '[]', 1, 1)`,
    );
    insert.run('c1', 'draft');
    expect(() => insert.run('c1', 'draft')).toThrow(/UNIQUE/);
    expect(() => insert.run('no-such-call', 'draft')).toThrow(/FOREIGN KEY/);
    db.prepare(
      `INSERT INTO calls (id, direction, anonymous, started_at, updated_at) VALUES ('c2', 'inbound', 0, 1, 1)`,
    ).run();
    expect(() => insert.run('c2', 'finished')).toThrow(/CHECK/);
  });

  it('has search keys with covering indexes for the recorded name and number', () => {
    const db = withCall();
    const indexes = (db.prepare('PRAGMA index_list(intakes)').all() as { name: string }[]).map((index) => index.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['intakes_by_name_key', 'intakes_by_name_last', 'intakes_by_phone']),
    );
    const columns = (name: string) =>
      (db.prepare(`PRAGMA index_info(${name})`).all() as { name: string }[]).map((column) => column.name);
    expect(columns('intakes_by_phone')).toEqual(['phone_digits', 'started_at', 'call_id']);
    expect(columns('intakes_by_name_last')).toEqual(['name_key_last', 'started_at', 'call_id']);
  });

  it('indexes the words of notes under the call’s rowid, and an entry deleted from the index is no longer found', () => {
    const db = withCall();
    const rowid = db.prepare(`SELECT rowid FROM calls WHERE id = 'c1'`).pluck().get() as number;
    db.prepare(`INSERT INTO intake_search (rowid, text) VALUES (?, 'Schüttelfrost seit Montag')`).run(rowid);
    const find = db.prepare('SELECT rowid FROM intake_search WHERE intake_search MATCH ?').pluck();
    expect(find.all('"schütt"*')).toEqual([rowid]);
    expect(find.all('text: "montag"')).toEqual([rowid]);
    db.prepare('DELETE FROM intake_search WHERE rowid = ?').run(rowid);
    expect(find.all('"montag"')).toEqual([]);
  });
});
