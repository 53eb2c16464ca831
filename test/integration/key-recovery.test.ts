import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/main/app';
import { CALL_LOG_FILE, CallLog, KEY_CHECK_FILE } from '../../src/main/calllog/call-log';
import { DATABASE_KEY_SECRET } from '../../src/main/calllog/database-key';
import { publicKeyFingerprint, RECOVERY_FILE, type RecoveryCopy } from '../../src/main/calllog/key-recovery';
import { RECOVERY_PASSPHRASE_ENV, runCli, type CliEnvironment } from '../../src/main/host/cli/cli';
import type { LogRecord } from '../../src/main/core/log';
import { lockDataDir } from '../../src/main/host/data-dir-lock';
import type { SecretStore } from '../../src/main/ports';
import { testSecrets } from '../support/secrets';
import { policyFromFile } from '../../src/main/host/policy-locations';
import { auditRows, callLogData, type LogData } from '../support/call-log-data';
import { startApp } from '../support/app';
import { recordingLogger } from '../support/logs';
import { openRaw } from '../support/sqlcipher-pages';
import { tempDir } from '../support/temp';

/*
 * The story of a lost OS profile, end to end on real SQLCipher files: the app keeps a copy of the
 * call log key encrypted to the organisation's recovery key (policy); the profile's secret store
 * is lost; the app then reports the log's key missing and touches nothing; IT runs
 * `key recover --private-key priv.pem`; the app opens the log again with every call, and the
 * audit chain, which records both the copy and the recovery, verifies.
 */

interface Pair {
  readonly publicPem: string;
  readonly privatePem: string;
  readonly fingerprint: string;
}

function rsaPair(): Pair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicPem,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: publicKeyFingerprint(publicPem),
  };
}

// About a second each: once for the file.
let first: Pair;
let second: Pair;
beforeAll(() => {
  first = rsaPair();
  second = rsaPair();
});

const apps: App[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const app of apps.splice(0)) await app.close();
});

const context = { clientId: 'test' };

async function launch(data: LogData, tuning: { policyPollMs?: number } = {}): Promise<App> {
  const app = await startApp(data.dataDir, tuning, { policyFile: data.policyFile });
  apps.push(app);
  return app;
}

async function quit(app: App): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

async function logStatus(app: App): Promise<unknown> {
  const result = await app.dispatch('calllog.status', {}, context);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** What the app's (recording) logger kept. */
function recordsOf(app: App): readonly LogRecord[] {
  const log: object = app.ports.log;
  if (!('records' in log) || !Array.isArray(log.records)) throw new Error('the app was not given a recording logger');
  return log.records as LogRecord[];
}

/** The CLI in this process, on the data directory's file secret store, as `npm run cli` runs it. */
async function cli(
  argv: string[],
  data?: LogData,
  openSecrets: (dir: string) => SecretStore = (dir) => testSecrets(dir),
): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env: CliEnvironment = {
    io: { stdout: (text) => out.push(text), stderr: (text) => err.push(text) },
    host: 'node',
    defaultDataDir: data?.dataDir ?? (await tempDir()),
    machinePolicy: () => (data === undefined ? [] : policyFromFile(data.policyFile)),
    openSecrets,
  };
  const status = await runCli(argv, env);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

async function writePem(pem: string): Promise<string> {
  const file = join(await tempDir(), 'priv.pem');
  await writeFile(file, pem, { mode: 0o600 });
  return file;
}

async function readCopy(dataDir: string): Promise<RecoveryCopy> {
  return JSON.parse(await readFile(join(dataDir, RECOVERY_FILE), 'utf8')) as RecoveryCopy;
}

/** SHA-256 of every call log file (database, WAL, key check, recovery copy). */
async function logFiles(dataDir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const name of (await readdir(dataDir)).filter((each) => each.startsWith('call-log')).sort())
    hashes[name] = createHash('sha256')
      .update(await readFile(join(dataDir, name)))
      .digest('hex');
  return hashes;
}

async function storedKey(dataDir: string): Promise<string | null> {
  return testSecrets(dataDir).get(DATABASE_KEY_SECRET);
}

/** The OS profile is reset: its secret store (here the state folder's 0600 file) is gone. */
async function resetProfile(dataDir: string): Promise<void> {
  await rm(testSecrets(dataDir).file);
}

