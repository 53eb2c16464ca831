import { existsSync, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { Notification, powerMonitor, safeStorage, type BrowserWindow } from 'electron';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '../core/files';
import { makeFolder } from '../core/folders';
import type { Logger } from '../core/log';
import { relocateSecrets, shredFile, stateSecretsFile } from './secret-files';
import type { Attention, Notifier, PowerEvents, SecretProtection, SecretStore } from '../ports';

/** Electron implementations of the ports. Only this file and electron-main.ts import `electron`. */

const storedSecretsSchema = z.record(z.string(), z.string());

/** Linux backends that do not protect anything: the key would sit beside the data. */
const UNPROTECTED_BACKENDS = new Set(['basic_text', 'unknown']);

export function safeStorageProtection(): SecretProtection {
  if (!safeStorage.isEncryptionAvailable()) return { protected: false, backend: 'unavailable' };
  if (process.platform === 'win32') return { protected: true, backend: 'dpapi' };
  if (process.platform === 'darwin') return { protected: true, backend: 'keychain' };
  const backend = safeStorage.getSelectedStorageBackend();
  return { protected: !UNPROTECTED_BACKENDS.has(backend), backend };
}

/** Secrets encrypted with safeStorage (DPAPI, Keychain, libsecret or kwallet), stored base64 in one file. */
export class SafeStorageSecretStore implements SecretStore {
  readonly protection: SecretProtection;
  readonly file: string;

  constructor(file: string, protection: SecretProtection = safeStorageProtection()) {
    this.file = file;
    this.protection = protection;
  }

  async get(name: string): Promise<string | null> {
    const all = await this.readAll();
    const sealed = all[name];
    return sealed === undefined ? null : safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  async set(name: string, value: string): Promise<void> {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('The operating system offers no secret storage.');
    const all = await this.readAll();
    all[name] = safeStorage.encryptString(value).toString('base64');
    await makeFolder(dirname(this.file));
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }

  async delete(name: string): Promise<void> {
    const all = await this.readAll();
    if (!Object.hasOwn(all, name)) return;
    delete all[name];
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
    await fs.chmod(this.file, 0o600);
  }

  /** Every secret, unsealed (to move them). */
  async entries(): Promise<Record<string, string>> {
    const all = await this.readAll();
    return Object.fromEntries(
      Object.entries(all).map(([name, sealed]) => [name, safeStorage.decryptString(Buffer.from(sealed, 'base64'))]),
    );
  }

  private async readAll(): Promise<Record<string, string>> {
    const text = await readTextIfExists(this.file);
    return text === null ? {} : { ...storedSecretsSchema.parse(JSON.parse(text)) };
  }
}

/** Where the Electron host's secrets were kept by earlier versions, whatever protected them. */
export const SAFE_STORAGE_FILE = 'secrets.safe.json';

/**
 * The Electron host's secret store for a data folder. Sealed by the operating system (DPAPI,
 * Keychain, libsecret, KWallet) it stays in the data folder; with `basic_text` (Linux without a
 * keyring) the seal protects nothing, so the file goes to the state folder, as the Node hosts'
 * (secret-files.ts), and a file an earlier version left in the data folder is moved there (the
 * call log is then re-keyed and the SIP password marked to be changed).
 */
export async function openElectronSecrets(dataDir: string, log: Logger): Promise<SafeStorageSecretStore> {
  const protection = safeStorageProtection();
  const inDataDir = join(dataDir, SAFE_STORAGE_FILE);
  if (protection.protected) return new SafeStorageSecretStore(inDataDir, protection);
  const file = stateSecretsFile(process.env, process.platform, dataDir).replace(/\.json$/, '.safe.json');
  const store = new SafeStorageSecretStore(file, {
    ...protection,
    location: file,
    ...(protection.backend === 'basic_text'
      ? {
          reason: 'no keyring on this desktop: safeStorage has only basic_text, which protects nothing',
          reasonCode: 'basic_text' as const,
        }
      : { reason: 'the operating system offers no secret storage', reasonCode: 'no_keystore' as const }),
  });
  if (existsSync(inDataDir)) {
    const legacy = new SafeStorageSecretStore(inDataDir, protection);
    await relocateSecrets(
      { description: inDataDir, entries: () => legacy.entries(), destroy: () => shredFile(inDataDir) },
      store,
      { exposed: true, log },
    );
  }
  return store;
}

export const electronPowerEvents: PowerEvents = {
  onSuspend(listener) {
    powerMonitor.on('suspend', listener);
    return () => powerMonitor.off('suspend', listener);
  },
  onResume(listener) {
    powerMonitor.on('resume', listener);
    powerMonitor.on('unlock-screen', listener);
    return () => {
      powerMonitor.off('resume', listener);
      powerMonitor.off('unlock-screen', listener);
    };
  },
};

const shownNotifications = new Map<string, Notification>();

export const electronNotifier: Notifier = {
  show(notice) {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body, silent: true });
    if (notice.tag !== undefined) {
      shownNotifications.get(notice.tag)?.close();
      shownNotifications.set(notice.tag, notification);
      notification.on('close', () => {
        if (shownNotifications.get(notice.tag!) === notification) shownNotifications.delete(notice.tag!);
      });
    }
    notification.show();
  },
  withdraw(tag) {
    shownNotifications.get(tag)?.close();
    shownNotifications.delete(tag);
  },
};

export function windowAttention(getWindow: () => BrowserWindow | null): Attention {
  return {
    request() {
      const window = getWindow();
      if (window && !window.isFocused()) window.flashFrame(true);
    },
    cancel() {
      getWindow()?.flashFrame(false);
    },
  };
}
