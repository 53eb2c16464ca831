import type { Migration } from './migration';

/** Retention: when a call's personal fields were erased (null: not yet). */
export const migration003Retention: Migration = {
  version: 3,
  name: 'retention',
  up(db) {
    db.exec(`
      ALTER TABLE calls ADD COLUMN purged_at INTEGER;
      CREATE INDEX calls_to_purge ON calls (started_at) WHERE purged_at IS NULL;
    `);
  },
};
