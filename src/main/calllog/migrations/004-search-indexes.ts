import type { Migration } from './migration';

/**
 * Search indexes that carry the start time and id: a name or number search sorts the matches
 * inside the index (no table reads) and fetches only the page it shows.
 */
export const migration004SearchIndexes: Migration = {
  version: 4,
  name: 'search indexes',
  up(db) {
    db.exec(`
      DROP INDEX calls_by_number;
      DROP INDEX calls_by_name;
      CREATE INDEX calls_by_number ON calls (number_digits, started_at, id);
      CREATE INDEX calls_by_name ON calls (remote_name COLLATE NOCASE, started_at, id);
    `);
  },
};
