import { mkdirSync, promises as fs, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creating a folder and its missing parents, bounded. Node's own `mkdir(…, { recursive: true })`
 * loops for ever on some paths (`/proc/forbidden/x`: it retries the parent that the file system
 * refuses, inside a thread-pool thread no timeout can cancel, and the synchronous form freezes the
 * process). Here each missing level is created once, top down, and the first one that fails ends
 * it with an error that names the folder and why.
 */

/** A folder that could not be made: which one, and what the system said (its code, never a value). */
export class FolderError extends Error {
  readonly folder: string;
  readonly code: string;
  /** Why, in words: "permission denied", "a part of the path is a file, not a folder", … */
  readonly reason: string;

  constructor(folder: string, code: string, reason: string) {
    super(`The folder ${folder} cannot be created: ${reason}.`);
    this.name = 'FolderError';
    this.folder = folder;
    this.code = code;
    this.reason = reason;
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOENT: 'the system refuses to create it there',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path loops through symbolic links',
  EINVAL: 'the path is not valid here',
};

function folderError(folder: string, error: unknown): FolderError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
  return new FolderError(folder, code, REASONS[code] ?? `the system said ${code}`);
}

type PathState = 'folder' | 'other' | 'missing';

function kind(stats: Stats | undefined): PathState {
  if (stats === undefined) return 'missing';
  return stats.isDirectory() ? 'folder' : 'other';
}

function statOrMissing(error: unknown, folder: string): undefined {
  // ENOTDIR: a file further up is in the way; walking up finds it and names it.
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw folderError(folder, error);
}

/**
 * One step up from `current` while looking for the deepest folder that exists: the next path to
 * look at, or null when `current` is that folder. Throws when a file is in the way or the root
 * itself is missing (a drive that is not there).
 */
function nextUp(current: string, state: PathState, missing: string[]): string | null {
  if (state === 'folder') return null;
  if (state === 'other') throw folderError(current, { code: 'ENOTDIR' });
  missing.push(current);
  const parent = dirname(current);
  if (parent === current) throw folderError(current, { code: 'ENOENT' });
  return parent;
}

/** Makes `path` and its missing parents (new ones with `mode`); each level is tried once. */
export async function makeFolder(path: string, mode = 0o700): Promise<void> {
  const missing: string[] = [];
  for (let current: string | null = resolve(path); current !== null;) {
    const at: string = current;
    current = nextUp(at, kind(await fs.stat(at).catch((error: unknown) => statOrMissing(error, at))), missing);
  }
  for (const level of missing.reverse()) await createLevel(level, mode);
}

async function createLevel(level: string, mode: number): Promise<void> {
  try {
    await fs.mkdir(level, { mode });
  } catch (error) {
    // Made meanwhile by someone else (another window, a second export): fine if it is a folder.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const stats = await fs.stat(level).catch(() => undefined);
      if (stats?.isDirectory()) return;
    }
    throw folderError(level, error);
  }
}

function statSyncOrMissing(folder: string): Stats | undefined {
  try {
    return statSync(folder);
  } catch (error) {
    return statOrMissing(error, folder);
  }
}

/** The same, synchronously (the log file's folder, before anything else runs). */
export function makeFolderSync(path: string, mode = 0o700): void {
  const missing: string[] = [];
  for (let current: string | null = resolve(path); current !== null;)
    current = nextUp(current, kind(statSyncOrMissing(current)), missing);
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        try {
          if (statSync(level).isDirectory()) continue;
        } catch {
          // Gone again: report the original failure.
        }
      }
      throw folderError(level, error);
    }
  }
}