/** A log with calls whose key has a recovery copy for `pair`, written by the call log itself; the app is not running. */
async function recoverableLog(pair: Pair, calls = 25): Promise<LogData> {
  const data = await callLogData({
    seed: { count: calls, seed: 11 },
    policy: { 'security.recoveryPublicKey': pair.publicPem },
  });
  const log = await CallLog.open({
    dataDir: data.dataDir,
    secrets: testSecrets(data.dataDir),
    env: {},
    clock: { now: () => Date.now() },
    log: recordingLogger(),
    integrityCheck: false,
    recoveryPublicKey: () => pair.publicPem,
  });
  await log.close();
  expect((await readCopy(data.dataDir)).recipient).toBe(pair.fingerprint);
  return data;
}

describe('recovering the call log key after a lost OS profile', () => {
  it('the whole story: copy, profile reset (nothing lost), key recover, the log opens with every call, audited', async () => {
    const data = await callLogData({
      seed: { count: 120, seed: 5 },
      policy: { 'security.recoveryPublicKey': first.publicPem },
    });
    expect(existsSync(join(data.dataDir, RECOVERY_FILE))).toBe(false);

    // The app with the recovery key in policy: it writes the copy as it opens the log.
    let app = await launch(data);
    expect(await logStatus(app)).toEqual({ state: 'open', calls: 120 });
    const changed = await app.dispatch('settings.update', { key: 'ui.language', value: 'en' }, context);
    expect(changed.ok).toBe(true);
    const records: LogRecord[] = [...recordsOf(app)];
    await quit(app);

    const copyFile = join(data.dataDir, RECOVERY_FILE);
    expect((await stat(copyFile)).mode & 0o777).toBe(0o600);
    const copy = await readCopy(data.dataDir);
    expect(copy.recipient).toBe(first.fingerprint);
    expect(auditRows(data).filter((row) => row.record === 'key:recovery-copy')).toEqual([
      expect.objectContaining({ action: 'create', fields: [], details: { recipient: first.fingerprint } }),
    ]);

    // The profile is reset: the key is gone from the secret store; the log, its check and its copy stay.
    await resetProfile(data.dataDir);
    const before = await logFiles(data.dataDir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining([CALL_LOG_FILE, KEY_CHECK_FILE, RECOVERY_FILE]));
    app = await launch(data);
    expect(await logStatus(app)).toEqual({ state: 'wrong_key' });
    records.push(...recordsOf(app));
    await quit(app);
    // Nothing lost: not a byte of the log, its check or its copy changed, and no new key was made.
    expect(await logFiles(data.dataDir)).toEqual(before);
    expect(await storedKey(data.dataDir)).toBeNull();

    const missing = await cli(['key', 'status', '--json'], data);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      callLog: true,
      keyCheck: 'present',
      storedKey: { state: 'absent', opensLog: null },
      recoveryCopy: { file: copyFile, recipient: first.fingerprint, holdsLogKey: true },
      policyRecipient: first.fingerprint,
      problems: [expect.stringMatching(/key is missing .*IT can recover it/)],
    });

    // IT recovers the key with the organisation's private key.
    const recovered = await cli(['key', 'recover', '--private-key', await writePem(first.privatePem)], data);
    expect(recovered.stderr).toBe('');
    expect(recovered.status).toBe(0);
    expect(recovered.stdout).toContain(first.fingerprint);
    expect(recovered.stdout).toMatch(/stored it in this profile's secret store \(file/);
    expect(recovered.stdout).toMatch(/the call log opens: 120 calls/);
    expect(await storedKey(data.dataDir)).toBe(data.keyHex);
    // Only the key moved: the log's files are as they were until the CLI's own audit entry.
    expect((await logFiles(data.dataDir))[RECOVERY_FILE]).toBe(before[RECOVERY_FILE]);

    // The app opens the log again, with every call.
    app = await launch(data);
    expect(await logStatus(app)).toEqual({ state: 'open', calls: 120 });
    const page = await app.dispatch('calllog.list', { limit: 500 }, context);
    expect(page.ok && (page.value as { rows: unknown[] }).rows).toHaveLength(120);
    records.push(...recordsOf(app));
    await quit(app);

    const verified = await cli(['audit', 'verify', '--json'], data);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    const audit = auditRows(data);
    expect(audit.filter((row) => row.record?.startsWith('key:'))).toEqual([
      expect.objectContaining({
        action: 'create',
        record: 'key:recovery-copy',
        details: { recipient: first.fingerprint },
      }),
      expect.objectContaining({
        action: 'update',
        record: 'key:recovered',
        fields: [],
        details: { recipient: first.fingerprint },
      }),
    ]);

    const healthy = await cli(['key', 'status'], data);
    expect(healthy.stderr).toBe('');
    expect(healthy.status).toBe(0);
    expect(healthy.stdout).toMatch(/stored; it opens this log/);
    expect(healthy.stdout).toMatch(/it holds this log’s key/);

    // The key itself never reached the log output, the settings, the copy or the CLI's output.
    const rawKey = Buffer.from(data.keyHex, 'hex');
    const secretForms = [data.keyHex, data.keyHex.toUpperCase(), rawKey.toString('base64')];
    expect(records.some((record) => record.message === 'recovery copy of the call log key written')).toBe(true);
    const settingsText = await readFile(join(data.dataDir, 'settings.json'), 'utf8');
    expect(settingsText).toContain('"en"');
    const copyText = await readFile(copyFile, 'utf8');
    for (const text of [
      JSON.stringify(records),
      settingsText,
      copyText,
      ...[missing, recovered, verified, healthy].flatMap((run) => [run.stdout, run.stderr]),
    ])
      for (const secret of secretForms) expect(text).not.toContain(secret);
    expect((await readFile(join(data.dataDir, 'settings.json'))).includes(rawKey)).toBe(false);
  });

  it('a new recovery key in policy gets its copy while the app runs; the old private key no longer recovers', async () => {
    const data = await callLogData({
      seed: { count: 30, seed: 6 },
      policy: { 'security.recoveryPublicKey': first.publicPem },
    });
    const app = await launch(data, { policyPollMs: 100 });
    expect((await readCopy(data.dataDir)).recipient).toBe(first.fingerprint);

    await writeFile(data.policyFile, JSON.stringify({ 'security.recoveryPublicKey': second.publicPem }));
    await expect.poll(async () => (await readCopy(data.dataDir)).recipient).toBe(second.fingerprint);
    // Both copies are audited, in order (read beside the running app, read-only).
    const copies = (): unknown[] => {
      const db = openRaw(join(data.dataDir, CALL_LOG_FILE), data.keyHex, { readonly: true });
      try {
        return (
          db.prepare(`SELECT details FROM audit WHERE record = 'key:recovery-copy' ORDER BY seq`).all() as {
            details: string;
          }[]
        ).map((row) => JSON.parse(row.details) as unknown);
      } finally {
        db.close();
      }
    };
    await expect.poll(copies).toEqual([{ recipient: first.fingerprint }, { recipient: second.fingerprint }]);
    expect(recordsOf(app).filter((record) => record.message === 'recovery copy of the call log key written')).toEqual([
      expect.objectContaining({ fields: { recipient: first.fingerprint.slice(0, 16) } }),
      expect.objectContaining({ fields: { recipient: second.fingerprint.slice(0, 16) } }),
    ]);
    await quit(app);

    await resetProfile(data.dataDir);
    const stale = await cli(['key', 'recover', '--private-key', await writePem(first.privatePem)], data);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/this private key does not belong to the recovery copy/);
    expect(stale.stderr).toContain(first.fingerprint.slice(0, 16));
    expect(stale.stderr).toContain(second.fingerprint.slice(0, 16));
    expect(await storedKey(data.dataDir)).toBeNull();

    const current = await cli(['key', 'recover', '--private-key', await writePem(second.privatePem), '--json'], data);
    expect(current.status).toBe(0);
    expect(JSON.parse(current.stdout)).toMatchObject({
      recipient: second.fingerprint,
      keyCheck: 'match',
      secretStore: 'stored',
      calls: 30,
      audit: 'key:recovered',
    });
    expect(await storedKey(data.dataDir)).toBe(data.keyHex);
  });
});

