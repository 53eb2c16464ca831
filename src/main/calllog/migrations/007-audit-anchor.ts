import type { Migration } from './migration';

/**
 * The audit log's own retention: entries older than the policy's limit may go, but only from the
 * front, and only after the anchor (the last removed entry's number and hash) moved past them, so
 * the chain still verifies from the anchor on. The anchor only moves forward; every other entry
 * stays append-only.
 */
export const migration007AuditAnchor: Migration = {
  version: 7,
  name: 'audit anchor',
  up(db) {
    db.exec(`
      CREATE TABLE audit_anchor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO audit_anchor (id, seq, hash, at) VALUES (1, 0, '${'0'.repeat(64)}', 0);
      CREATE TRIGGER audit_anchor_forward BEFORE UPDATE ON audit_anchor WHEN NEW.seq < OLD.seq
        BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END;
      CREATE TRIGGER audit_anchor_kept BEFORE DELETE ON audit_anchor
        BEGIN SELECT RAISE(ABORT, 'the audit anchor cannot be removed'); END;
      DROP TRIGGER audit_append_only_delete;
      CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        WHEN OLD.seq > (SELECT seq FROM audit_anchor WHERE id = 1)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: only entries behind its anchor may go'); END;
    `);
  },
};
