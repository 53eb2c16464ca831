import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/result';

export const LOCK_FILE = 'hotline-desk.lock';

const lockSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  since: z.string(),
  /** When the machine last booted (ms): a lock from before a reboot is stale even if its pid runs again. */
  bootedAt: z.number().optional(),
});

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** For tests: when this machine booted (ms since the epoch). */
  readonly bootedAt?: number;
}

/** A reboot moves the boot time by far more than this; clock drift and rounding do not. */
const BOOT_TOLERANCE_MS = 120_000;

export function machineBootedAt(): number {
  return Math.round((Date.now() - uptime() * 1000) / 1000) * 1000;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; that still counts as running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One host per data directory: two would each think they own the call log and settings.
 * A lock left behind by a crashed process (its pid no longer runs, or the machine rebooted
 * since) is taken over; two hosts taking over the same stale lock cannot both win.
 */
export async function lockDataDir(dataDir: string, host: string, options: LockOptions = {}): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  const bootedAt = options.bootedAt ?? machineBootedAt();
  const content = JSON.stringify({ pid: process.pid, host, since: new Date().toISOString(), bootedAt });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await fs.writeFile(file, content, { flag: 'wx', mode: 0o600 });
      return {
        file,
        release: async () => {
          const current = await fs.readFile(file, 'utf8').catch(() => '');
          if (current === content) await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const staleText = await fs.readFile(file, 'utf8').catch(() => '');
    const holder = lockSchema.safeParse(parseJson(staleText));
    const sameBoot =
      !holder.success ||
      holder.data.bootedAt === undefined ||
      Math.abs(holder.data.bootedAt - bootedAt) < BOOT_TOLERANCE_MS;
    if (holder.success && sameBoot && isRunning(holder.data.pid)) {
      throw new AppError(
        'conflict',
        `The data directory ${dataDir} is in use by another Hotline Desk (${holder.data.host}, process ${holder.data.pid}).`,
      );
    }
    await takeOverStale(file, staleText);
  }
  throw new AppError('conflict', `Could not lock the data directory ${dataDir}.`);
}

/**
 * Moves the stale lock aside atomically. If what was moved is not the stale lock we judged
 * (another host replaced it meanwhile), it goes back, unless yet another lock appeared.
 */
async function takeOverStale(file: string, staleText: string): Promise<void> {
  const aside = `${file}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved !== staleText) await fs.link(aside, file).catch(() => undefined);
  await fs.rm(aside, { force: true });
}
