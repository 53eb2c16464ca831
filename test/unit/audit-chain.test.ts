import { describe, expect, it } from 'vitest';
import { auditHash, checkChain, GENESIS_HASH, type StoredAuditEntry } from '../../src/main/calllog/audit';

function chain(count: number): StoredAuditEntry[] {
  const entries: StoredAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = {
      seq,
      at: 1_000 * seq,
      osUser: 'agent',
      agentCode: 'HL-07',
      action: 'create' as const,
      record: `call:${seq}`,
      fields: ['remote_name', 'remote_number'],
    };
    const hash = auditHash(prevHash, entry);
    entries.push({ ...entry, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

describe('the audit chain', () => {
  it('accepts an intact chain, and an empty one', () => {
    expect(checkChain(chain(5))).toMatchObject({ ok: true, entries: 5 });
    expect(checkChain([])).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH });
  });

  it('names the first entry whose content was changed, even by one field name', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, fields: ['remote_name'] };
    expect(checkChain(entries)).toMatchObject({ ok: false, brokenAt: 3, reason: 'its content was changed' });
    const who = chain(5);
    who[3] = { ...who[3]!, agentCode: 'HL-01' };
    expect(checkChain(who)).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('finds a removed entry and one rewritten with a fresh hash', () => {
    const removed = chain(5);
    removed.splice(1, 1);
    expect(checkChain(removed)).toMatchObject({ ok: false, brokenAt: 3, reason: 'entry 2 is missing' });

    // Rehashing a changed entry does not help: the next one no longer follows it.
    const rewritten = chain(5);
    const changed = { ...rewritten[1]!, action: 'view' as const };
    rewritten[1] = { ...changed, hash: auditHash(changed.prevHash, changed) };
    expect(checkChain(rewritten)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: 'it does not follow the entry before it',
    });
  });
});
