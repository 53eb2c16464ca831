import { execFileSync } from 'node:child_process';
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyCheckValue } from '../../src/main/calllog/database-key';
import {
  ensureRecoveryCopy,
  KeyRecoveryError,
  publicKeyFingerprint,
  readRecoveryCopy,
  RECOVERY_FILE,
  unwrapRecoveryCopy,
  type RecoveryCopy,
} from '../../src/main/calllog/key-recovery';
import { tempDir } from '../support/temp';

/*
 * The recovery copy of the call log key: written 0600 beside the log, only when something
 * changed; unwrapped only by the recipient's private key and only when it passes its check; and
 * readable by openssl alone, so IT can recover a key even without Hotline Desk.
 */

const OPENSSL = '/usr/bin/openssl';

interface Pair {
  readonly publicPem: string;
  readonly privatePem: string;
}

function rsaPair(bits: number): Pair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

// RSA key generation takes about a second each: once per file.
let recovery: Pair;
let other: Pair;
let encryptedPrivatePem: string;
beforeAll(() => {
  recovery = rsaPair(3072);
  other = rsaPair(3072);
  encryptedPrivatePem = generateKeyPairSync('rsa', { modulusLength: 3072 })
    .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' })
    .toString();
});

const newKey = (): string => randomBytes(32).toString('hex');
const NOW = new Date('2026-03-01T08:00:00Z');

async function copyIn(dataDir: string): Promise<RecoveryCopy> {
  const copy = await readRecoveryCopy(dataDir);
  if (copy === null) throw new Error('no recovery copy');
  return copy;
}

