import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration003Retention } from '../../../src/main/calllog/migrations/003-retention';

describe('migration 003: retention', () => {
  it('adds when a call was purged, empty for the calls already there, and an index of those still to purge', () => {
    const db = new Database(':memory:');
    migrate(db, 0, 2);
    db.prepare(
      `INSERT INTO calls (id, direction, anonymous, started_at, updated_at) VALUES ('before', 'inbound', 0, 1, 1)`,
    ).run();
    migrate(db, 2, 3);
    expect(migration003Retention.version).toBe(3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT id, purged_at FROM calls').all()).toEqual([{ id: 'before', purged_at: null }]);
    const indexes = (db.prepare('PRAGMA index_list(calls)').all() as { name: string; partial: number }[]).filter(
      (index) => index.name === 'calls_to_purge',
    );
    expect(indexes).toEqual([expect.objectContaining({ partial: 1 })]);
  });
});
