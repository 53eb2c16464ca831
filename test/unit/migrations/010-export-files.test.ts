import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration010ExportFiles } from '../../../src/main/calllog/migrations/010-export-files';

describe('migration 010: export files', () => {
  it('keeps each export file written, open until retention closes it with what happened to it', () => {
    const db = new Database(':memory:');
    migrate(db, 0, 10);
    expect(migration010ExportFiles.version).toBe(10);
    const insert = db.prepare(
      'INSERT INTO export_files (path, sha256, written_at, closed_at, outcome) VALUES (?, ?, ?, ?, ?)',
    );
    insert.run('/srv/exports/a.csv', 'ab', 1, null, null);
    insert.run('/srv/exports/b.csv', 'cd', 2, 5, 'removed');
    expect(() => insert.run('/x', 'ef', 3, 5, null)).toThrow(/CHECK/);
    expect(() => insert.run('/x', 'ef', 3, null, 'removed')).toThrow(/CHECK/);
    expect(() => insert.run('/x', 'ef', 3, 5, 'deleted')).toThrow(/CHECK/);
    const open = db
      .prepare('SELECT path FROM export_files INDEXED BY export_files_open WHERE closed_at IS NULL AND written_at < 10')
      .pluck()
      .all();
    expect(open).toEqual(['/srv/exports/a.csv']);
  });
});
