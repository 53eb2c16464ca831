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
      `INSERT INTO intakes (call_id, form_id, form_version, state, personal_json, other_json, problems_json, created_at, updated_at)
       VALUES (?, 'public-health', 1, ?, '{}', '{}', '[]', 1, 1)`,
    );
    insert.run('c1', 'draft');
    expect(() => insert.run('c1', 'draft')).toThrow(/UNIQUE/);
    expect(() => insert.run('no-such-call', 'draft')).toThrow(/FOREIGN KEY/);
    db.prepare(
      `INSERT INTO calls (id, direction, anonymous, started_at, updated_at) VALUES ('c2', 'inbound', 0, 1, 1)`,
    ).run();
    expect(() => insert.run('c2', 'finished')).toThrow(/CHECK/);
  });

  it('indexes text and phone digits for search, and an entry deleted from the index is no longer found', () => {
    const db = withCall();
    db.prepare(
      `INSERT INTO intake_search (rowid, text, phone) VALUES (1, 'Anna Müller Fieber seit Montag', '4930123456')`,
    ).run();
    const find = db.prepare('SELECT rowid FROM intake_search WHERE intake_search MATCH ?').pluck();
    expect(find.all('"müll"*')).toEqual([1]);
    expect(find.all('text: "fieber"')).toEqual([1]);
    expect(find.all('phone: "4930"*')).toEqual([1]);
    expect(find.all('phone: "fieber"')).toEqual([]);
    db.prepare('DELETE FROM intake_search WHERE rowid = 1').run();
    expect(find.all('"fieber"')).toEqual([]);
  });
});
