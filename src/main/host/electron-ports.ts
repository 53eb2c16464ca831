import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Notification, powerMonitor, safeStorage, type BrowserWindow } from 'electron';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '../core/files';
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

/** Secrets encrypted with safeStorage (DPAPI, Keychain, libsecret or kwallet), stored base64 in the data folder. */
export class SafeStorageSecretStore implements SecretStore {
  readonly protection: SecretProtection;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'secrets.safe.json');
    this.protection = safeStorageProtection();
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
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }

  async delete(name: string): Promise<void> {
    const all = await this.readAll();
    if (!Object.hasOwn(all, name)) return;
    delete all[name];
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
    await fs.chmod(this.file, 0o600);
  }

  private async readAll(): Promise<Record<string, string>> {
    const text = await readTextIfExists(this.file);
    return text === null ? {} : { ...storedSecretsSchema.parse(JSON.parse(text)) };
  }
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
