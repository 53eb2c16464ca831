import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '../core/files';
import { makeFolder } from '../core/folders';
import type { Logger } from '../core/log';
import type { SecretProtection, SecretStore } from '../ports';

/**
 * Where secrets go when the operating system has no keystore, and how secrets written beside the
 * data by earlier versions are moved out. Used by the Node hosts (node-secrets.ts) and by the
 * Electron host when safeStorage only has `basic_text` (Linux without a keyring).
 */

import { REKEY_NEEDED_SECRET } from '../calllog/database-key';
import { SIP_PASSWORD_EXPOSED_SECRET } from '../telephony/secret-names';

/**
 * A short, stable name for one data folder: a machine may have several (a test, two browser
 * hosts), and each keeps its own secrets.
 */
export function secretScope(dataDir: string): string {
  return createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
}

/**
 * The folder for secrets without a keystore: `$XDG_STATE_HOME/hotline-desk` (default
 * ~/.local/state/hotline-desk), `%LOCALAPPDATA%\HotlineDesk\state` on Windows. Never the data folder:
 * a copy of the data folder (a backup, a roaming profile) must not carry its own key.
 */
export function secretsStateDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'HotlineDesk', 'state');
  const stateHome = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : null;
  return join(stateHome ?? join(homedir(), '.local', 'state'), 'hotline-desk');
}

export function stateSecretsFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, dataDir: string): string {
  return join(secretsStateDir(env, platform), `secrets-${secretScope(dataDir)}.json`);
}

const secretsFileSchema = z.record(z.string(), z.string());

/** Overwrites a file with zeros, flushes it, and removes it. (Copies in backups remain: hence the re-key.) */
export async function shredFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
  if (handle === null) return;
  try {
    const { size } = await handle.stat();
    await handle.write(Buffer.alloc(size), 0, size, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.unlink(file);
}

/**
 * Secrets in a JSON file only its owner can read (folder 0700, file 0600). Not protected by the
 * operating system: whoever can read the owner's files (a backup of the home folder) reads them.
 */
export class FileSecretStore implements SecretStore {
  readonly protection: SecretProtection;
  readonly file: string;

  constructor(file: string, protection: SecretProtection = { protected: false, backend: 'file', location: file }) {
    this.file = file;
    this.protection = protection;
  }

  async get(name: string): Promise<string | null> {
    const all = await this.entries();
    return Object.hasOwn(all, name) ? (all[name] ?? null) : null;
  }

  async set(name: string, value: string): Promise<void> {
    const all = await this.entries();
    all[name] = value;
    await this.write(all);
  }

  async delete(name: string): Promise<void> {
    const all = await this.entries();
    if (!Object.hasOwn(all, name)) return;
    delete all[name];
    await this.write(all);
  }

  /** Every secret in the file ({} when there is none). */
  async entries(): Promise<Record<string, string>> {
    const text = await readTextIfExists(this.file);
    if (text === null) return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not a secrets file written by Hotline Desk (not JSON)`);
    }
    const parsed = secretsFileSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${this.file} is not a secrets file written by Hotline Desk`);
    return { ...parsed.data };
  }

  private async write(all: Record<string, string>): Promise<void> {
    await makeFolder(resolve(this.file, '..'), 0o700);
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
    await fs.chmod(this.file, 0o600);
  }
}

/** Where secrets were before, to be moved: read all of them, then destroy what held them. */
export interface SecretSource {
  readonly description: string;
  entries(): Promise<Record<string, string>>;
  destroy(): Promise<void>;
}

/** A secrets file, as a source to move out of (overwritten and removed once moved). */
export function fileSource(file: string, read: (file: string) => Promise<Record<string, string>>): SecretSource {
  return { description: file, entries: () => read(file), destroy: () => shredFile(file) };
}

/**
 * Moves every secret from `source` into `target`, then destroys the source. A secret the target
 * holds already (with another value) is kept as the target has it: the source is the older copy.
 * When `exposed` (the source lay beside the data), what moved is marked: the call log key (the log
 * is re-keyed at its next opening) and the SIP password (to be changed at the PBX).
 */
export async function relocateSecrets(
  source: SecretSource,
  target: SecretStore,
  options: { readonly exposed: boolean; readonly log: Logger },
): Promise<string[]> {
  const entries = await source.entries();
  const moved: string[] = [];
  for (const [name, value] of Object.entries(entries)) {
    if ((await target.get(name)) === null) await target.set(name, value);
    if ((await target.get(name)) === null) throw new Error(`${name} could not be moved to the secret store`);
    moved.push(name);
  }
  if (options.exposed) {
    if (moved.includes('calllog.key')) await target.set(REKEY_NEEDED_SECRET, new Date().toISOString());
    if (moved.includes('sip.password')) await target.set(SIP_PASSWORD_EXPOSED_SECRET, new Date().toISOString());
  }
  await source.destroy();
  if (moved.length > 0)
    options.log.warn('secrets moved out of where they were', {
      from: options.exposed ? 'the data folder' : 'the state folder',
      secrets: moved.join(', '),
    });
  return moved;
}
