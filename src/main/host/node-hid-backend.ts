import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as NodeHid from 'node-hid';
import type { Logger } from '../core/log';
import { descriptorSource, DEFAULT_SYSFS_ROOT, hidrawLocation, hidrawName } from '../headset/descriptor-source';
import {
  HidOpenError,
  parseHidDeviceInfo,
  type HidBackend,
  type HidConnection,
  type HidDeviceInfo,
} from '../headset/hid';

/**
 * The HID port on node-hid 3 (hidapi), for both hosts and the CLI. Kept thin: listing, opening,
 * and the platform's way to a report descriptor (descriptor-source.ts).
 *
 * - Linux: the hidraw driver (`/dev/hidrawN` paths, the usage page and usage of each top-level
 *   collection, reading and writing without detaching the kernel's driver); the descriptor and
 *   the device's location come from sysfs. Opening needs read/write access to the node: the udev
 *   rule (assets/linux/60-hotline-desk-headsets.rules) gives it to the logged-in user; without it
 *   opening fails and is reported as `no_permission`.
 * - macOS: opened non-exclusively, so the system and other apps keep the device (macOS may ask
 *   the user to allow input monitoring).
 * - Windows: each top-level collection is its own path.
 *
 * node-hid is loaded on first use, so an app whose native module does not load still starts
 * (headsets are then `unavailable`, and `info` names the problem).
 */
const requireNative = createRequire(import.meta.url);

export interface NodeHidBackendOptions {
  readonly log: Logger;
  readonly platform?: NodeJS.Platform;
  readonly sysfsRoot?: string;
  /** Loads node-hid (tests may hand in another module of the same shape). */
  readonly load?: () => typeof NodeHid;
}

export function createNodeHidBackend(options: NodeHidBackendOptions): HidBackend {
  const platform = options.platform ?? process.platform;
  const sysfsRoot = options.sysfsRoot ?? DEFAULT_SYSFS_ROOT;
  const logged = new Set<string>();
  let module: typeof NodeHid | null = null;

  const hid = (): typeof NodeHid => {
    if (module !== null) return module;
    const loaded = options.load ? options.load() : (requireNative('node-hid') as typeof NodeHid);
    // Before the first call loads the binding: hidraw reads the usage pages and leaves the kernel's driver attached.
    if (platform === 'linux') loaded.setDriverType('hidraw');
    module = loaded;
    return loaded;
  };

  return {
    openScope: platform === 'win32' ? 'collection' : 'interface',

    async devices() {
      const raw: unknown = await hid().devicesAsync();
      if (!Array.isArray(raw)) throw new TypeError('node-hid listed no array of devices');
      const locations = new Map<string, Promise<string | null>>();
      const devices: HidDeviceInfo[] = [];
      for (const entry of raw as unknown[]) {
        const parsed = parseHidDeviceInfo(entry);
        if (!parsed.ok) {
          if (!logged.has(parsed.error.message)) {
            logged.add(parsed.error.message);
            options.log.warn('a HID device entry was left out', { problem: parsed.error.message });
          }
          continue;
        }
        const { path } = parsed.value;
        if (platform !== 'linux' || hidrawName(path) === null) {
          devices.push(parsed.value);
          continue;
        }
        if (!locations.has(path)) locations.set(path, hidrawLocation(path, sysfsRoot));
        devices.push({ ...parsed.value, location: await locations.get(path)! });
      }
      return devices;
    },

    readDescriptor: descriptorSource({ platform, sysfsRoot }),

    async open(path) {
      try {
        const device: HidConnection = await (platform === 'darwin'
          ? hid().HIDAsync.open(path, { nonExclusive: true })
          : hid().HIDAsync.open(path));
        return device;
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        // hidapi says only "cannot open device": the node's permissions tell a missing udev rule.
        if (platform === 'linux' && hidrawName(path) !== null && (await accessDenied(path)))
          throw new HidOpenError('no_permission', `${path}: no read/write access (${detail})`);
        throw new HidOpenError('failed', `${path}: ${detail}`);
      }
    },
  };
}

/** True when the node exists but this user may not read and write it. */
async function accessDenied(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return false;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : null;
    return code === 'EACCES' || code === 'EPERM';
  }
}
