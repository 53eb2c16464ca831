import { constants, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '../core/files';
import { checkRecoveryPublicKey } from '../settings/recovery-key-check';
import { keyCheckValue } from './database-key';

/**
 * The call log's key, also encrypted to the organisation's recovery public key (policy
 * security.recoveryPublicKey). DPAPI, the Keychain or libsecret hold the key for one OS
 * profile: a profile reset or an administrator's password reset loses it, and the log with it.
 * With this copy beside the log, IT recovers the key with the private key they keep offline.
 */
export const RECOVERY_FILE = 'call-log.key-recovery.json';

const ALGORITHM = 'RSA-OAEP-SHA256';

const recoveryFileSchema = z.strictObject({
  version: z.literal(1),
  algorithm: z.literal(ALGORITHM),
  /** SHA-256 of the recovery key's SubjectPublicKeyInfo (DER), hex: which organisation key. */
  recipient: z.string().regex(/^[0-9a-f]{64}$/),
  /** The key check value of the wrapped key: recovery proves it got the right key. */
  check: z.string().regex(/^[0-9a-f]{32}$/),
  wrappedKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  createdAt: z.string(),
});
export type RecoveryCopy = z.infer<typeof recoveryFileSchema>;

export class KeyRecoveryError extends Error {}

/** The SHA-256 fingerprint of a public key (as `openssl pkey -pubin -outform DER | sha256sum`). */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

export async function readRecoveryCopy(dataDir: string): Promise<RecoveryCopy | null> {
  const file = join(dataDir, RECOVERY_FILE);
  const text = await readTextIfExists(file);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyRecoveryError(`${file} is not valid JSON`);
  }
  const checked = recoveryFileSchema.safeParse(parsed);
  if (!checked.success) throw new KeyRecoveryError(`${file} is not a recovery file written by Hotline Desk`);
  return checked.data;
}

/**
 * Makes sure the recovery copy is there for this key and this recovery key; writes it when it
 * is missing or was made for another key. Returns whether a new copy was written.
 */
export async function ensureRecoveryCopy(
  dataDir: string,
  keyHex: string,
  publicKeyPem: string,
  now: Date,
): Promise<boolean> {
  if (publicKeyPem === '') return false;
  // createPublicKey also takes a private key (and derives its public half): the organisation's
  // private key must never sit in every laptop's policy, so a copy is never made to it.
  if (isPrivateKey(publicKeyPem))
    throw new KeyRecoveryError('security.recoveryPublicKey: holds a private key; policy takes the public key only');
  const problem = checkRecoveryPublicKey(publicKeyPem);
  if (problem !== null) throw new KeyRecoveryError(`security.recoveryPublicKey: ${problem}`);
  const recipient = publicKeyFingerprint(publicKeyPem);
  const check = keyCheckValue(keyHex);
  const existing = await readRecoveryCopy(dataDir).catch(() => null);
  if (existing && existing.recipient === recipient && existing.check === check) return false;
  const wrapped = publicEncrypt(
    { key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(keyHex, 'hex'),
  );
  const copy: RecoveryCopy = {
    version: 1,
    algorithm: ALGORITHM,
    recipient,
    check,
    wrappedKey: wrapped.toString('base64'),
    createdAt: now.toISOString(),
  };
  await writeFileAtomic(join(dataDir, RECOVERY_FILE), `${JSON.stringify(copy, null, 2)}\n`, 0o600);
  return true;
}

/**
 * Unwraps the call log's key with the organisation's private key (PEM; encrypted PEM with its
 * passphrase). Refuses a private key that does not belong to the copy's recipient, and a result
 * that fails the key check.
 */
export function unwrapRecoveryCopy(copy: RecoveryCopy, privateKeyPem: string, passphrase?: string): string {
  let privateKey;
  try {
    privateKey = createPrivateKey(passphrase === undefined ? privateKeyPem : { key: privateKeyPem, passphrase });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw new KeyRecoveryError(`the private key cannot be read (${reason}); is it PEM, and is the passphrase right?`);
  }
  const recipient = createHash('sha256')
    .update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))
    .digest('hex');
  if (recipient !== copy.recipient)
    throw new KeyRecoveryError(
      `this private key does not belong to the recovery copy (its key is ${recipient.slice(0, 16)}…, the copy was made for ${copy.recipient.slice(0, 16)}…)`,
    );
  let raw: Buffer;
  try {
    raw = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(copy.wrappedKey, 'base64'),
    );
  } catch {
    throw new KeyRecoveryError('the recovery copy cannot be decrypted with this private key (damaged copy?)');
  }
  const keyHex = raw.toString('hex');
  if (raw.length !== 32 || keyCheckValue(keyHex) !== copy.check)
    throw new KeyRecoveryError('the recovered key fails its check: the recovery copy is damaged');
  return keyHex;
}
