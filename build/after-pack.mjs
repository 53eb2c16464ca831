// electron-builder afterPack hook: flips every Electron fuse to its hardened value before the app
// is signed. The values live in src/main/host/electron-fuses.ts, where a test checks them;
// Node 24 loads that TypeScript file directly.
import { join } from 'node:path';
import { flipFuses } from '@electron/fuses';

export default async function afterPack(context) {
  const { HARDENED_FUSES } = await import('../src/main/host/electron-fuses.ts');
  const { electronPlatformName, appOutDir, packager } = context;
  const executable =
    electronPlatformName === 'darwin'
      ? join(appOutDir, `${packager.appInfo.productFilename}.app`)
      : join(appOutDir, `${packager.executableName}${electronPlatformName === 'win32' ? '.exe' : ''}`);
  await flipFuses(executable, HARDENED_FUSES);
}
