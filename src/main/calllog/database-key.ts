import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SecretStore } from '../core/secret-store';
import { readTextIfExists, writeFileAtomic } from '../core/files';

/**
 * Where the call log's key lives in the secret store (Electron: safeStorage; the browser host and
 * the CLI: the OS keystore, else a 0600 file in the state folder).
 */
export const DATABASE_KEY_SECRET = 'calllog.key';
/** A re-key under way: the new key, stored before the log is re-encrypted with it. */
export const DATABASE_KEY_NEXT_SECRET = 'calllog.key.next';
/** Set in the store when the key lay beside the data (an earlier version): re-keyed at the next opening. */
export const REKEY_NEEDED_SECRET = 'calllog.rekeyNeeded';
/** An IT-provided key (64 hex digits) wins over the stored one: for the browser host and the CLI on servers. */
export const DATABASE_KEY_ENV = 'HOTLINE_DESK_DB_KEY';

const hexKey = z.string().regex(/^[0-9a-f]{64}$/i, 'expected 64 hexadecimal digits (a 256-bit key)');

/**
 * The key check value: an HMAC of a fixed text under the key. Kept beside the database (not
 * secret), it tells "this key does not open this log" apart from "this file is damaged".
 */
export function keyCheckValue(keyHex: string): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex'))
    .update('Hotline Desk call log key check v1')
    .digest('hex')
    .slice(0, 32);
}

const keyCheckFileSchema = z.strictObject({ version: z.literal(1), check: z.string().regex(/^[0-9a-f]{32}$/) });

export async function readKeyCheck(file: string): Promise<string | null> {
  const text = await readTextIfExists(file);
  if (text === null) return null;
  const parsed = keyCheckFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a key check file written by Hotline Desk`);
  return parsed.data.check;
}

export async function writeKeyCheck(file: string, keyHex: string): Promise<void> {
  await writeFileAtomic(file, JSON.stringify({ version: 1, check: keyCheckValue(keyHex) }), 0o600);
}

export type KeySource = 'environment' | 'secret_store' | 'created';

/**
 * The call log's key: from HOTLINE_DESK_DB_KEY, else the secret store. A new random 256-bit key
 * is made only when `mayCreate` (there is no log yet): a lost key must never be replaced silently,
 * or the log it opened would look corrupt.
 */
export async function loadDatabaseKey(
  secrets: SecretStore,
  env: NodeJS.ProcessEnv,
  mayCreate: boolean,
): Promise<{ key: string; source: KeySource } | null> {
  const fromEnv = env[DATABASE_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const parsed = hexKey.safeParse(fromEnv.trim());
    if (!parsed.success) throw new Error(`${DATABASE_KEY_ENV}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return { key: parsed.data.toLowerCase(), source: 'environment' };
  }
  const stored = await secrets.get(DATABASE_KEY_SECRET);
  if (stored !== null) {
    const parsed = hexKey.safeParse(stored);
    if (!parsed.success) throw new Error(`the stored call log key is damaged (${DATABASE_KEY_SECRET})`);
    return { key: parsed.data.toLowerCase(), source: 'secret_store' };
  }
  if (!mayCreate) return null;
  const key = randomBytes(32).toString('hex');
  await secrets.set(DATABASE_KEY_SECRET, key);
  return { key, source: 'created' };
}

/** The key IT gives in the environment (servers), if any: then nothing is kept in a secret store. */
export function keyFromEnvironment(env: NodeJS.ProcessEnv): boolean {
  const value = env[DATABASE_KEY_ENV];
  return value !== undefined && value !== '';
}

/**
 * Re-encrypts the open log with a new random key (SQLCipher's rekey, every page rewritten in one
 * transaction), for a key that may be in backups: the old key then opens no current copy. Crash
 * safe: the new key is stored (as `calllog.key.next`) before the rekey, the key check and the key
 * itself after it, so the next opening finds whichever key the file has (call-log.ts). The log's
 * writer must not run meanwhile. Returns the new key and how long the rekey took.
 */
export async function rekeyDatabase(
  db: { pragma(source: string): unknown },
  secrets: SecretStore,
  checkFile: string,
): Promise<{ key: string; ms: number }> {
  const key = randomBytes(32).toString('hex');
  await secrets.set(DATABASE_KEY_NEXT_SECRET, key);
  const started = performance.now();
  // Everything into the main file first, and out of the WAL afterwards: no frame under the old key stays.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma(`rekey="x'${key}'"`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const ms = performance.now() - started;
  await writeKeyCheck(checkFile, key);
  await secrets.set(DATABASE_KEY_SECRET, key);
  await secrets.delete(DATABASE_KEY_NEXT_SECRET);
  return { key, ms };
}
