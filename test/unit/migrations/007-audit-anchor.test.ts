import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../src/main/calllog/audit';
import { migrate } from '../../../src/main/calllog/database';
import { migration007AuditAnchor } from '../../../src/main/calllog/migrations/007-audit-anchor';

function logWithEntries(count: number): Database.Database {
  const db = new Database(':memory:');
  migrate(db, 0, 7);
  const insert = db.prepare(
    `INSERT INTO audit (seq, at, os_user, agent_code, action, record, fields, prev_hash, hash)
     VALUES (?, ?, 'u', NULL, 'view', NULL, '[]', 'p', 'h' || ?)`,
  );
  for (let seq = 1; seq <= count; seq += 1) insert.run(seq, seq, seq);
  return db;
}

describe('migration 007: audit anchor', () => {
  it('starts at the genesis hash; only entries behind the anchor can be deleted', () => {
    const db = logWithEntries(5);
    expect(migration007AuditAnchor.version).toBe(7);
    expect(db.prepare('SELECT seq, hash FROM audit_anchor').get()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 1').run()).toThrow(/append-only/);
    db.prepare(`UPDATE audit_anchor SET seq = 2, hash = 'h2', at = 2`).run();
    expect(db.prepare('DELETE FROM audit WHERE seq <= 2').run().changes).toBe(2);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 3').run()).toThrow(/append-only/);
    expect(() => db.prepare(`UPDATE audit SET fields = '["x"]' WHERE seq = 3`).run()).toThrow(/append-only/);
  });

  it('the anchor only moves forward and cannot be removed', () => {
    const db = logWithEntries(3);
    db.prepare(`UPDATE audit_anchor SET seq = 2, hash = 'h2'`).run();
    expect(() => db.prepare(`UPDATE audit_anchor SET seq = 1, hash = 'h1'`).run()).toThrow(/only moves forward/);
    expect(() => db.prepare('DELETE FROM audit_anchor').run()).toThrow(/cannot be removed/);
  });
});
