import type { AppUpdater } from 'electron-updater';
import type { InstallKind } from '../../shared/contract/updates';
import type { Logger } from '../core/log';
import type { UpdateFeed } from '../updates/update-service';

/**
 * electron-updater's generic provider, pointed at policy's updates.url. It downloads and installs
 * only where this copy may update itself (per-user installs); elsewhere it only checks.
 */
export function electronUpdateFeed(kind: InstallKind, log: Logger): UpdateFeed {
  let updater: Promise<AppUpdater> | null = null;
  // Loaded at the first check only: with updates off, electron-updater is never even set up.
  const load = (): Promise<AppUpdater> =>
    (updater ??= import('electron-updater').then((module) => configure(module.default.autoUpdater, kind, log)));
  let feedUrl = '';
  const feed: UpdateFeed = {
    installKind: kind,
    async check(url) {
      const autoUpdater = await load();
      if (url !== feedUrl) {
        autoUpdater.setFeedURL({ provider: 'generic', url });
        feedUrl = url;
      }
      const result = await autoUpdater.checkForUpdates();
      if (result === null) throw new Error('the updater is inactive in this copy (not packaged)');
      return { version: result.updateInfo.version };
    },
  };
  if (kind !== 'per_user') return feed;
  return {
    ...feed,
    async download() {
      await (await load()).downloadUpdate();
    },
    install() {
      void load().then((autoUpdater) => autoUpdater.quitAndInstall(false, true));
    },
  };
}

function configure(autoUpdater: AppUpdater, kind: InstallKind, log: Logger): AppUpdater {
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = kind === 'per_user';
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;
  // Its messages carry URLs and versions only; they go to our log at debug level.
  autoUpdater.logger = {
    info: (message?: unknown) => log.debug('electron-updater', { message: String(message).slice(0, 300) }),
    warn: (message?: unknown) => log.warn('electron-updater', { message: String(message).slice(0, 300) }),
    error: (message?: unknown) => log.error('electron-updater', { message: String(message).slice(0, 300) }),
  };
  return autoUpdater;
}
