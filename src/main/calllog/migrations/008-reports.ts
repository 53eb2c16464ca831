import { randomBytes, randomUUID } from 'node:crypto';
import type { Migration } from './migration';

/**
 * What reports need. The installation's identity (a random UUID: every export carries it, so
 * exports from several laptops can be merged without counting a call twice) and its own pseudonym
 * key (256 random bits for caller_ref when the organisation has set none) live in the encrypted
 * log itself: they move with it and are as well protected. Audit entries gain `details` (JSON,
 * never personal values): what an export contained and where it went.
 */
export const migration008Reports: Migration = {
  version: 8,
  name: 'reports',
  up(db) {
    db.exec(`
      ALTER TABLE audit ADD COLUMN details TEXT;
      CREATE TABLE installation (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        id TEXT NOT NULL,
        pseudonym_key TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `);
    db.prepare('INSERT INTO installation (one, id, pseudonym_key, created_at) VALUES (1, ?, ?, ?)').run(
      randomUUID(),
      randomBytes(32).toString('hex'),
      Date.now(),
    );
  },
};
