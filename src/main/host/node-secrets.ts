import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/log';
import type { KeystoreProblem, SecretProtection, SecretStore } from '../ports';
import { fileSource, FileSecretStore, relocateSecrets, secretScope, stateSecretsFile } from './secret-files';

/**
 * Secrets for the Node hosts (the browser host and the CLI outside Electron): the operating
 * system's keystore through @napi-rs/keyring (Windows Credential Manager, macOS Keychain, the
 * Secret Service on Linux), or, where there is none (a headless Linux box), a 0600 file in the
 * state folder, never in the data folder, and said so. On Linux the Secret Service is asked for
 * by name: the library's default would fall back silently to the kernel keyring, which is empty
 * after every reboot and would leave the call log without its key.
 */

export const KEYRING_SERVICE = 'Hotline Desk';
/** Where versions before this one kept the Node hosts' secrets, in clear text: beside the data. */
export const LEGACY_SECRETS_FILE = 'secrets.json';

/** The part of @napi-rs/keyring's AsyncEntry used here. */
interface KeyringEntry {
  setPassword(password: string, signal?: AbortSignal | null): Promise<void>;
  getPassword(signal?: AbortSignal | null): Promise<string | null>;
  deletePassword(signal?: AbortSignal | null): Promise<boolean>;
}

type EntryFactory = (account: string) => KeyringEntry;

/** A keystore that waits for its owner to unlock it (a desktop prompt) gets this long. */
const KEYSTORE_WAIT_MS = 60_000;

function keystoreBackend(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'credential_manager';
  if (platform === 'darwin') return 'keychain';
  return 'secret_service';
}

/** The OS keystore: one entry per secret and data folder (service "Hotline Desk", account "name@scope"). */
export class KeyringSecretStore implements SecretStore {
  readonly protection: SecretProtection;
  private readonly entry: EntryFactory;
  private readonly scope: string;

  constructor(entry: EntryFactory, scope: string, platform: NodeJS.Platform) {
    this.entry = entry;
    this.scope = scope;
    this.protection = { protected: true, backend: keystoreBackend(platform) };
  }

  async get(name: string): Promise<string | null> {
    return this.entry(this.account(name)).getPassword(AbortSignal.timeout(KEYSTORE_WAIT_MS));
  }

  async set(name: string, value: string): Promise<void> {
    await this.entry(this.account(name)).setPassword(value, AbortSignal.timeout(KEYSTORE_WAIT_MS));
  }

  async delete(name: string): Promise<void> {
    await this.entry(this.account(name)).deletePassword(AbortSignal.timeout(KEYSTORE_WAIT_MS));
  }

  private account(name: string): string {
    return `${name}@${this.scope}`;
  }
}

/** @napi-rs/keyring's entries, on Linux pinned to the Secret Service; or why the module does not load. */
async function loadKeyring(platform: NodeJS.Platform): Promise<EntryFactory | string> {
  try {
    const { AsyncEntry } = await import('@napi-rs/keyring');
    const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
    return (account) => new AsyncEntry(KEYRING_SERVICE, account, options);
  } catch (error) {
    return `the keystore module does not load (${error instanceof Error ? error.message.slice(0, 200) : 'unknown'})`;
  }
}

/** What a keystore's failure means, for the UI. */
export function keystoreProblem(reason: string): KeystoreProblem {
  if (/prompt was dismissed|is locked|locked collection|not unlocked/i.test(reason)) return 'keystore_locked';
  if (
    /dbus|d-bus|secrets service|secret service|org\.freedesktop\.secrets|ServiceUnknown|no such|not found/i.test(reason)
  )
    return 'no_keystore';
  return 'keystore_failed';
}

/** Whether the keystore works now: a value written, read back and removed. Otherwise why not. */
async function probe(entry: EntryFactory, scope: string): Promise<string | null> {
  try {
    const probeEntry = entry(`probe@${scope}`);
    const value = randomBytes(12).toString('hex');
    await probeEntry.setPassword(value, AbortSignal.timeout(KEYSTORE_WAIT_MS));
    const back = await probeEntry.getPassword(AbortSignal.timeout(KEYSTORE_WAIT_MS));
    await probeEntry.deletePassword(AbortSignal.timeout(KEYSTORE_WAIT_MS));
    return back === value ? null : 'the keystore did not give back what was stored';
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unknown error';
    // "Platform failure: DBus error: …", "Secret Service: unlock prompt was dismissed", …
    return message.replace(/\s+/g, ' ').slice(0, 200);
  }
}

export interface NodeSecretsOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly log: Logger;
  /** The keystore's entries (tests of the fallback pass a factory that fails). Default: @napi-rs/keyring. */
  readonly keyring?: EntryFactory;
}

export interface NodeSecrets {
  readonly store: SecretStore;
  /** Secrets moved out of the data folder at this opening (an installation of an earlier version). */
  readonly movedFromDataDir: readonly string[];
}

/**
 * The secret store for a data folder, ready to use: the keystore when it works, else the state
 * folder's file (with the reason). Secrets an earlier version left beside the data are moved
 * into it first (and marked: the call log is re-keyed, the SIP password is to be changed); a
 * keystore that works again takes over what the file held meanwhile.
 */
export async function openNodeSecrets(options: NodeSecretsOptions): Promise<NodeSecrets> {
  const scope = secretScope(options.dataDir);
  const stateFile = stateSecretsFile(options.env, options.platform, options.dataDir);
  const entry = options.keyring ?? (await loadKeyring(options.platform));
  const problem = typeof entry === 'string' ? entry : await probe(entry, scope);
  const stateStore = new FileSecretStore(stateFile, {
    protected: false,
    backend: 'file',
    location: stateFile,
    ...(problem !== null ? { reason: problem, reasonCode: keystoreProblem(problem) } : {}),
  });
  let store: SecretStore;
  if (problem === null && typeof entry !== 'string') {
    store = new KeyringSecretStore(entry, scope, options.platform);
    if (existsSync(stateFile))
      await relocateSecrets(
        fileSource(stateFile, () => stateStore.entries()),
        store,
        { exposed: false, log: options.log },
      );
  } else {
    options.log.warn('no keystore: secrets are kept in a file of the state folder', { reason: problem ?? '' });
    store = stateStore;
  }
  const legacy = join(options.dataDir, LEGACY_SECRETS_FILE);
  const movedFromDataDir = existsSync(legacy)
    ? await relocateSecrets(
        fileSource(legacy, (file) => new FileSecretStore(file).entries()),
        store,
        { exposed: true, log: options.log },
      )
    : [];
  return { store, movedFromDataDir };
}