/** Flips one bit of a base64 text's bytes (the text stays valid base64). */
function flipBit(base64: string, byte: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('the recovery copy of the call log key', () => {
  it('is written beside the log, readable by its owner only, and names the recipient and the key check', async () => {
    const dataDir = await tempDir();
    const key = newKey();
    expect(await ensureRecoveryCopy(dataDir, key, recovery.publicPem, NOW)).toBe(true);
    const file = join(dataDir, RECOVERY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const copy = await copyIn(dataDir);
    expect(copy).toMatchObject({
      version: 1,
      algorithm: 'RSA-OAEP-SHA256',
      recipient: publicKeyFingerprint(recovery.publicPem),
      check: keyCheckValue(key),
      createdAt: NOW.toISOString(),
    });
    // 3072-bit RSA: the wrapped key is one modulus long.
    expect(Buffer.from(copy.wrappedKey, 'base64')).toHaveLength(384);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(key);
    expect(text).not.toContain(Buffer.from(key, 'hex').toString('base64'));
  });

  it('is not rewritten for the same key and recipient; it is for a new recovery key or a new log key', async () => {
    const dataDir = await tempDir();
    const key = newKey();
    const file = join(dataDir, RECOVERY_FILE);
    await ensureRecoveryCopy(dataDir, key, recovery.publicPem, NOW);
    const first = await readFile(file, 'utf8');
    const later = new Date(NOW.getTime() + 60_000);
    expect(await ensureRecoveryCopy(dataDir, key, recovery.publicPem, later)).toBe(false);
    // Byte for byte the same file (OAEP is randomised: a rewrite would differ).
    expect(await readFile(file, 'utf8')).toBe(first);

    expect(await ensureRecoveryCopy(dataDir, key, other.publicPem, later)).toBe(true);
    const forOther = await copyIn(dataDir);
    expect(forOther.recipient).toBe(publicKeyFingerprint(other.publicPem));
    expect(forOther.createdAt).toBe(later.toISOString());
    expect(unwrapRecoveryCopy(forOther, other.privatePem)).toBe(key);
    // The old recovery key no longer recovers it.
    expect(() => unwrapRecoveryCopy(forOther, recovery.privatePem)).toThrow(KeyRecoveryError);

    const anotherKey = newKey();
    expect(await ensureRecoveryCopy(dataDir, anotherKey, other.publicPem, later)).toBe(true);
    expect(unwrapRecoveryCopy(await copyIn(dataDir), other.privatePem)).toBe(anotherKey);
  });

  it('does nothing without a recovery key in policy', async () => {
    const dataDir = await tempDir();
    expect(await ensureRecoveryCopy(dataDir, newKey(), '', NOW)).toBe(false);
    expect(await readRecoveryCopy(dataDir)).toBeNull();
  });

  it('unwraps to the same key with the recipient’s private key (3072-bit RSA)', async () => {
    const dataDir = await tempDir();
    const key = newKey();
    await ensureRecoveryCopy(dataDir, key, recovery.publicPem, NOW);
    expect(unwrapRecoveryCopy(await copyIn(dataDir), recovery.privatePem)).toBe(key);
  });

  it('rewrites a copy it cannot read instead of keeping it', async () => {
    const dataDir = await tempDir();
    const key = newKey();
    await writeFile(join(dataDir, RECOVERY_FILE), '{ not json');
    expect(await ensureRecoveryCopy(dataDir, key, recovery.publicPem, NOW)).toBe(true);
    expect(unwrapRecoveryCopy(await copyIn(dataDir), recovery.privatePem)).toBe(key);
  });

  describe('refuses a recovery key that is not a public RSA key of at least 3072 bits', () => {
    it.each([
      [
        'a 2048-bit RSA key',
        () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
        /at least 3072 bits, the key has 2048/,
      ],
      ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, /expected an RSA key, got ec/],
    ])('%s', async (_name, make, message) => {
      const dataDir = await tempDir();
      const pem = make().export({ type: 'spki', format: 'pem' }).toString();
      const attempt = ensureRecoveryCopy(dataDir, newKey(), pem, NOW);
      await expect(attempt).rejects.toThrow(KeyRecoveryError);
      await expect(attempt).rejects.toThrow(message);
      expect(await readRecoveryCopy(dataDir)).toBeNull();
    });

    it('garbage in PEM armour', async () => {
      const dataDir = await tempDir();
      const pem = `-----BEGIN PUBLIC KEY-----\n${randomBytes(300).toString('base64')}\n-----END PUBLIC KEY-----\n`;
      await expect(ensureRecoveryCopy(dataDir, newKey(), pem, NOW)).rejects.toThrow(/not a readable public key in PEM/);
      await expect(ensureRecoveryCopy(dataDir, newKey(), 'hello', NOW)).rejects.toThrow(KeyRecoveryError);
      expect(await readRecoveryCopy(dataDir)).toBeNull();
    });

    it('a private key (which would put the organisation’s private key into every laptop’s policy)', async () => {
      const dataDir = await tempDir();
      await expect(ensureRecoveryCopy(dataDir, newKey(), recovery.privatePem, NOW)).rejects.toThrow(
        /holds a private key/,
      );
      expect(await readRecoveryCopy(dataDir)).toBeNull();
    });
  });

  describe('unwrapping refuses', () => {
    it('a private key that is not the copy’s recipient, naming both fingerprints', async () => {
      const dataDir = await tempDir();
      await ensureRecoveryCopy(dataDir, newKey(), recovery.publicPem, NOW);
      const copy = await copyIn(dataDir);
      const mine = publicKeyFingerprint(other.publicPem);
      let caught: unknown;
      try {
        unwrapRecoveryCopy(copy, other.privatePem);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(KeyRecoveryError);
      const message = (caught as Error).message;
      expect(message).toMatch(/does not belong to the recovery copy/);
      expect(message).toContain(mine.slice(0, 16));
      expect(message).toContain(copy.recipient.slice(0, 16));
    });

    it('an EC private key, and text that is no private key', async () => {
      const dataDir = await tempDir();
      await ensureRecoveryCopy(dataDir, newKey(), recovery.publicPem, NOW);
      const copy = await copyIn(dataDir);
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      expect(() => unwrapRecoveryCopy(copy, ec)).toThrow(/does not belong to the recovery copy/);
      expect(() => unwrapRecoveryCopy(copy, 'garbage')).toThrow(/the private key cannot be read/);
      // The public key where the private one belongs.
      expect(() => unwrapRecoveryCopy(copy, recovery.publicPem)).toThrow(/the private key cannot be read/);
    });

    it('a tampered wrapped key', async () => {
      const dataDir = await tempDir();
      await ensureRecoveryCopy(dataDir, newKey(), recovery.publicPem, NOW);
      const copy = await copyIn(dataDir);
      const tampered = { ...copy, wrappedKey: flipBit(copy.wrappedKey, 200) };
      expect(() => unwrapRecoveryCopy(tampered, recovery.privatePem)).toThrow(
        /cannot be decrypted with this private key \(damaged copy\?\)/,
      );
      // Shortened: not one modulus long.
      const short = { ...copy, wrappedKey: Buffer.from(copy.wrappedKey, 'base64').subarray(1).toString('base64') };
      expect(() => unwrapRecoveryCopy(short, recovery.privatePem)).toThrow(KeyRecoveryError);
    });

    it('a tampered check value', async () => {
      const dataDir = await tempDir();
      await ensureRecoveryCopy(dataDir, newKey(), recovery.publicPem, NOW);
      const copy = await copyIn(dataDir);
      const check = `${copy.check.slice(0, -1)}${copy.check.endsWith('0') ? '1' : '0'}`;
      expect(() => unwrapRecoveryCopy({ ...copy, check }, recovery.privatePem)).toThrow(
        /fails its check: the recovery copy is damaged/,
      );
    });

    it('a wrapped value of the wrong length, even with a matching check', async () => {
      // A copy someone made by hand for a 16-byte "key": its check cannot be right for 32 bytes.
      const dataDir = await tempDir();
      await ensureRecoveryCopy(dataDir, newKey(), recovery.publicPem, NOW);
      const copy = await copyIn(dataDir);
      const half = randomBytes(16);
      const wrappedKey = publicEncrypt(
        { key: recovery.publicPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        half,
      ).toString('base64');
      expect(() =>
        unwrapRecoveryCopy({ ...copy, wrappedKey, check: keyCheckValue(half.toString('hex')) }, recovery.privatePem),
      ).toThrow(/fails its check/);
    });
  });

  describe('reading the file refuses', () => {
    async function written(change: (copy: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
      const dataDir = await tempDir();
      await ensureRecoveryCopy(dataDir, newKey(), recovery.publicPem, NOW);
      const file = join(dataDir, RECOVERY_FILE);
      const copy = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, JSON.stringify(change(copy)));
      return dataDir;
    }

    it('unknown fields', async () => {
      const dataDir = await written((copy) => ({ ...copy, plainKey: 'ab'.repeat(32) }));
      await expect(readRecoveryCopy(dataDir)).rejects.toThrow(/is not a recovery file written by Hotline Desk/);
    });

    it('another version or algorithm, a malformed recipient, a wrapped key that is not base64', async () => {
      for (const change of [
        (copy: Record<string, unknown>) => ({ ...copy, version: 2 }),
        (copy: Record<string, unknown>) => ({ ...copy, algorithm: 'RSA-PKCS1' }),
        (copy: Record<string, unknown>) => ({ ...copy, recipient: 'ABC' }),
        (copy: Record<string, unknown>) => ({ ...copy, wrappedKey: 'not base64!' }),
        (copy: Record<string, unknown>) => {
          const { check: _check, ...rest } = copy;
          return rest;
        },
      ]) {
        const dataDir = await written(change);
        await expect(readRecoveryCopy(dataDir)).rejects.toThrow(KeyRecoveryError);
      }
    });

    it('text that is not JSON', async () => {
      const dataDir = await tempDir();
      await writeFile(join(dataDir, RECOVERY_FILE), 'wrapped: 1');
      await expect(readRecoveryCopy(dataDir)).rejects.toThrow(/is not valid JSON/);
    });
  });

  describe('an encrypted private key', () => {
    it('unwraps with the right passphrase and is refused with a wrong or missing one', async () => {
      const dataDir = await tempDir();
      const key = newKey();
      const publicPem = createPublicKey(createPrivateKey({ key: encryptedPrivatePem, passphrase: 'correct horse' }))
        .export({ type: 'spki', format: 'pem' })
        .toString();
      await ensureRecoveryCopy(dataDir, key, publicPem, NOW);
      const copy = await copyIn(dataDir);
      expect(unwrapRecoveryCopy(copy, encryptedPrivatePem, 'correct horse')).toBe(key);
      expect(() => unwrapRecoveryCopy(copy, encryptedPrivatePem, 'battery staple')).toThrow(
        /the private key cannot be read .*is the passphrase right\?/,
      );
      expect(() => unwrapRecoveryCopy(copy, encryptedPrivatePem)).toThrow(/the private key cannot be read/);
    });
  });

  describe('openssl agrees', () => {
    it('the recipient is the SHA-256 of the public key’s DER (openssl pkey -pubin -outform DER | sha256sum)', async () => {
      const dir = await tempDir();
      const file = join(dir, 'recovery.pub');
      await writeFile(file, recovery.publicPem);
      const der = execFileSync(OPENSSL, ['pkey', '-pubin', '-in', file, '-outform', 'DER']);
      const sum = execFileSync('sha256sum', { input: der }).toString().split(/\s+/)[0];
      expect(sum).toMatch(/^[0-9a-f]{64}$/);
      expect(publicKeyFingerprint(recovery.publicPem)).toBe(sum);
    });

    it('openssl alone decrypts the wrapped key with the private key (IT can recover without this tool)', async () => {
      const dataDir = await tempDir();
      const key = newKey();
      await ensureRecoveryCopy(dataDir, key, recovery.publicPem, NOW);
      const copy = await copyIn(dataDir);
      const privateFile = join(dataDir, 'priv.pem');
      const wrappedFile = join(dataDir, 'wrapped.bin');
      await writeFile(privateFile, recovery.privatePem, { mode: 0o600 });
      await writeFile(wrappedFile, Buffer.from(copy.wrappedKey, 'base64'));
      const raw = execFileSync(OPENSSL, [
        'pkeyutl',
        '-decrypt',
        '-inkey',
        privateFile,
        '-in',
        wrappedFile,
        '-pkeyopt',
        'rsa_padding_mode:oaep',
        '-pkeyopt',
        'rsa_oaep_md:sha256',
        '-pkeyopt',
        'rsa_mgf1_md:sha256',
      ]);
      expect(raw.toString('hex')).toBe(key);
    });
  });
});
