import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import { CALL_LOG_FILE, CallLog, KEY_CHECK_FILE } from '../../src/main/calllog/call-log';
import {
  DATABASE_KEY_NEXT_SECRET,
  DATABASE_KEY_SECRET,
  keyCheckValue,
  REKEY_NEEDED_SECRET,
} from '../../src/main/calllog/database-key';
import { FileSecretStore } from '../../src/main/host/secret-files';
import { LEGACY_SECRETS_FILE } from '../../src/main/host/node-secrets';
import { newInboundCall } from '../../src/main/telephony/call-state';
import { SIP_PASSWORD_EXPOSED_SECRET, SIP_PASSWORD_SECRET } from '../../src/main/telephony/secret-names';
import { startApp } from '../support/app';
import { auditRows } from '../support/call-log-data';
import { recordingLogger } from '../support/logs';
import { executable, requirement } from '../support/requirements';
import { testSecrets } from '../support/secrets';
import { decryptedPages, openRaw, plaintextFound } from '../support/sqlcipher-pages';
import { tempDir } from '../support/temp';

/**
 * The call log's key and the SIP password are never kept beside the data: on real files, with the
 * real hosts' secret store (here without a keystore, as on a headless Linux box), an installation
 * of an earlier version moved out and re-keyed, and the keystore path against a real Secret
 * Service (gnome-keyring in a D-Bus session of the test's own).
 */

const context = { clientId: 'test' };
const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** Every file below a folder. */
async function filesBelow(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every form a secret could take in a file: text (UTF-8, UTF-16), its bytes, hex upper and lower, Base64. */
function forms(secret: string, kind: 'hex-key' | 'text'): Buffer[] {
  const text = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  if (kind === 'text') return text;
  const bytes = Buffer.from(secret, 'hex');
  return [
    ...text,
    Buffer.from(secret.toUpperCase(), 'utf8'),
    bytes,
    Buffer.from(bytes.toString('base64'), 'utf8'),
    Buffer.from(bytes.toString('base64url'), 'utf8'),
  ];
}

/** The files below `folder` that hold `secret` in any of its forms. */
async function filesHolding(folder: string, secret: string, kind: 'hex-key' | 'text'): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesBelow(folder)) {
    const bytes = await readFile(file);
    if (forms(secret, kind).some((form) => bytes.includes(form))) found.push(file);
  }
  return found;
}

function ringingCall(id: string) {
  return newInboundCall(id, { number: '+4930123456', name: 'Erika Mustermann', anonymous: false }, Date.now(), 'HL-1');
}

