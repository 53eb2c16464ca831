import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/result';

export const LOCK_FILE = 'hotline-desk.lock';

const lockSchema = z.object({ pid: z.number().int().positive(), host: z.string(), since: z.string() });

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
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
 * A lock left behind by a crashed process (its pid no longer runs) is taken over.
 */
export async function lockDataDir(dataDir: string, host: string): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  const content = JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt += 1) {
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
    const holder = lockSchema.safeParse(parseJson(await fs.readFile(file, 'utf8').catch(() => '')));
    if (holder.success && isRunning(holder.data.pid)) {
      throw new AppError(
        'conflict',
        `The data directory ${dataDir} is in use by another Hotline Desk (${holder.data.host}, process ${holder.data.pid}).`,
      );
    }
    await fs.rm(file, { force: true });
  }
  throw new AppError('conflict', `Could not lock the data directory ${dataDir}.`);
}
