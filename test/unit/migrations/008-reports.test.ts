import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { auditHash, GENESIS_HASH } from '../../../src/main/calllog/audit';
import { migrate } from '../../../src/main/calllog/database';
import { migration008Reports } from '../../../src/main/calllog/migrations/008-reports';

describe('migration 008: reports', () => {
  it('gives the installation a random id and pseudonym key, once', () => {
    const first = new Database(':memory:');
    migrate(first, 0, 8);
    const second = new Database(':memory:');
    migrate(second, 0, 8);
    expect(migration008Reports.version).toBe(8);
    const row = first.prepare('SELECT one, id, pseudonym_key FROM installation').all() as {
      id: string;
      pseudonym_key: string;
    }[];
    expect(row).toHaveLength(1);
    expect(row[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row[0]!.pseudonym_key).toMatch(/^[0-9a-f]{64}$/);
    const other = second.prepare('SELECT id, pseudonym_key FROM installation').get() as (typeof row)[0];
    expect(other.id).not.toBe(row[0]!.id);
    expect(other.pseudonym_key).not.toBe(row[0]!.pseudonym_key);
    expect(() => first.prepare(`INSERT INTO installation VALUES (2, 'x', 'y', 0)`).run()).toThrow(/CHECK/);
  });

  it('adds details to the audit log; entries without them hash as before', () => {
    const db = new Database(':memory:');
    migrate(db, 0, 7);
    const entry = { seq: 1, at: 5, osUser: 'u', agentCode: null, action: 'view' as const, record: 'r', fields: ['f'] };
    const before = auditHash(GENESIS_HASH, entry);
    db.prepare(
      `INSERT INTO audit (seq, at, os_user, agent_code, action, record, fields, prev_hash, hash)
       VALUES (1, 5, 'u', NULL, 'view', 'r', '["f"]', ?, ?)`,
    ).run(GENESIS_HASH, before);
    migrate(db, 7, 8);
    expect(db.prepare('SELECT details FROM audit WHERE seq = 1').get()).toEqual({ details: null });
    expect(auditHash(GENESIS_HASH, { ...entry, details: null })).toBe(before);
    // Details are part of what the hash covers.
    expect(auditHash(GENESIS_HASH, { ...entry, details: '{"rows":1}' })).not.toBe(before);
    expect(() => db.prepare(`UPDATE audit SET details = '{}' WHERE seq = 1`).run()).toThrow(/append-only/);
  });
});