describe('secrets without a keystore (a headless Linux box)', () => {
  it('keeps the key and the SIP password in the state folder (0700, 0600); no file of the data folder holds them', async () => {
    const dataDir = await tempDir();
    const app = await startApp(dataDir);
    apps.push(app);
    const password = `Pw-${randomBytes(9).toString('base64url')}`;
    expect(await app.dispatch('calls.setPassword', { password }, context)).toMatchObject({ ok: true });
    const info = await app.dispatch('app.info', {}, context);
    const store = testSecrets(dataDir);
    expect(info).toMatchObject({
      ok: true,
      value: { secretStorage: { protected: false, backend: 'file', location: store.file } },
    });
    await app.close();

    const key = (await store.get(DATABASE_KEY_SECRET))!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.get(SIP_PASSWORD_SECRET)).toBe(password);
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(store.file))).mode & 0o777).toBe(0o700);
    expect(store.file.startsWith(dataDir)).toBe(false);
    expect(await filesHolding(dataDir, key, 'hex-key')).toEqual([]);
    expect(await filesHolding(dataDir, password, 'text')).toEqual([]);
    expect(existsSync(join(dataDir, LEGACY_SECRETS_FILE))).toBe(false);
  });

  it('moves an earlier version’s secrets.json out of the data folder, re-keys the log, audits it, and asks for a new SIP password', async () => {
    const dataDir = await tempDir();
    // As an earlier version left it: the key and the SIP password in clear text beside the log.
    const legacy = new FileSecretStore(join(dataDir, LEGACY_SECRETS_FILE));
    const old = await CallLog.open({
      dataDir,
      secrets: legacy,
      env: {},
      clock: { now: () => Date.now() },
      log: recordingLogger(),
    });
    await old.record(ringingCall('before-the-upgrade'));
    await old.close();
    const oldKey = (await legacy.get(DATABASE_KEY_SECRET))!;
    await legacy.set(SIP_PASSWORD_SECRET, 'the-old-password');
    const file = join(dataDir, CALL_LOG_FILE);
    expect(plaintextFound(decryptedPages(file, oldKey), ['Erika Mustermann'])).toEqual(['Erika Mustermann']);

    const app = await startApp(dataDir);
    apps.push(app);
    expect(await app.dispatch('calllog.get', { id: 'before-the-upgrade' }, context)).toMatchObject({
      ok: true,
      value: { remote: { name: 'Erika Mustermann' } },
    });
    expect(await app.dispatch('calls.account', {}, context)).toMatchObject({
      ok: true,
      value: { hasPassword: true, passwordExposed: true },
    });
    const store = testSecrets(dataDir);
    const newKey = (await store.get(DATABASE_KEY_SECRET))!;
    expect(newKey).toMatch(/^[0-9a-f]{64}$/);
    expect(newKey).not.toBe(oldKey);
    expect(await store.get(REKEY_NEEDED_SECRET)).toBeNull();
    expect(await store.get(DATABASE_KEY_NEXT_SECRET)).toBeNull();
    // A new password is no longer the one in old backups.
    await app.dispatch('calls.setPassword', { password: 'the-new-password' }, context);
    expect(await app.dispatch('calls.account', {}, context)).toMatchObject({
      ok: true,
      value: { passwordExposed: false },
    });
    expect(await store.get(SIP_PASSWORD_EXPOSED_SECRET)).toBeNull();
    await app.close();

    expect(existsSync(join(dataDir, LEGACY_SECRETS_FILE))).toBe(false);
    // The old key (in backups of the data folder) opens the log no more: no page decrypts to
    // anything of it (neither the caller nor the schema), and SQLite refuses it.
    expect(plaintextFound(decryptedPages(file, oldKey), ['Erika Mustermann', 'CREATE TABLE'])).toEqual([]);
    expect(() => openRaw(file, oldKey, { readonly: true }).prepare('SELECT count(*) FROM calls').get()).toThrow(
      /not a database/,
    );
    expect(plaintextFound(decryptedPages(file, newKey), ['Erika Mustermann'])).toEqual(['Erika Mustermann']);
    expect(JSON.parse(await readFile(join(dataDir, KEY_CHECK_FILE), 'utf8'))).toEqual({
      version: 1,
      check: keyCheckValue(newKey),
    });
    for (const secret of [oldKey, newKey]) expect(await filesHolding(dataDir, secret, 'hex-key')).toEqual([]);
    for (const secret of ['the-old-password', 'the-new-password'])
      expect(await filesHolding(dataDir, secret, 'text')).toEqual([]);
    const rekey = auditRows({ dataDir, keyHex: newKey, policyFile: '' }).find((row) => row.record === 'key:calllog');
    expect(rekey).toMatchObject({ action: 'update', fields: ['key'], details: { ms: expect.any(Number) } });
  });

  it('completes a re-key a crash interrupted, whichever side of the rekey the crash fell on', async () => {
    for (const crash of ['before the rekey', 'after the rekey, before the key check'] as const) {
      const dataDir = await tempDir();
      const store = testSecrets(dataDir);
      const first = await CallLog.open({
        dataDir,
        secrets: store,
        env: {},
        clock: { now: () => Date.now() },
        log: recordingLogger(),
      });
      await first.record(ringingCall('kept'));
      await first.close();
      const oldKey = (await store.get(DATABASE_KEY_SECRET))!;
      const nextKey = randomBytes(32).toString('hex');
      await store.set(REKEY_NEEDED_SECRET, 'now');
      await store.set(DATABASE_KEY_NEXT_SECRET, nextKey);
      if (crash !== 'before the rekey') {
        const raw = openRaw(join(dataDir, CALL_LOG_FILE), oldKey);
        raw.pragma(`rekey="x'${nextKey}'"`);
        raw.close();
      }
      const log = await CallLog.open({
        dataDir,
        secrets: store,
        env: {},
        clock: { now: () => Date.now() },
        log: recordingLogger(),
      });
      expect(log.status, crash).toEqual({ state: 'open', calls: 1 });
      expect(log.get('kept').remote.name).toBe('Erika Mustermann');
      await log.close();
      const key = (await store.get(DATABASE_KEY_SECRET))!;
      expect([oldKey, nextKey].includes(key), crash).toBe(false);
      expect(await store.get(DATABASE_KEY_NEXT_SECRET)).toBeNull();
      expect(await store.get(REKEY_NEEDED_SECRET)).toBeNull();
      // Re-keyed once more (the marker was still set): neither key that a crash left opens it.
      for (const stale of [oldKey, nextKey])
        expect(plaintextFound(decryptedPages(join(dataDir, CALL_LOG_FILE), stale), ['Erika Mustermann'])).toEqual([]);
      expect(plaintextFound(decryptedPages(join(dataDir, CALL_LOG_FILE), key), ['Erika Mustermann'])).toEqual([
        'Erika Mustermann',
      ]);
    }
  });

  it('with policy requiring the keystore: the log stays closed and says why; no SIP password is stored', async () => {
    const dataDir = await tempDir();
    const policyFile = join(dataDir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'security.requireProtectedSecrets': true }));
    const app = await startApp(dataDir, {}, { policyFile });
    apps.push(app);
    const status = await app.dispatch('calllog.status', {}, context);
    expect(status).toMatchObject({
      ok: true,
      value: { state: 'secrets_unprotected', backend: 'file', reason: expect.stringMatching(/DBus|Secret Service/i) },
    });
    expect(await app.dispatch('calls.setPassword', { password: 'x' }, context)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/requires the operating system’s keystore/) },
    });
    expect(await testSecrets(dataDir).get(SIP_PASSWORD_SECRET)).toBeNull();
    expect(existsSync(join(dataDir, CALL_LOG_FILE))).toBe(false);
  });
});

