import electronUpdater from 'electron-updater';
import type { InstallKind } from '../../shared/contract/updates';
import type { Logger } from '../core/log';
import type { UpdateFeed } from '../updates/update-service';

/**
 * electron-updater's generic provider, pointed at policy's updates.url. It downloads and installs
 * only where this copy may update itself (per-user installs); elsewhere it only checks.
 */
export function electronUpdateFeed(kind: InstallKind, log: Logger): UpdateFeed {
  const { autoUpdater } = electronUpdater;
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
  let feedUrl = '';
  const feed: UpdateFeed = {
    installKind: kind,
    async check(url) {
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
      await autoUpdater.downloadUpdate();
    },
    install() {
      autoUpdater.quitAndInstall(false, true);
    },
  };
}
