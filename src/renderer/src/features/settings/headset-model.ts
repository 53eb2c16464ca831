import type { HeadsetDevice, HeadsetInputEvent, HeadsetListing } from '../../../../shared/contract/headset';

/** `0b0e:0307`: the USB vendor and product ID as headset.list and the setting write them. */
export function usbIds(device: Pick<HeadsetDevice, 'vendorId' | 'productId'>): string {
  const hex = (value: number): string => value.toString(16).padStart(4, '0');
  return `${hex(device.vendorId)}:${hex(device.productId)}`;
}

/**
 * Whether the setting `headset.device` names this device: the IDs (any case) and, when the setting
 * has one, the serial number. '' (automatic) names none.
 */
export function settingNames(setting: string, device: HeadsetDevice): boolean {
  const match = /^([0-9a-fA-F]{4}:[0-9a-fA-F]{4})(?::(.+))?$/su.exec(setting);
  if (match?.[1] === undefined) return false;
  return match[1].toLowerCase() === usbIds(device) && (match[2] === undefined || match[2] === device.serialNumber);
}

/** What one row of the device list says about the device. */
export type DeviceState =
  'in_use' | 'opening' | 'no_permission' | 'open_failed' | 'failed' | 'connected' | 'no_call_control';

/** The listing's status belongs to the chosen device; the others are connected, or never used. */
export function deviceState(device: HeadsetDevice, listing: HeadsetListing): DeviceState {
  if (!device.callControl) return 'no_call_control';
  if (listing.chosen !== device.key) return 'connected';
  switch (listing.status) {
    case 'attached':
      return 'in_use';
    case 'no_permission':
    case 'open_failed':
    case 'failed':
      return listing.status;
    case 'opening':
      return 'opening';
    default:
      return 'connected';
  }
}

/** Why a device without call control is never used: where its layout would have come from. */
export function noCallControlReason(device: HeadsetDevice): 'unknownLayout' | 'unreadableLayout' | 'noHookSwitch' {
  if (device.descriptor === 'none') return 'unknownLayout';
  if (device.descriptor === 'invalid') return 'unreadableLayout';
  return 'noHookSwitch';
}

/** One line of the live test's event list. */
export interface InputLine extends HeadsetInputEvent {
  readonly id: number;
  readonly at: number;
}

export const MAX_INPUT_LINES = 10;

/** The newest first, at most {@link MAX_INPUT_LINES}. */
export function addInputLine(lines: readonly InputLine[], line: InputLine): InputLine[] {
  return [line, ...lines].slice(0, MAX_INPUT_LINES);
}
