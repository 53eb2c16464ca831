import type { Migration } from './migration';

/**
 * The export files the console wrote, so that retention can remove them: an export holds the
 * same calls as the log (identified ones names and numbers, pseudonymised ones health answers),
 * and must not outlive the log's own retention in a folder nobody cleans. A file is removed only
 * where it was written and only while its SHA-256 is still the one written (never a file someone
 * replaced); what happened to it is kept (`removed`, `missing`, `changed`).
 */
export const migration010ExportFiles: Migration = {
  version: 10,
  name: 'export-files',
  up(db) {
    db.exec(`
      CREATE TABLE export_files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        written_at INTEGER NOT NULL,
        closed_at INTEGER,
        outcome TEXT CHECK (outcome IN ('removed', 'missing', 'changed')),
        CHECK ((closed_at IS NULL) = (outcome IS NULL))
      ) STRICT;
      CREATE INDEX export_files_open ON export_files (written_at) WHERE closed_at IS NULL;
    `);
  },
};
