import type { HeadsetListing } from '../../shared/contract/headset';
import type { Clock } from '../core/clock';
import type { AuditTrail } from '../calllog/audit';
import { DisposableStore } from '../core/disposables';
import type { FeatureHandlers } from '../core/handlers';
import type { Logger } from '../core/log';
import type { SettingsService } from '../settings/settings-service';
import type { EventName, EventPayload } from '../../shared/contract';
import { HeadsetController, type CallControl } from './controller';
import { HeadsetDevices, type HeadsetPreferences } from './devices';
import { headsetHandlers } from './headset-handlers';
import type { HidBackend } from './hid';

export interface HeadsetsOptions {
  readonly backend: HidBackend;
  readonly calls: CallControl;
  readonly settings: SettingsService;
  readonly audit: AuditTrail;
  readonly emit: <N extends EventName>(name: N, payload: EventPayload<N>) => void;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * The headset feature as the app wires it: the controller mirrors the calls to the device in use
 * and its buttons to the calls; the device manager finds, chooses and opens that device and
 * follows plugging in and out, and another choice in the settings (or policy) starts it afresh.
 */
export class Headsets {
  readonly devices: HeadsetDevices;
  readonly controller: HeadsetController;
  /** The device's events to the renderers: they end after the device is closed. */
  private readonly subscriptions = new DisposableStore();
  private readonly stopFollowing: () => void;
  private readonly options: HeadsetsOptions;

  constructor(options: HeadsetsOptions) {
    this.options = options;
    const { settings, emit } = options;
    this.controller = new HeadsetController({ calls: options.calls, log: options.log, clock: options.clock });
    const preferences = (): HeadsetPreferences => ({
      enabled: settings.get('headset.enabled'),
      device: settings.get('headset.device'),
    });
    this.devices = new HeadsetDevices({
      backend: options.backend,
      sink: this.controller,
      log: options.log,
      preferences,
    });
    this.subscriptions.add(this.devices.onChange((listing: HeadsetListing) => emit('headset.changed', listing)));
    this.subscriptions.add(this.devices.onInput((event) => emit('headset.input', event)));
    this.subscriptions.add(
      this.controller.onTestChange((outputs) => emit('headset.testChanged', { outputs: [...outputs] })),
    );
    // Another choice (or policy) is a fresh start for a device that failed before.
    this.stopFollowing = settings.follow(preferences, () => void this.devices.refresh({ retry: true }));
    void this.devices.refresh();
  }

  handlers(): FeatureHandlers<'headset.list' | 'headset.choose' | 'headset.testing' | 'headset.test'> {
    return headsetHandlers({
      headsets: this.devices,
      controller: this.controller,
      updateSetting: (change) => this.options.settings.update(change),
      audit: this.options.audit,
    });
  }

  /** The lights go out and the device is closed; its events end after that. */
  async close(): Promise<void> {
    this.stopFollowing();
    await this.devices.close();
    this.controller.dispose();
    this.subscriptions.dispose();
  }
}
