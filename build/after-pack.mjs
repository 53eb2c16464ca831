// electron-builder afterPack hook: flips every Electron fuse to its hardened value before the app
// is signed. The values live in src/main/host/electron-fuses.ts, where a test checks them;
// Node 24 loads that TypeScript file directly.
import { join } from 'node:path';
import { flipFuses } from '@electron/fuses';

/**
 * The packed Electron binary (or app bundle) to flip the fuses of. electron-builder names it as
 * it does: the product file name on Windows and macOS ("Hotline Desk.exe", "Hotline Desk.app"),
 * the Linux packager's executable name there (only the Linux packager has one).
 */
export function packedExecutable({ electronPlatformName, appOutDir, packager }) {
  if (electronPlatformName === 'darwin') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  const { HARDENED_FUSES } = await import('../src/main/host/electron-fuses.ts');
  const executable = packedExecutable(context);
  await flipFuses(executable, HARDENED_FUSES);
}
