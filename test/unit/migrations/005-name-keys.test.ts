import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration005NameKeys } from '../../../src/main/calllog/migrations/005-name-keys';

describe('migration 005: name keys', () => {
  it('fills in the search keys of the calls already there and indexes them', () => {
    const db = new Database(':memory:');
    migrate(db, 0, 4);
    const insert = db.prepare(
      `INSERT INTO calls (id, direction, anonymous, started_at, updated_at, remote_name) VALUES (?, 'inbound', 0, 1, 1, ?)`,
    );
    insert.run('named', 'Anna  Maria MÜLLER');
    insert.run('unnamed', null);
    migrate(db, 4, 5);
    expect(migration005NameKeys.version).toBe(5);
    expect(db.prepare('SELECT id, name_key, name_key_last FROM calls ORDER BY id').all()).toEqual([
      { id: 'named', name_key: 'anna maria müller', name_key_last: 'müller anna maria' },
      { id: 'unnamed', name_key: null, name_key_last: null },
    ]);
    const indexes = (db.prepare('PRAGMA index_list(calls)').all() as { name: string }[]).map((index) => index.name);
    expect(indexes).toEqual(expect.arrayContaining(['calls_by_name_key', 'calls_by_name_last']));
    expect(indexes).not.toContain('calls_by_name');
  });
});
