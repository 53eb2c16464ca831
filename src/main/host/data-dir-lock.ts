import { promises as fs } from 'node:fs';
import { hostname, uptime } from 'node:os';
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
  /** The computer holding it: a data folder on a share or a roaming profile is seen by several. */
  machine: z.string().optional(),
});

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** For tests: when this machine booted (ms since the epoch). */
  readonly bootedAt?: number;
  /** For tests: this computer's name, and how often the holder shows it is alive. */
  readonly machine?: string;
  readonly heartbeatMs?: number;
  /** Called once if another computer took the lock over (this one slept, or the clocks differ). */
  readonly onLost?: () => void;
}

/**
 * The holder touches its lock file this often. Another computer cannot ask whether the holder's
 * process runs, so it takes a lock as alive while it was touched within FOREIGN_STALE_MS.
 */
const HEARTBEAT_MS = 60_000;
const FOREIGN_STALE_MS = 3 * HEARTBEAT_MS;

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
  const machine = options.machine ?? hostname();
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const content = JSON.stringify({ pid: process.pid, host, since: new Date().toISOString(), bootedAt, machine });
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      await fs.writeFile(file, content, { flag: 'wx', mode: 0o600 });
      const heartbeat = setInterval(() => {
        void (async () => {
          // Still ours? A computer that slept past the heartbeat may find the lock taken over.
          const current = await fs.readFile(file, 'utf8').catch(() => null);
          if (current !== content) {
            clearInterval(heartbeat);
            options.onLost?.();
            return;
          }
          const now = new Date();
          await fs.utimes(file, now, now).catch(() => undefined);
        })();
      }, heartbeatMs);
      heartbeat.unref();
      return {
        file,
        release: async () => {
          clearInterval(heartbeat);
          const current = await fs.readFile(file, 'utf8').catch(() => '');
          if (current === content) await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const staleText = await fs.readFile(file, 'utf8').catch(() => '');
    const holder = lockSchema.safeParse(parseJson(staleText));
    if (holder.success && holder.data.machine !== undefined && holder.data.machine !== machine) {
      // Another computer (a share, a roaming profile): its process cannot be asked, its heartbeat can.
      const touched = await fs.stat(file).then(
        (stat) => stat.mtimeMs,
        () => 0,
      );
      if ((await folderNow(dataDir)) - touched < heartbeatMs * (FOREIGN_STALE_MS / HEARTBEAT_MS))
        throw new AppError(
          'conflict',
          `The data directory ${dataDir} is in use by Hotline Desk on the computer ${holder.data.machine} (${holder.data.host}). Keep the data folder out of roaming profiles and network shares.`,
        );
    } else {
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
    }
    await takeOverStale(file, staleText);
  }
  throw new AppError('conflict', `Could not lock the data directory ${dataDir}.`);
}

/**
 * "Now" by the clock that stamps files in this folder (a file server's, or this computer's): a
 * just-written probe's modification time. Comparing the lock's stamp with it, not with this
 * computer's clock, keeps two computers whose clocks differ from misjudging each other.
 */
async function folderNow(dataDir: string): Promise<number> {
  const probe = join(dataDir, `.${LOCK_FILE}.probe-${process.pid}`);
  try {
    await fs.writeFile(probe, '', { mode: 0o600 });
    return (await fs.stat(probe)).mtimeMs;
  } catch {
    return Date.now();
  } finally {
    await fs.rm(probe, { force: true }).catch(() => undefined);
  }
}

/**
 * Removes the stale lock, but only while holding a short-lived guard file and only if it is
 * still the very lock we judged stale: two hosts taking over at once cannot remove each
 * other's fresh lock. A guard left by a crash mid-takeover expires after ten seconds.
 */
async function takeOverStale(file: string, staleText: string): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await fs.writeFile(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const stat = await fs.stat(guard).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > 10_000) await fs.rm(guard, { force: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return;
  }
  try {
    const current = await fs.readFile(file, 'utf8').catch(() => null);
    if (current === staleText) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}
