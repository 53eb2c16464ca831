import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SecretStore } from '../ports';
import { readTextIfExists, writeFileAtomic } from '../core/files';

/** Where the call log's key lives in the secret store (Electron: safeStorage; browser host and CLI: a 0600 file). */
export const DATABASE_KEY_SECRET = 'calllog.key';
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
