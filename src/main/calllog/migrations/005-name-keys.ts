import { nameKey, nameKeyLastFirst } from '../names';
import type { Migration } from './migration';

/**
 * Name search keys (see names.ts): case-folded for German letters too, and last word first, each
 * with a covering index. Fills them in for the calls already there.
 */
export const migration005NameKeys: Migration = {
  version: 5,
  name: 'name keys',
  up(db) {
    db.exec(`
      ALTER TABLE calls ADD COLUMN name_key TEXT;
      ALTER TABLE calls ADD COLUMN name_key_last TEXT;
    `);
    const update = db.prepare('UPDATE calls SET name_key = @key, name_key_last = @last WHERE id = @id');
    // Read first, then write: a connection cannot update while it iterates. Names are few: retention
    // erases them after weeks.
    const named = db.prepare('SELECT id, remote_name FROM calls WHERE remote_name IS NOT NULL').all() as {
      id: string;
      remote_name: string;
    }[];
    for (const row of named) {
      update.run({ id: row.id, key: nameKey(row.remote_name), last: nameKeyLastFirst(row.remote_name) });
    }
    db.exec(`
      DROP INDEX calls_by_name;
      CREATE INDEX calls_by_name_key ON calls (name_key, started_at, id);
      CREATE INDEX calls_by_name_last ON calls (name_key_last, started_at, id);
    `);
  },
};
