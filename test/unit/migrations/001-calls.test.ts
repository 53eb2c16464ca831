import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration001Calls } from '../../../src/main/calllog/migrations/001-calls';

describe('migration 001: calls', () => {
  const db = () => {
    const connection = new Database(':memory:');
    migrate(connection, 0, 1);
    return connection;
  };
  const insert = (connection: Database.Database, values: Record<string, unknown>) =>
    connection
      .prepare(
        `INSERT INTO calls (id, direction, anonymous, started_at, updated_at, outcome, remote_name)
         VALUES (@id, @direction, @anonymous, @startedAt, @startedAt, @outcome, @name)`,
      )
      .run({ id: 'c1', direction: 'inbound', anonymous: 0, startedAt: 1, outcome: null, name: null, ...values });

  it('is version 1 and leaves the database at user_version 1', () => {
    expect(migration001Calls.version).toBe(1);
    expect(db().pragma('user_version', { simple: true })).toBe(1);
  });

  it('creates the calls table with its indexes', () => {
    const connection = db();
    const columns = (connection.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(
      expect.arrayContaining([
        'id',
        'direction',
        'remote_number',
        'number_digits',
        'remote_name',
        'outcome',
        'updated_at',
      ]),
    );
    const indexes = (connection.prepare('PRAGMA index_list(calls)').all() as { name: string }[]).map((i) => i.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['calls_newest', 'calls_by_number', 'calls_by_name', 'calls_by_outcome']),
    );
  });

  it('refuses rows that are not calls: an unknown outcome or direction, text in a number column', () => {
    const connection = db();
    expect(() => insert(connection, { outcome: 'lost' })).toThrow(/CHECK constraint/);
    expect(() => insert(connection, { direction: 'sideways' })).toThrow(/CHECK constraint/);
    expect(() => insert(connection, { startedAt: 'yesterday' })).toThrow(/cannot store TEXT value in INTEGER column/);
    insert(connection, { outcome: 'interrupted' });
  });

  it('compares names without regard to case (the name search relies on it)', () => {
    const connection = db();
    insert(connection, { name: 'Erika Mustermann' });
    const found = connection
      .prepare("SELECT id FROM calls WHERE remote_name >= 'erika' AND remote_name < 'erika\uffff'")
      .all();
    expect(found).toEqual([{ id: 'c1' }]);
  });
});
