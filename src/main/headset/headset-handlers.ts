import { AppError } from '../../shared/result';
import type { SettingChange } from '../../shared/settings';
import type { AuditTrail } from '../calllog/audit';
import type { FeatureHandlers } from '../core/handlers';
import type { HeadsetController } from './controller';
import { matchesKey, parseDeviceKey } from './device-list';
import type { HeadsetDevices } from './devices';

export interface HeadsetHandlerOptions {
  readonly headsets: HeadsetDevices;
  readonly controller: HeadsetController;
  /** Stores the agent's choice (headset.device), as Settings would. */
  readonly updateSetting: (change: SettingChange) => Promise<unknown>;
  readonly audit: AuditTrail;
}

/**
 * headset.*: the headsets connected, the agent's choice of one (only a headset that is there and
 * has call control), and the test of its lights and ringer while no call is up.
 */
export function headsetHandlers(
  options: HeadsetHandlerOptions,
): FeatureHandlers<'headset.list' | 'headset.choose' | 'headset.testing' | 'headset.test'> {
  const { headsets, controller } = options;
  return {
    'headset.list': () => headsets.listing(),
    'headset.choose': async ({ device }) => {
      const key = parseDeviceKey(device);
      if (key !== null) {
        const connected = headsets.listing().devices.filter((each) => matchesKey(each, key));
        if (connected.length === 0) throw new AppError('not_found', `device: no headset ${device} is connected`);
        if (!connected.some((each) => each.callControl))
          throw new AppError(
            'invalid_input',
            `device: ${device} has no call control (no Hook Switch), so it is not used`,
          );
      }
      // IDs in lower case, as headset.list writes them; the serial number as the device gives it.
      const value = key === null ? '' : `${device.slice(0, 9).toLowerCase()}${device.slice(9)}`;
      await options.updateSetting({ key: 'headset.device', value });
      options.audit('settings_change', 'setting:headset.device', ['headset.device']);
      return headsets.refresh({ retry: true });
    },
    'headset.testing': () => ({ outputs: controller.testing() }),
    'headset.test': ({ output, on }) => {
      const device = headsets.attached;
      if (device === null) throw new AppError('unavailable', 'No headset is in use.');
      if (device.map?.outputs[output] === undefined)
        throw new AppError('invalid_input', `output: the headset in use has no ${output} output`);
      if (!controller.testOutput(output, on))
        throw new AppError('conflict', 'The headset test works only while no call is in progress.');
      return { output, on };
    },
  };
}
