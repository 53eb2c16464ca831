import type { InstallKind } from '../../shared/contract/updates';

/**
 * The host's way to reach the update server: electron-updater's generic provider in the app;
 * a plain HTTPS check of the same channel files in the browser host. Nothing else in the console
 * talks to the update server.
 */
export interface UpdateFeed {
  readonly installKind: InstallKind;
  /** The newest version the server at `url` offers. */
  check(url: string): Promise<{ readonly version: string }>;
  /** Downloads what the last check found; only where the app may update itself. */
  download?(): Promise<void>;
  /** Quits and installs the downloaded update. */
  install?(): void;
}
