import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration004SearchIndexes } from '../../../src/main/calllog/migrations/004-search-indexes';

describe('migration 004: search indexes', () => {
  it('rebuilds the name and number indexes with the start time and id, keeping the rows', () => {
    const db = new Database(':memory:');
    migrate(db, 0, 3);
    db.prepare(
      `INSERT INTO calls (id, direction, anonymous, started_at, updated_at, remote_name, number_digits)
       VALUES ('c1', 'inbound', 0, 5, 5, 'Erika', '4930')`,
    ).run();
    migrate(db, 3, 4);
    expect(migration004SearchIndexes.version).toBe(4);
    const columns = (name: string) =>
      (db.prepare(`PRAGMA index_info(${name})`).all() as { name: string }[]).map((column) => column.name);
    expect(columns('calls_by_name')).toEqual(['remote_name', 'started_at', 'id']);
    expect(columns('calls_by_number')).toEqual(['number_digits', 'started_at', 'id']);
    // A name search can be answered from the index alone.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM calls INDEXED BY calls_by_name WHERE remote_name >= 'er' AND remote_name < 'er\uffff' ORDER BY started_at DESC, id DESC",
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' | ')).toMatch(/COVERING INDEX calls_by_name/);
    expect(db.prepare('SELECT id FROM calls').all()).toEqual([{ id: 'c1' }]);
  });
});
