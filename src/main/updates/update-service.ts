import type { UpdateStatus } from '../../shared/contract/updates';
import { AppError } from '../../shared/result';
import type { UpdateMode } from '../../shared/settings';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import type { Unsubscribe } from '../core/disposables';
import type { UpdateFeed } from './update-feed';
import { Emitter } from '../../shared/emitter';

export type { UpdateFeed };
import type { SettingsService } from '../settings/settings-service';
import { compareVersions } from './versions';
import { bestEffort } from '../core/errors';

export interface UpdateServiceOptions {
  readonly settings: SettingsService;
  readonly feed: UpdateFeed;
  readonly currentVersion: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Whether a call is up: no restart into an update then. */
  readonly hasCalls: () => boolean;
  /** First check after start, then every interval (defaults: 1 minute, 4 hours). */
  readonly firstCheckMs?: number;
  readonly intervalMs?: number;
}

/**
 * Update checks as policy says: off asks nobody; notify tells the agent a newer version is on
 * the internal update server; auto also downloads it where the app may update itself (per-user
 * installs), and acts as notify where IT installs updates (per-machine installs).
 */
export class UpdateService {
  private readonly options: UpdateServiceOptions;
  private current: UpdateStatus;
  private readonly listeners = new Emitter<[status: UpdateStatus]>();
  private timer: NodeJS.Timeout | null = null;
  private readonly stopSettings: Unsubscribe;
  private checking: Promise<UpdateStatus> | null = null;
  private configuration = '';
  private closed = false;

  constructor(options: UpdateServiceOptions) {
    this.options = options;
    this.current = {
      ...this.modes(),
      installKind: options.feed.installKind,
      currentVersion: options.currentVersion,
      state: 'off',
      availableVersion: null,
      checkedAt: null,
      error: null,
    };
    this.stopSettings = options.settings.onChange(() => this.configure());
    this.configure();
  }

  get status(): UpdateStatus {
    return this.current;
  }

  onChange(listener: (status: UpdateStatus) => void): Unsubscribe {
    return this.listeners.on(listener);
  }

  /** Asks the server now (Settings' button, and the timer). */
  check(): Promise<UpdateStatus> {
    const { effectiveMode } = this.modes();
    if (effectiveMode === 'off')
      return Promise.reject(
        new AppError('unavailable', 'Updates are off here (updates.mode is off, or no updates.url is set).'),
      );
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** Restarts into the downloaded update. */
  install(): { restarting: boolean } {
    if (this.current.state !== 'ready' || !this.options.feed.install)
      throw new AppError('unavailable', 'No update has been downloaded to install.');
    if (this.options.hasCalls())
      throw new AppError('conflict', 'A call is up: the update is installed after it, or at the next start.');
    this.options.log.info('restarting into the update', { version: this.current.availableVersion });
    this.options.feed.install();
    return { restarting: true };
  }

  close(): void {
    this.closed = true;
    this.stopSettings();
    this.clearTimer();
  }

  private modes(): { mode: UpdateMode; effectiveMode: UpdateMode } {
    const mode = this.options.settings.get('updates.mode');
    const url = this.options.settings.get('updates.url');
    const { installKind } = this.options.feed;
    if (mode === 'off' || url === '' || installKind === 'development') return { mode, effectiveMode: 'off' };
    const mayInstall = installKind === 'per_user' && this.options.feed.download !== undefined;
    return { mode, effectiveMode: mode === 'auto' && !mayInstall ? 'notify' : mode };
  }

  /** Policy changed the mode or URL: start, stop or restart the checks. */
  private configure(): void {
    if (this.closed) return;
    const modes = this.modes();
    const configuration = JSON.stringify([modes.effectiveMode, this.options.settings.get('updates.url')]);
    if (configuration === this.configuration) return;
    this.configuration = configuration;
    this.clearTimer();
    if (modes.effectiveMode === 'off') {
      this.publish({ ...modes, state: 'off', availableVersion: null, error: null });
      return;
    }
    this.publish({ ...modes, state: 'idle', availableVersion: null, error: null, checkedAt: null });
    this.schedule(this.options.firstCheckMs ?? 60_000);
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failed check says so in the status; the next one is scheduled all the same.
      void bestEffort(this.check(), this.options.log, 'a scheduled update check failed').finally(() => {
        if (!this.closed && this.modes().effectiveMode !== 'off')
          this.schedule(this.options.intervalMs ?? 4 * 3_600_000);
      });
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async runCheck(): Promise<UpdateStatus> {
    const modes = this.modes();
    const url = this.options.settings.get('updates.url');
    this.publish({ ...modes, state: 'checking', error: null });
    try {
      const { version } = await this.options.feed.check(url);
      const checkedAt = this.options.clock.now();
      if (compareVersions(version, this.options.currentVersion) <= 0) {
        return this.publish({ ...modes, state: 'up_to_date', availableVersion: null, checkedAt });
      }
      this.options.log.info('an update is available', { version });
      this.publish({ ...modes, state: 'available', availableVersion: version, checkedAt });
      if (modes.effectiveMode === 'auto' && this.options.feed.download) {
        this.publish({ state: 'downloading' });
        await this.options.feed.download();
        return this.publish({ state: 'ready' });
      }
      return this.current;
    } catch (error) {
      const message = error instanceof Error ? error.message.slice(0, 300) : 'unknown error';
      this.options.log.warn('the update check failed', { error: message });
      return this.publish({ ...modes, state: 'error', error: message, checkedAt: this.options.clock.now() });
    }
  }

  private publish(change: Partial<UpdateStatus>): UpdateStatus {
    this.current = { ...this.current, ...change };
    this.listeners.emit(this.current);
    return this.current;
  }
}
