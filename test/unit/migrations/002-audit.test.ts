import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/calllog/database';
import { migration002Audit } from '../../../src/main/calllog/migrations/002-audit';

describe('migration 002: audit', () => {
  const db = () => {
    const connection = new Database(':memory:');
    migrate(connection, 0, 2);
    connection
      .prepare(
        `INSERT INTO audit (seq, at, os_user, agent_code, action, record, fields, prev_hash, hash)
         VALUES (1, 1, 'agent', 'HL-07', 'create', 'call:1', '["remote_name"]', 'p', 'h')`,
      )
      .run();
    return connection;
  };

  it('is version 2, after the calls', () => {
    expect(migration002Audit.version).toBe(2);
    expect(db().pragma('user_version', { simple: true })).toBe(2);
  });

  it('is append-only: entries cannot be changed or removed', () => {
    const connection = db();
    expect(() => connection.prepare("UPDATE audit SET fields = '[]' WHERE seq = 1").run()).toThrow(
      'the audit log is append-only',
    );
    expect(() => connection.prepare('DELETE FROM audit').run()).toThrow('the audit log is append-only');
    expect(connection.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 1 });
  });

  it('takes only the known actions', () => {
    expect(() =>
      db()
        .prepare(
          `INSERT INTO audit (seq, at, os_user, action, fields, prev_hash, hash) VALUES (2, 2, 'x', 'peek', '[]', 'h', 'i')`,
        )
        .run(),
    ).toThrow(/CHECK constraint/);
  });
});