describe('key recover refuses, and changes nothing', () => {
  it('without a recovery copy', async () => {
    const data = await callLogData({ seed: { count: 5, seed: 1 } });
    await resetProfile(data.dataDir);
    const result = await cli(['key', 'recover', '--private-key', await writePem(first.privatePem)], data);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/there is no recovery copy of the call log key .*security\.recoveryPublicKey/);
    expect(await storedKey(data.dataDir)).toBeNull();
  });

  it('a damaged copy: tampered wrapped key, unknown fields', async () => {
    const data = await recoverableLog(first);
    await resetProfile(data.dataDir);
    const file = join(data.dataDir, RECOVERY_FILE);
    const copy = await readCopy(data.dataDir);
    const bytes = Buffer.from(copy.wrappedKey, 'base64');
    bytes[100] = (bytes[100] ?? 0) ^ 0x40;
    await writeFile(file, JSON.stringify({ ...copy, wrappedKey: bytes.toString('base64') }));
    const key = await writePem(first.privatePem);
    const tampered = await cli(['key', 'recover', '--private-key', key], data);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toMatch(/cannot be decrypted with this private key \(damaged copy\?\)/);

    await writeFile(file, JSON.stringify({ ...copy, note: 'edited by hand' }));
    const unknown = await cli(['key', 'recover', '--private-key', key], data);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/the recovery copy is damaged: .* is not a recovery file written by Hotline Desk/);
    expect(await storedKey(data.dataDir)).toBeNull();

    const status = await cli(['key', 'status', '--json'], data);
    expect(status.status).toBe(1);
    expect(JSON.parse(status.stdout).recoveryCopy).toMatchObject({
      problem: expect.stringMatching(/not a recovery file/),
    });
  });

  it('a copy of another log’s key (the key check differs)', async () => {
    const mine = await recoverableLog(first);
    const theirs = await recoverableLog(first);
    await resetProfile(mine.dataDir);
    await copyFile(join(theirs.dataDir, RECOVERY_FILE), join(mine.dataDir, RECOVERY_FILE));
    const result = await cli(['key', 'recover', '--private-key', await writePem(first.privatePem)], mine);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the recovered key does not open the call log .*fails the log's key check/);
    expect(await storedKey(mine.dataDir)).toBeNull();
    expect(result.stderr).not.toContain(theirs.keyHex);
  });

  it('while the app holds the data directory', async () => {
    const data = await recoverableLog(first);
    await resetProfile(data.dataDir);
    const lock = await lockDataDir(data.dataDir, 'Electron app');
    try {
      const result = await cli(['key', 'recover', '--private-key', await writePem(first.privatePem)], data);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/in use by another Hotline Desk \(Electron app, process \d+\)\. Quit it first/);
      expect(await storedKey(data.dataDir)).toBeNull();
    } finally {
      await lock.release();
    }
  });

  it('to overwrite a different key in the secret store, unless --replace', async () => {
    const data = await recoverableLog(first);
    const other = randomBytes(32).toString('hex');
    await testSecrets(data.dataDir).set(DATABASE_KEY_SECRET, other);
    const key = await writePem(first.privatePem);
    const refused = await cli(['key', 'recover', '--private-key', key], data);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /already holds a different call log key \(calllog\.key\), one that does not open this call log\. It may be the key of another call log.*--replace/,
    );
    expect(refused.stderr).not.toContain(other);
    expect(await storedKey(data.dataDir)).toBe(other);

    const replaced = await cli(['key', 'recover', '--private-key', key, '--replace'], data);
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toMatch(/replaced the entry that was in this profile's secret store/);
    expect(await storedKey(data.dataDir)).toBe(data.keyHex);

    // Run again: the same key is there already; nothing to replace.
    const again = await cli(['key', 'recover', '--private-key', key, '--json'], data);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ secretStore: 'already_stored' });
  });

  it('a secret store sealed to the old profile (safeStorage after a reset), unless --replace', async () => {
    const data = await recoverableLog(first);
    // Electron's safeStorage after a profile reset: the file is there, its entries no longer
    // decrypt; a new entry can still be sealed and read back. (Electron cannot run here.)
    const sealed = new Set<string>([DATABASE_KEY_SECRET]);
    const resetStore = (dir: string): SecretStore => {
      const file = testSecrets(dir);
      return {
        protection: { protected: true, backend: 'dpapi' },
        get: async (name) => {
          if (sealed.has(name))
            throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
          return file.get(name);
        },
        set: async (name, value) => {
          sealed.delete(name);
          await file.set(name, value);
        },
        delete: (name) => file.delete(name),
      };
    };
    const key = await writePem(first.privatePem);
    const refused = await cli(['key', 'recover', '--private-key', key], data, resetStore);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/sealed to the old profile: run again with --replace/);
    const recovered = await cli(['key', 'recover', '--private-key', key, '--replace'], data, resetStore);
    expect(recovered.stderr).toBe('');
    expect(recovered.status).toBe(0);
    expect(await storedKey(data.dataDir)).toBe(data.keyHex);
  });

  it('an encrypted private key without its passphrase, or with a wrong one; it recovers with the right one', async () => {
    const data = await recoverableLog(first);
    await resetProfile(data.dataDir);
    const encrypted = createPrivateKey(first.privatePem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'Leitstelle 2026' })
      .toString();
    const key = await writePem(encrypted);

    vi.stubEnv(RECOVERY_PASSPHRASE_ENV, '');
    const none = await cli(['key', 'recover', '--private-key', key], data);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(
      /the private key is encrypted: put its passphrase in .*HOTLINE_DESK_RECOVERY_PASSPHRASE/,
    );

    vi.stubEnv(RECOVERY_PASSPHRASE_ENV, 'Leitstelle 2025');
    const wrong = await cli(['key', 'recover', '--private-key', key], data);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/the private key cannot be read .*is the passphrase right\?/);
    expect(await storedKey(data.dataDir)).toBeNull();

    vi.stubEnv(RECOVERY_PASSPHRASE_ENV, 'Leitstelle 2026');
    const right = await cli(['key', 'recover', '--private-key', key], data);
    expect(right.stderr).toBe('');
    expect(right.status).toBe(0);
    expect(await storedKey(data.dataDir)).toBe(data.keyHex);
  });

  it('a wrong command line (exit 2), and a data directory without a log (exit 1)', async () => {
    const data = await recoverableLog(first);
    const key = await writePem(first.privatePem);
    for (const argv of [
      ['key'],
      ['key', 'frob'],
      ['key', 'recover'],
      ['key', 'recover', '--private-key'],
      ['key', 'recover', '--private-key', join(data.dataDir, 'no-such.pem')],
      ['key', 'recover', 'now', '--private-key', key],
      ['key', 'status', '--private-key', key],
      ['key', 'status', '--replace'],
      ['key', 'recover', '--private-key', key, '--passphrase', 'x'],
    ]) {
      const result = await cli(argv, data);
      expect(result.status, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(/Usage: hotline-desk key /);
    }
    const empty = await cli(['key', 'recover', '--private-key', key, '--data-dir', await tempDir()]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/there is no call log in /);
    // Usage lists both.
    const help = await cli(['help']);
    expect(help.stdout).toMatch(/key status \[--data-dir DIR\] \[--json\]/);
    expect(help.stdout).toMatch(/key recover --private-key FILE/);
  });
});

