import { z } from 'zod';
import { SETTINGS } from '../settings';
import { noInput } from './app';
import { defineEvent, defineRequest } from './define';

/** The headset controls main reads (the names of src/main/headset/capabilities.ts). */
export const HEADSET_INPUT_NAMES = [
  'hookSwitch',
  'phoneMute',
  'flash',
  'hold',
  'redial',
  'drop',
  'speedDial',
  'lineBusyTone',
  'programmableButton',
  'volumeUp',
  'volumeDown',
  'consumerMute',
] as const;
/** The headset outputs main writes: the LEDs and the ringer. */
export const HEADSET_OUTPUT_NAMES = [
  'ledOffHook',
  'ledRing',
  'ledMute',
  'ledHold',
  'ledMicrophone',
  'ledOnLine',
  'ringer',
] as const;

export const headsetInputNameSchema = z.enum(HEADSET_INPUT_NAMES);
export const headsetOutputNameSchema = z.enum(HEADSET_OUTPUT_NAMES);

export const headsetDeviceSchema = z.object({
  /** How the setting `headset.device` names it: `vvvv:pppp`, or `vvvv:pppp:serial` when it has a serial number. */
  key: z.string(),
  vendorId: z.number().int(),
  productId: z.number().int(),
  /** Empty when the device reports none. */
  serialNumber: z.string(),
  /** The device's own product name (not translated), or its IDs when it gives none. */
  name: z.string(),
  manufacturer: z.string(),
  /**
   * Where its capabilities come from: `device` the system gave its report descriptor (Linux),
   * `known` the table of real devices' descriptors (Windows, macOS), `none` neither (no call
   * control can be assumed), `invalid` the descriptor could not be parsed.
   */
  descriptor: z.enum(['device', 'known', 'none', 'invalid']),
  /** It has a Hook Switch: it can answer and hang up. Only such a device is ever used. */
  callControl: z.boolean(),
  inputs: z.array(headsetInputNameSchema),
  outputs: z.array(headsetOutputNameSchema),
});
export type HeadsetDevice = z.infer<typeof headsetDeviceSchema>;

/** What the headset link is doing, or why no headset is in use. */
export const headsetStatusSchema = z.enum([
  /** The setting `headset.enabled` is off. */
  'disabled',
  /** The HID stack cannot be used (the native module did not load, or listing devices failed). */
  'unavailable',
  /** No headset is connected. */
  'no_devices',
  /** Headsets are connected, but none has call control (such a device is never used). */
  'no_call_control',
  /** The chosen headset is being opened. */
  'opening',
  /** The chosen headset is open: its buttons act on calls and its lights follow them. */
  'attached',
  /** The system refused access to it (Linux: the udev rule is missing; see the README). */
  'no_permission',
  /** It could not be opened. */
  'open_failed',
  /** It kept failing after opening: unplug it and plug it in again, or choose it again. */
  'failed',
]);
export type HeadsetStatus = z.infer<typeof headsetStatusSchema>;

export const headsetListingSchema = z.object({
  enabled: z.boolean(),
  status: headsetStatusSchema,
  /** The headsets connected (devices with a telephony collection, or in the table of known devices). */
  devices: z.array(headsetDeviceSchema),
  /** The key of the device in use (or being opened), null when none is. */
  chosen: z.string().nullable(),
  /** `setting`: the one `headset.device` names; `automatic`: the first with call control. */
  chosenBy: z.enum(['setting', 'automatic']).nullable(),
});
export type HeadsetListing = z.infer<typeof headsetListingSchema>;

export const headsetInputEventSchema = z.object({
  /** The device's key. */
  device: z.string(),
  control: headsetInputNameSchema,
  /** The control's new value: 1 pressed (or hook up, mute on), 0 released. */
  value: z.number().int(),
});
export type HeadsetInputEvent = z.infer<typeof headsetInputEventSchema>;

/** The live test's outputs that are on. */
export const headsetTestStateSchema = z.object({ outputs: z.array(headsetOutputNameSchema) });
export type HeadsetTestState = z.infer<typeof headsetTestStateSchema>;

export const headsetRequests = {
  'headset.list': defineRequest({
    input: noInput,
    output: headsetListingSchema,
    summary: 'The connected headsets with their capabilities, which one is used, and why none is when none is.',
  }),
  'headset.choose': defineRequest({
    input: z.strictObject({ device: SETTINGS['headset.device'].schema }),
    output: headsetListingSchema,
    summary:
      'Uses this headset (its key from headset.list; empty: automatic) and remembers it in the setting headset.device.',
  }),
  'headset.test': defineRequest({
    input: z.strictObject({ output: headsetOutputNameSchema, on: z.boolean() }),
    output: z.object({ output: headsetOutputNameSchema, on: z.boolean() }),
    summary:
      'Live test in Settings: turns one light (or the ringer) of the headset in use on or off; only with no call.',
  }),
  'headset.testing': defineRequest({
    input: noInput,
    output: headsetTestStateSchema,
    summary: 'The outputs the live test has on now (they go off by themselves 15 s after the last change).',
  }),
};

export const headsetEvents = {
  'headset.changed': defineEvent({
    payload: headsetListingSchema,
    summary: 'Headsets were plugged in or out, or the one in use or its status changed.',
  }),
  'headset.input': defineEvent({
    payload: headsetInputEventSchema,
    summary: 'A control of the headset in use changed (for the live test in Settings).',
  }),
  'headset.testChanged': defineEvent({
    payload: headsetTestStateSchema,
    summary: 'The live test’s outputs changed: turned on or off, timed out, or ended by a call or a device change.',
  }),
};
