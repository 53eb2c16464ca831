import { accessSync, constants } from 'node:fs';
import { dirname, resolve, win32 } from 'node:path';
import type { InstallKind } from '../../shared/contract/updates';

export interface InstallFacts {
  readonly isPackaged: boolean;
  readonly platform: NodeJS.Platform;
  /** The running executable (process.execPath). */
  readonly executable: string;
  readonly env: NodeJS.ProcessEnv;
  /** Whether the current user may write into a folder (the install location). */
  readonly canWrite?: (folder: string) => boolean;
}

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a Windows path lies inside a folder (case-insensitive, either slash). */
function isInside(path: string, folder: string | undefined): boolean {
  if (folder === undefined || folder === '') return false;
  const normal = (text: string): string => text.replaceAll('/', '\\').toLowerCase();
  const parent = normal(folder).replace(/\\+$/, '');
  return normal(path).startsWith(`${parent}\\`);
}

/**
 * Who may update this copy. A per-machine install (NSIS per machine or MSI under Program Files,
 * the deb under /opt, an app bundle the user cannot write) is IT's to update; an AppImage or a
 * copy in the user's own folders may update itself.
 */
export function installKind(facts: InstallFacts): InstallKind {
  if (!facts.isPackaged) return 'development';
  const canWrite = facts.canWrite ?? writable;
  const { env, executable, platform } = facts;
  if (platform === 'linux') {
    // An AppImage replaces its own file (APPIMAGE names it); the deb's /opt is root's.
    const image = env.APPIMAGE;
    return image !== undefined && image !== '' && canWrite(dirname(image)) ? 'per_user' : 'per_machine';
  }
  if (platform === 'win32') {
    const programFolders = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432];
    if (programFolders.some((folder) => isInside(executable, folder))) return 'per_machine';
    return canWrite(win32.dirname(executable)) ? 'per_user' : 'per_machine';
  }
  if (platform === 'darwin') {
    // …/Hotline Desk.app/Contents/MacOS/Hotline Desk: the bundle's folder decides.
    const bundleFolder = resolve(executable, '..', '..', '..', '..');
    return canWrite(bundleFolder) ? 'per_user' : 'per_machine';
  }
  return 'per_machine';
}