describe('the SIP password', () => {
  it('is in the secret store and in no other file of the data directory, nor in the log output', async () => {
    const dataDir = await tempDir();
    const app = await startApp(dataDir);
    apps.push(app);
    const password = `Pw-${randomBytes(9).toString('base64url')}`;
    const set = await app.dispatch('calls.setPassword', { password }, context);
    expect(set).toEqual({ ok: true, value: expect.objectContaining({ hasPassword: true }) });
    expect((await app.dispatch('settings.update', { key: 'sip.authUser', value: '1001' }, context)).ok).toBe(true);
    const records = recordsOf(app);
    await quit(app);

    const files = (await readdir(dataDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files).toContain(join(dataDir, 'settings.json'));
    expect(files).toContain(join(dataDir, CALL_LOG_FILE));
    const forms = [Buffer.from(password, 'utf8'), Buffer.from(password, 'utf16le')];
    for (const file of files) {
      const bytes = await readFile(file);
      for (const form of forms) expect(bytes.includes(form), file).toBe(false);
    }
    // It is in the secret store (here, without a keystore, the state folder's file).
    expect(await testSecrets(dataDir).get('sip.password')).toBe(password);
    // Inside the encrypted log too: the audit names the secret, never its value.
    const key = await storedKey(dataDir);
    const db = openRaw(join(dataDir, CALL_LOG_FILE), key!, { readonly: true });
    try {
      const audit = JSON.stringify(db.prepare('SELECT * FROM audit').all());
      expect(audit).toContain('secret:sip.password');
      expect(audit).not.toContain(password);
    } finally {
      db.close();
    }
    expect(JSON.stringify(records)).not.toContain(password);
  });
});
