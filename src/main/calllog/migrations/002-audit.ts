import type { Migration } from './migration';

/**
 * The audit log: who (OS user and agent code) did what (create, update, view of health data,
 * export, purge, erase, settings change) to which record and which fields, never the values.
 * Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers the
 * previous entry's hash, so a changed, removed or inserted entry breaks the chain.
 */
export const migration002Audit: Migration = {
  version: 2,
  name: 'audit',
  up(db) {
    db.exec(`
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        os_user TEXT NOT NULL,
        agent_code TEXT,
        action TEXT NOT NULL CHECK (action IN ('create', 'update', 'view', 'export', 'purge', 'erase', 'settings_change')),
        record TEXT,
        -- A JSON array of field names: never their values.
        fields TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
  },
};