const DBUS_RUN_SESSION = '/usr/bin/dbus-run-session';
const GNOME_KEYRING = '/usr/bin/gnome-keyring-daemon';
const SECRET_TOOL = '/usr/bin/secret-tool';
const secretService = requirement(
  `a Secret Service (${GNOME_KEYRING}, ${DBUS_RUN_SESSION}, ${SECRET_TOOL})`,
  executable(DBUS_RUN_SESSION) && executable(GNOME_KEYRING) && executable(SECRET_TOOL),
  'Install the Debian packages: apt-get install gnome-keyring dbus-daemon libsecret-tools (.ci/run does this).',
);

const CLI = join(process.cwd(), 'out', 'main', 'cli.js');

/**
 * Commands inside a D-Bus session of their own with gnome-keyring's Secret Service, unlocked with
 * a password, HOME in a folder of the test (where the keyring file lives between sessions).
 * `$CLI` is the built CLI; the script's output is what the test reads.
 */
function inKeyringSession(home: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const unlock = `printf keyring-password | ${GNOME_KEYRING} --unlock --components=secrets --daemonize >/dev/null`;
  return new Promise((resolve) => {
    execFile(
      DBUS_RUN_SESSION,
      ['--', 'sh', '-c', `${unlock} && ${script}`],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_RUNTIME_DIR: join(home, 'run'),
          XDG_DATA_HOME: join(home, 'data'),
          XDG_STATE_HOME: join(home, 'state'),
          CLI: `"${process.execPath}" "${CLI}"`,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(secretService.skip)('secrets in a real Secret Service (gnome-keyring)', () => {
  beforeAll(() => secretService.assert());

  it('keeps the call log key in the keystore, in no file of the home folder, and finds it again in the next session', async () => {
    const home = await tempDir();
    await mkdir(join(home, 'run'), { mode: 0o700 });
    const dataDir = join(home, 'data-folder');
    const info = await inKeyringSession(home, `eval "$CLI" info --json --data-dir "${dataDir}"`);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).secretStorage).toEqual({ protected: true, backend: 'secret_service' });

    const seeded = await inKeyringSession(home, `eval "$CLI" db seed --calls 20 --data-dir "${dataDir}"`);
    expect(seeded.code, seeded.stderr).toBe(0);
    // A new D-Bus session, the same keyring (unlocked again): the stored key opens the log.
    const status = await inKeyringSession(home, `eval "$CLI" key status --json --data-dir "${dataDir}"`);
    expect(status.code, status.stderr + status.stdout).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      storedKey: { state: 'present', opensLog: true },
      secretStorage: { protected: true, backend: 'secret_service' },
    });
    // The key as the Secret Service holds it (service "Hotline Desk", account "calllog.key@scope").
    const lookup = await inKeyringSession(home, `secret-tool search --all service "Hotline Desk" 2>&1`);
    const entry = /attribute\.username = (calllog\.key@[0-9a-f]{16})/.exec(lookup.stdout);
    expect(entry, lookup.stdout).not.toBeNull();
    const key = (
      await inKeyringSession(home, `secret-tool lookup service "Hotline Desk" username "${entry![1]}"`)
    ).stdout.trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // No file of the whole home folder holds it in any form: not the data folder, no state file
    // (there is none), not gnome-keyring's own file (encrypted with the keyring's password).
    expect(existsSync(join(home, 'state', 'hotline-desk'))).toBe(false);
    expect((await filesBelow(join(home, 'data', 'keyrings'))).length).toBeGreaterThan(0);
    expect(await filesHolding(home, key, 'hex-key')).toEqual([]);
  });
});
