import { closeSync, existsSync, openSync } from 'node:fs';
import { link, unlink } from 'node:fs/promises';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Connection } from 'better-sqlite3-multiple-ciphers';
import { LATEST_VERSION, MIGRATIONS } from './migrations';

/**
 * Opening the call log: SQLCipher 4 compatible encryption with a raw 256-bit key (a passphrase
 * would run the key derivation, about 180 ms, on every connection), WAL, synchronous=FULL (a
 * committed record survives a power cut), foreign keys and secure_delete on, an integrity check
 * (unless the caller runs it elsewhere: on a large log it takes long), then the numbered migrations.
 */
export type OpenResult =
  | { readonly ok: true; readonly db: Connection }
  | { readonly ok: false; readonly problem: 'not_a_database'; readonly detail: string }
  /** It did not open for another reason (busy, disk full, permissions): nothing says the file is bad. */
  | { readonly ok: false; readonly problem: 'failed'; readonly detail: string }
  | { readonly ok: false; readonly problem: 'newer_version'; readonly version: number };

/** SQLCipher 4 with a raw 256-bit key (hex checked by the caller): every connection starts so. */
export function unlock(db: Connection, keyHex: string): void {
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${keyHex}'"`);
}

/** Pages kept decrypted in memory per connection (KiB, as SQLite takes a negative cache_size). */
export const CACHE_KIB = 32_768;

export function openEncrypted(
  file: string,
  keyHex: string,
  options: { integrityCheck?: boolean; cacheKib?: number } = {},
): OpenResult {
  let db: Connection | null = null;
  try {
    // A new log is made readable by its owner only; SQLite gives its WAL the same mode.
    if (!existsSync(file)) closeSync(openSync(file, 'wx', 0o600));
    db = new Database(file);
    unlock(db, keyHex);
    // The first read decrypts page 1: a wrong key or a foreign file fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma(`cache_size = -${options.cacheKib ?? CACHE_KIB}`);
    db.pragma('busy_timeout = 5000');
    if (options.integrityCheck ?? true) {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new Error(`integrity check: ${String(integrity)}`);
    }
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > LATEST_VERSION) {
      db.close();
      return { ok: false, problem: 'newer_version', version };
    }
    migrate(db, version);
    return { ok: true, db };
  } catch (error) {
    db?.close();
    return {
      ok: false,
      problem: 'not_a_database',
      detail:
        error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : 'unknown',
    };
  }
}

/** Runs the migrations after `from`, each in its own transaction with the version it reaches. */
export function migrate(db: Connection, from: number, upTo = LATEST_VERSION): void {
  for (const migration of MIGRATIONS.slice(from, upTo)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/**
 * Moves a log that cannot be opened aside, with its WAL and shared-memory files, under a name
 * that is not taken: never overwriting anything. Returns the new path of the main file.
 */
export async function moveAside(file: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${file}.unreadable-${stamp}`;
  for (let n = 2; existsSync(target); n += 1) target = `${file}.unreadable-${stamp}-${n}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(file + suffix)) continue;
    // link() fails if the target exists: nothing is ever overwritten.
    await link(file + suffix, target + suffix);
    await unlink(file + suffix);
  }
  return target;
}
