import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCapabilityMap } from '../../src/main/headset/capabilities';
import { PREFERENCES_DOMAIN } from '../../src/main/settings/policy/profile-policy';
import { parseReportDescriptor, tryParseReportDescriptor } from '../../src/main/headset/descriptor';
import { fixtureDescriptor } from '../../src/main/headset/fixture';
import { loadFixture } from '../support/fake-hid';
import { chromium } from '../support/requirements';
import { seededRandom, type SeededRandom } from '../support/random';

// Resolved the way electron-builder (our direct dependency) resolves them, whatever npm hoists.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));

/** electron-builder's own configuration check, the one `npm run dist` runs first. */
const { validateConfiguration } = fromLib('./out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

/** The udev rule's helper (IMPORT{program}) and what it prints for a telephony device. */
const HELPER = 'assets/linux/hotline-desk-hid-telephony';
const TELEPHONY = 'HOTLINE_DESK_TELEPHONY=1';

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the schema check is real: it refuses an unknown option', async () => {
    await expect(
      validateConfiguration({ ...config, nsis: { oneClick: false, perMachin: true } }, new DebugLogger(false)),
    ).rejects.toThrow(/configuration\.nsis/);
  });

  it('ships the built app only, in an asar, with no native rebuild and every fuse flipped after packing', () => {
    expect(config.files).toEqual([
      'out/**',
      'package.json',
      '!out/**/*.map',
      '!**/node_modules/@napi-rs/keyring*{,/**}',
    ]);
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.afterPack).toBe('build/after-pack.mjs');
    expect(readFileSync('build/after-pack.mjs', 'utf8')).toMatch(/flipFuses\(executable, HARDENED_FUSES\)/);
  });

  it('flips the fuses of the binary electron-builder packs on each platform, named as IT finds it', async () => {
    // @ts-expect-error a plain .mjs hook without declarations
    const { packedExecutable } = (await import('../../build/after-pack.mjs')) as {
      packedExecutable(context: unknown): string;
    };
    // What electron-builder's packagers hold for this config (AppInfo.productFilename is the
    // product name unless a top-level executableName renames every platform).
    const appInfo = { productFilename: 'Hotline Desk' };
    expect(packedExecutable({ electronPlatformName: 'win32', appOutDir: 'w', packager: { appInfo } })).toBe(
      join('w', 'Hotline Desk.exe'),
    );
    expect(packedExecutable({ electronPlatformName: 'darwin', appOutDir: 'm', packager: { appInfo } })).toBe(
      join('m', 'Hotline Desk.app'),
    );
    expect(
      packedExecutable({
        electronPlatformName: 'linux',
        appOutDir: 'l',
        packager: { appInfo, executableName: (config.linux as { executableName: string }).executableName },
      }),
    ).toBe(join('l', 'hotline-desk'));
    // A top-level executableName would rename the Windows and macOS builds too.
    expect(config.executableName).toBeUndefined();
  });

  it('installs per machine on Windows and depends on libusb on Debian', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true });
    // GPO and Intune recognise an upgrade by this code: it must never change.
    expect(config.msi).toMatchObject({ perMachine: true, upgradeCode: '6f0d7f1e-3b7a-4f2c-9a51-2c8e4d1b7a30' });
    expect(config.deb).toMatchObject({ depends: expect.arrayContaining(['libusb-1.0-0']) });
  });

  it('builds every installer IT needs, under one app id and product name', () => {
    expect(config).toMatchObject({ appId: 'de.hotline-desk.console', productName: 'Hotline Desk' });
    // The app id is also macOS's managed-preferences domain the console reads policy from.
    expect(config.appId).toBe(PREFERENCES_DOMAIN);
    expect((config.win as { target: string[] }).target).toEqual(['nsis', 'msi']);
    expect((config.linux as { target: string[] }).target).toEqual(['deb', 'AppImage']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg', 'zip']);
    expect(config.mac).toMatchObject({ hardenedRuntime: true });
  });

  it('leaves the native modules outside the asar (they cannot be loaded from inside it)', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3-multiple-ciphers/**']));
  });

  it('writes update channel files for a generic server, publishes nowhere, and names no real host', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: 'https://updates.invalid/hotline-desk/' });
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.dist).toMatch(/--publish never$/);
  });

  it('installs the headsets’ udev rule and its helper with the Debian package, and applies the rule after electron-builder’s own steps', () => {
    const deb = config.deb as { fpm?: string[]; afterInstall?: string };
    const rule = '/usr/lib/udev/rules.d/60-hotline-desk-headsets.rules';
    expect(deb.fpm).toEqual([
      `assets/linux/60-hotline-desk-headsets.rules=${rule}`,
      `${HELPER}=/usr/lib/udev/hotline-desk-hid-telephony`,
    ]);
    expect(existsSync('assets/linux/60-hotline-desk-headsets.rules')).toBe(true);
    expect(existsSync(HELPER)).toBe(true);
    expect(deb.afterInstall).toBe('build/linux/after-install.tpl');
    const script = readFileSync('build/linux/after-install.tpl', 'utf8');
    // A deb's afterInstall replaces electron-builder's: its steps (the /usr/bin link, chrome-sandbox,
    // AppArmor) are kept verbatim, and this fails when a new electron-builder changes them.
    const template = join(
      dirname(fromBuilder.resolve('app-builder-lib/package.json')),
      'templates/linux/after-install.tpl',
    );
    expect(script.startsWith(readFileSync(template, 'utf8'))).toBe(true);
    expect(script).toMatch(/udevadm trigger --subsystem-match=hidraw --action=change/);
    // electron-builder fills in ${name} and fails on a name it does not know.
    expect(new Set([...script.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((match) => match[1]))).toEqual(
      new Set(['executable', 'sanitizedProductName']),
    );
  });
});

describe('the headsets’ udev rule (assets/linux/60-hotline-desk-headsets.rules)', () => {
  const text = readFileSync('assets/linux/60-hotline-desk-headsets.rules', 'utf8');
  const rules = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

  it('is made of well-formed udev lines: hidraw only, nothing on remove, uaccess only for a telephony device', () => {
    const assignment =
      /^(?:[A-Z]+(?:\{[a-zA-Z_]+\})?(?:==|!=|\+=|=)"[^"]*")(?:, [A-Z]+(?:\{[a-zA-Z_]+\})?(?:==|!=|\+=|=)"[^"]*")*$/;
    for (const line of rules) expect(line).toMatch(assignment);
    expect(rules).toEqual([
      'ACTION=="remove", GOTO="hotline_desk_headsets_end"',
      'SUBSYSTEM!="hidraw", GOTO="hotline_desk_headsets_end"',
      // A relative program name is looked up in /usr/lib/udev/; %S%p is the hidraw node in sysfs,
      // `device` the HID device above it.
      'IMPORT{program}="hotline-desk-hid-telephony %S%p/device/report_descriptor"',
      'ENV{HOTLINE_DESK_TELEPHONY}=="1", TAG+="uaccess"',
      'LABEL="hotline_desk_headsets_end"',
    ]);
    for (const line of rules.filter((rule) => rule.includes('uaccess')))
      expect(line.startsWith('ENV{HOTLINE_DESK_TELEPHONY}=="1", ')).toBe(true);
    // No MODE: access follows the session, the node is never world-writable. No vendor list.
    expect(text).not.toMatch(/^[^#]*MODE/m);
    expect(text).not.toMatch(/^[^#]*KERNELS/m);
  });

  it('runs the helper the Debian package installs, a POSIX sh script that is executable', () => {
    const deb = config.deb as { fpm?: string[] };
    expect(deb.fpm).toContain(`${HELPER}=/usr/lib/udev/hotline-desk-hid-telephony`);
    expect(readFileSync(HELPER, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    // fpm keeps the mode: udev runs the program itself, not through a shell.
    expect(statSync(HELPER).mode & 0o111).toBe(0o111);
    expect(execFileSync('/bin/sh', ['-n', HELPER], { encoding: 'utf8', timeout: 10_000 })).toBe('');
  });
});

// ── the helper: hotline-desk-hid-telephony ────────────────────────────────────────────────────

const prng = seededRandom;
type Random = SeededRandom;

/** What the console's own parser says: null when it refuses the descriptor. */
function callControl(bytes: Uint8Array): boolean | null {
  const parsed = tryParseReportDescriptor(bytes);
  return parsed.ok ? buildCapabilityMap(parsed.value).callControl : null;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * A descriptor of valid items, biased towards what decides call control: the Telephony and a
 * vendor page, Hook Switch as a 1-, 2- or 4-byte usage and inside ranges (some with 4-byte ends),
 * usage pages changed after the usages, Push/Pop, Delimiter sets, array and variable fields of
 * any count and logical range, Input/Output/Feature with or without the Constant flag.
 */
function telephonyDescriptor(random: Random): Uint8Array {
  const out: number[] = [];
  const item = (prefix: number, value: number, size = value <= 0xff ? 1 : value <= 0xffff ? 2 : 4) => {
    out.push(prefix | (size === 4 ? 3 : size));
    for (let index = 0; index < size; index += 1) out.push(Math.floor(value / 256 ** index) % 256);
  };
  const usagePage = () =>
    item(0x04, random.pick([0x0b, 0x0b, 0x0b, 0x0c, 0x08, 0xff00, 0xff30]), random.pick([1, 2, 2, 4]));
  const usageId = () => random.pick([0x20, 0x20, 0x20, 0x2f, 0x21, 0x07, 0x09, 0xe9]);
  const usage = () => {
    const roll = random.next();
    if (roll < 0.5) item(0x08, usageId(), random.pick([1, 1, 2]));
    else if (roll < 0.65) item(0x08, random.pick([0x0b, 0x0b, 0x0c, 0xff00]) * 0x10000 + usageId(), 4);
    else {
      const first = random.pick([0x01, 0x18, 0x1f, 0x20, 0x21]);
      const last = first + random.pick([0, 1, 0x0c, 0x30]);
      const page = random.pick([0x0b, 0x0b, 0xff00]);
      const extended = random.pick(['none', 'none', 'both', 'minimum', 'maximum']);
      item(0x18, extended === 'both' || extended === 'minimum' ? page * 0x10000 + first : first);
      item(0x28, extended === 'both' || extended === 'maximum' ? page * 0x10000 + last : last);
    }
  };
  const field = () => {
    if (random.next() < 0.8) usagePage();
    if (random.next() < 0.6) item(0x14, random.pick([0, 0, 1, 0xff, 0x80]));
    if (random.next() < 0.7) item(0x24, random.pick([0, 1, 1, 2, 0x0c, 0x20, 0x7f, 0xff, 0x3c02]));
    if (random.next() < 0.7) item(0x74, random.pick([1, 1, 1, 2, 8, 16, 32]));
    if (random.next() < 0.7) item(0x94, random.pick([0, 1, 1, 2, 3, 4, 0x20]));
    const usages = random.int(5);
    for (let index = 0; index < usages; index += 1) {
      if (random.next() < 0.08) {
        item(0xa8, 1);
        usage();
        usage();
        item(0xa8, 0);
      } else usage();
    }
    // The usage page in effect at the main item is the one a 1- or 2-byte usage takes.
    if (random.next() < 0.2) usagePage();
    const flags = (random.next() < 0.25 ? 1 : 0) | (random.next() < 0.6 ? 2 : 0) | (random.next() < 0.2 ? 4 : 0);
    item(random.pick([0x80, 0x80, 0x80, 0x90, 0xb0]), flags);
  };
  const block = (depth: number) => {
    const blocks = 1 + random.int(5);
    for (let index = 0; index < blocks; index += 1) {
      const roll = random.next();
      if (roll < 0.12 && depth < 3) {
        usagePage();
        usage();
        item(0xa0, random.pick([0, 1, 2]));
        block(depth + 1);
        out.push(0xc0);
      } else if (roll < 0.2) {
        out.push(0xa4);
        usagePage();
        block(depth);
        out.push(0xb4);
      } else if (roll < 0.24) out.push(0xfe, 2, 0x10, random.int(256), random.int(256));
      else if (roll < 0.28) {
        // Usages no Input reads: an End Collection or an Output clears them.
        item(0x08, 0x20);
        item(0x90, 2);
      } else field();
    }
  };
  if (random.next() < 0.5) item(0x84, 1 + random.int(8));
  item(0x04, 0x0b);
  item(0x08, 0x05);
  item(0xa0, 1);
  block(1);
  out.push(0xc0);
  return Uint8Array.from(out);
}

function mutate(original: Uint8Array, random: Random): Uint8Array {
  const bytes = [...original];
  for (let round = 1 + random.int(3); round > 0; round -= 1) {
    const at = random.int(bytes.length + 1);
    const roll = random.int(4);
    if (roll === 0) bytes[at] = (bytes[at] ?? 0) ^ (1 << random.int(8));
    else if (roll === 1) bytes.splice(at, 0, random.int(256));
    else if (roll === 2) bytes.splice(at, 1 + random.int(3));
    else bytes[at] = random.int(256);
  }
  return Uint8Array.from(bytes, (value) => value & 0xff);
}

describe('the udev helper hotline-desk-hid-telephony (run with /bin/sh, dash on Debian)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-desk-udev-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let written = 0;

  const write = (bytes: Uint8Array): string => {
    const file = join(dir, `descriptor-${written}.bin`);
    written += 1;
    writeFileSync(file, bytes);
    return file;
  };

  /** The helper run on each descriptor, in one shell: its exit status and its output (stderr included). */
  const runAll = (descriptors: readonly Uint8Array[]): { status: number; output: string }[] => {
    const loop = 'helper=$1; shift; for file do output=$(/bin/sh "$helper" "$file" 2>&1); echo "$? $output"; done';
    const stdout = execFileSync('/bin/sh', ['-c', loop, 'sh', HELPER, ...descriptors.map(write)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const lines = stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(descriptors.length);
    return lines.map((line) => {
      const space = line.indexOf(' ');
      return { status: Number(line.slice(0, space)), output: line.slice(space + 1) };
    });
  };

  it('prints HOTLINE_DESK_TELEPHONY=1 for exactly the fixture headsets with call control', () => {
    const fixtures = readdirSync('test/fixtures/headsets')
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length));
    expect(fixtures).toHaveLength(10);
    const withCallControl: string[] = [];
    for (const name of fixtures) {
      const bytes = fixtureDescriptor(loadFixture(name));
      const expected = buildCapabilityMap(parseReportDescriptor(bytes)).callControl;
      if (expected) withCallControl.push(name);
      const stdout = execFileSync('/bin/sh', [HELPER, write(bytes)], { encoding: 'utf8', timeout: 10_000 });
      expect({ name, stdout }).toEqual({ name, stdout: expected ? `${TELEPHONY}\n` : '' });
    }
    expect(withCallControl).toHaveLength(8);
    expect(withCallControl).not.toContain('logitech-g535');
  });

  it('agrees with the console’s parser on the constructs that decide it', () => {
    const input = '15 00 25 01 75 01 95 01 81 02';
    const cases: [string, boolean][] = [
      [`05 0b 09 20 ${input}`, true],
      [`05 0b 09 20 15 00 25 01 75 01 95 01 81 03`, false], // Constant
      [`05 0b 09 20 15 00 25 01 75 01 95 01 91 02`, false], // Output
      [`06 00 ff 09 20 ${input}`, false], // vendor page
      [`09 20 05 0b ${input}`, true], // the page at the main item
      [`05 0b 09 20 05 0c ${input}`, false],
      [`05 0c 0b 20 00 0b 00 ${input}`, true], // 4-byte usage, its own page
      [`05 0b 0b 20 00 00 ff ${input}`, false],
      [`05 0b 19 18 29 28 15 00 25 10 75 08 95 01 81 00`, true], // array: value 8 selects it
      [`05 0b 19 18 29 28 15 00 25 04 75 08 95 01 81 00`, false], // array: no value selects it
      [`05 0b 19 1f 29 21 15 ff 25 00 75 08 95 01 81 00`, true], // a signed range: value 0 selects it
      [`05 0b 19 1f 29 21 15 ff 25 ff 75 08 95 01 81 00`, false], // -1..-1: nothing selects it
      [`05 0b 09 2f 09 21 09 20 15 00 25 01 75 01 95 02 81 02`, false], // variable: no element of its own
      [`05 0b 09 2f 09 21 09 20 15 00 25 01 75 01 95 03 81 02`, true],
      [`05 0b 09 2f 09 20 15 00 25 01 75 01 95 00 81 02`, false], // no element at all
      [`05 0b a4 05 0c b4 09 20 ${input}`, true], // Pop restores the page
      [`05 0b a8 01 09 2f 09 20 a8 00 ${input}`, false], // only a Delimiter set's first usage counts
      [`05 0b 09 20 a1 01 ${input} c0`, false], // the collection took it
      [`fe 02 10 20 0b 05 0b 09 20 ${input}`, true], // a long item is skipped whole
    ];
    const descriptors = cases.map(([bytes]) => Buffer.from(bytes.replaceAll(' ', ''), 'hex'));
    const results = runAll(descriptors);
    cases.forEach(([bytes, expected], index) => {
      expect({ bytes, ts: callControl(descriptors[index] as Uint8Array) }).toEqual({ bytes, ts: expected });
      expect({ bytes, ...results[index] }).toEqual({ bytes, status: 0, output: expected ? TELEPHONY : '' });
    });
  });

  it('leaves out an Input item with something odd in its own items, and reads on', () => {
    const input = '15 00 25 01 75 01 95 01 81 02';
    const odd = [
      `05 0b 19 28 29 18 ${input}`, // a range running backwards
      `05 0b 1b 18 00 0b 00 2b 28 00 0c 00 ${input}`, // a range across two pages
      `05 0c 1b 18 00 0b 00 29 28 ${input}`, // one 4-byte end, the other on the page at the main item
      `05 0b 19 18 09 20 ${input}`, // a Usage Minimum without its Maximum
      `05 0b 19 18 19 10 29 28 ${input}`, // a second Usage Minimum
      `05 0b a8 01 09 20 ${input}`, // a Delimiter set still open
      `05 0b 09 20 a8 00 ${input}`, // a Delimiter set closed, never opened
      `05 0b a8 02 09 20 ${input}`, // a Delimiter value other than 0 or 1
      `05 0b a8 01 a8 01 09 20 a8 00 ${input}`, // nested Delimiter sets
      '05 0b 09 20 15 00 25 01 75 00 95 01 81 02', // report size 0
      '05 0b 09 20 15 00 25 01 75 21 95 01 81 02', // report size 33
      '05 0b 09 20 15 01 25 00 75 01 95 01 81 02', // logical maximum below the minimum
    ];
    const cases = odd.flatMap((bytes): [string, boolean][] => [
      [bytes, false],
      [`${bytes} 05 0b 09 20 ${input}`, true],
    ]);
    const descriptors = cases.map(([bytes]) => Buffer.from(bytes.replaceAll(' ', ''), 'hex'));
    const results = runAll(descriptors);
    cases.forEach(([bytes, expected], index) => {
      // The console's parser leaves such an item out too, or refuses the whole descriptor.
      const ts = callControl(descriptors[index] as Uint8Array);
      expect({ bytes, ts: ts === null || ts === expected }).toEqual({ bytes, ts: true });
      expect({ bytes, ...results[index] }).toEqual({ bytes, status: 0, output: expected ? TELEPHONY : '' });
    });
  });

  it('agrees with the console’s parser on random descriptors it accepts', { timeout: 60_000 }, () => {
    const random = prng(0x0b20);
    const descriptors = Array.from({ length: 250 }, () => telephonyDescriptor(random));
    const results = runAll(descriptors);
    const tally = { accepted: 0, withCallControl: 0 };
    const disagreements: string[] = [];
    descriptors.forEach((bytes, index) => {
      const expected = callControl(bytes);
      const { status, output } = results[index] ?? { status: -1, output: '' };
      if (status !== 0 || (output !== '' && output !== TELEPHONY))
        disagreements.push(`${hex(bytes)}: exit ${status}, ${JSON.stringify(output)}`);
      if (expected === null) return;
      tally.accepted += 1;
      if (expected) tally.withCallControl += 1;
      if ((output === TELEPHONY) !== expected)
        disagreements.push(`${hex(bytes)}: parser ${expected}, helper ${output}`);
    });
    expect(disagreements).toEqual([]);
    expect(tally.accepted).toBeGreaterThan(125);
    expect(tally.withCallControl).toBeGreaterThan(40);
    expect(tally.accepted - tally.withCallControl).toBeGreaterThan(40);
  });

  it('reads truncated and garbled descriptors quietly, exits 0, never hangs', { timeout: 60_000 }, () => {
    const random = prng(0x1395);
    const cases: { bytes: Uint8Array; full: boolean | null }[] = [];
    for (const name of readdirSync('test/fixtures/headsets').filter((file) => file.endsWith('.json'))) {
      const bytes = fixtureDescriptor(loadFixture(name.slice(0, -'.json'.length)));
      const full = callControl(bytes);
      for (let round = 0; round < 6; round += 1) cases.push({ bytes: bytes.slice(0, random.int(bytes.length)), full });
      for (let round = 0; round < 6; round += 1) cases.push({ bytes: mutate(bytes, random), full: null });
    }
    for (let round = 0; round < 30; round += 1) cases.push({ bytes: random.bytes(1 + random.int(200)), full: null });
    cases.push({ bytes: new Uint8Array(0), full: false }, { bytes: new Uint8Array(4096).fill(0xa4), full: null });
    const results = runAll(cases.map(({ bytes }) => bytes));
    const wrong: string[] = [];
    let accepted = 0;
    cases.forEach(({ bytes, full }, index) => {
      const { status, output } = results[index] ?? { status: -1, output: '' };
      const expected = callControl(bytes);
      if (expected !== null) accepted += 1;
      const fine =
        status === 0 &&
        (output === '' || output === TELEPHONY) &&
        // A prefix tells no more than the whole descriptor.
        (full === null || output === '' || full) &&
        (expected === null || (output === TELEPHONY) === expected);
      if (!fine) wrong.push(`${hex(bytes)}: exit ${status}, ${JSON.stringify(output)} (parser ${expected})`);
    });
    expect(wrong).toEqual([]);
    expect(accepted).toBeGreaterThan(10);
  });
});

// ── the app's icons (scripts/generate-icons.mjs) ──────────────────────────────────────────────

const ICONS = 'assets/icons';
const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 32, 48, 64, 128, 256];
const ICNS_TYPES: [string, number][] = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

/** electron-builder's own icon resolver: takes a file as it is, or converts it (with a downloaded tool). */
const { convertIcon } = fromLib('./out/util/iconConverter') as {
  convertIcon(options: {
    sources: string[];
    fallbackSources: string[];
    roots: string[];
    format: 'ico' | 'icns' | 'set';
    outDir: string;
  }): Promise<{ icons: { file: string; size: number }[]; isFallback: boolean }>;
};

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

/** A PNG's IHDR, after walking its chunks: each CRC right, IHDR first, IEND last and at the very end. */
function readPng(bytes: Buffer): PngHeader {
  if (!bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) throw new Error('no PNG signature');
  const types: string[] = [];
  let at = 8;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error(`a chunk cut short at ${at}`);
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) throw new Error(`a chunk runs past the end at ${at}`);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== bytes.readUInt32BE(at + 8 + length))
      throw new Error(`${type}: bad CRC`);
    types.push(type);
    at = end;
  }
  if (types[0] !== 'IHDR' || bytes.readUInt32BE(8) !== 13) throw new Error('IHDR is not the first chunk');
  if (types.at(-1) !== 'IEND' || types.indexOf('IEND') !== types.length - 1) throw new Error('IEND is not last');
  if (!types.includes('IDAT')) throw new Error('no image data');
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes.readUInt8(24),
    colourType: bytes.readUInt8(25),
  };
}

interface IcoEntry {
  width: number;
  height: number;
  planes: number;
  bitCount: number;
  offset: number;
  data: Buffer;
}

/** An ICO file's directory (ICONDIR, then one ICONDIRENTRY per image, little-endian) and its images. */
function readIco(bytes: Buffer): IcoEntry[] {
  if (bytes.readUInt16LE(0) !== 0 || bytes.readUInt16LE(2) !== 1) throw new Error('not an icon (ICONDIR)');
  const count = bytes.readUInt16LE(4);
  return Array.from({ length: count }, (_, index) => {
    const at = 6 + 16 * index;
    const size = bytes.readUInt32LE(at + 8);
    const offset = bytes.readUInt32LE(at + 12);
    if (offset < 6 + 16 * count || offset + size > bytes.length) throw new Error(`entry ${index} out of bounds`);
    return {
      // 0 means 256.
      width: bytes.readUInt8(at) || 256,
      height: bytes.readUInt8(at + 1) || 256,
      planes: bytes.readUInt16LE(at + 4),
      bitCount: bytes.readUInt16LE(at + 6),
      offset,
      data: bytes.subarray(offset, offset + size),
    };
  });
}

/** An ICNS file: 'icns' and the total length, then type, length (header included) and data each, big-endian. */
function readIcns(bytes: Buffer): { length: number; entries: { type: string; data: Buffer }[] } {
  if (bytes.toString('latin1', 0, 4) !== 'icns') throw new Error('no icns magic');
  const length = bytes.readUInt32BE(4);
  const entries: { type: string; data: Buffer }[] = [];
  let at = 8;
  while (at < Math.min(length, bytes.length)) {
    const size = bytes.readUInt32BE(at + 4);
    if (size < 8 || at + size > bytes.length) throw new Error(`entry at ${at} out of bounds`);
    entries.push({ type: bytes.toString('latin1', at, at + 4), data: bytes.subarray(at + 8, at + size) });
    at += size;
  }
  return { length, entries };
}

/** Every file under dir, relative and sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

describe('icons', () => {
  const platforms = config as { win?: { icon?: string }; mac?: { icon?: string }; linux?: { icon?: string } };

  it('the config points at the generated icons, and they exist', () => {
    expect(readFileSync('assets/icon.svg', 'utf8')).toMatch(/<svg\b[^>]*\bviewBox="0 0 64 64"/);
    expect(platforms.win?.icon).toBe(`${ICONS}/icon.ico`);
    expect(platforms.mac?.icon).toBe(`${ICONS}/icon.icns`);
    // A folder of <n>x<n>.png: electron-builder installs each size into the hicolor theme.
    expect(platforms.linux?.icon).toBe(`${ICONS}/png`);
    expect(statSync(`${ICONS}/icon.ico`).isFile()).toBe(true);
    expect(statSync(`${ICONS}/icon.icns`).isFile()).toBe(true);
    expect(statSync(`${ICONS}/icon.png`).isFile()).toBe(true);
    expect(readdirSync(`${ICONS}/png`).sort()).toEqual(ICON_SIZES.map((size) => `${size}x${size}.png`).sort());
  });

  it('electron-builder takes them as they are: no conversion, no fallback to the Electron icon', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'hotline-desk-icons-'));
    try {
      // The roots electron-builder searches: the build resources, then the project.
      const roots = [resolve('build'), resolve('.')];
      const take = (source: string | undefined, format: 'ico' | 'icns' | 'set') =>
        convertIcon({ sources: [source ?? ''], fallbackSources: [], roots, format, outDir });
      await expect(take(platforms.win?.icon, 'ico')).resolves.toEqual({
        icons: [{ file: resolve(ICONS, 'icon.ico'), size: 256 }],
        isFallback: false,
      });
      await expect(take(platforms.mac?.icon, 'icns')).resolves.toEqual({
        icons: [{ file: resolve(ICONS, 'icon.icns'), size: 0 }],
        isFallback: false,
      });
      await expect(take(platforms.linux?.icon, 'set')).resolves.toEqual({
        icons: ICON_SIZES.map((size) => ({ file: resolve(ICONS, 'png', `${size}x${size}.png`), size })),
        isFallback: false,
      });
      expect(readdirSync(outDir)).toEqual([]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('each PNG is as large as its name says, 8-bit RGBA (colour type 6)', () => {
    const rgba = (size: number) => ({ width: size, height: size, bitDepth: 8, colourType: 6 });
    expect(readPng(readFileSync(`${ICONS}/icon.png`))).toEqual(rgba(1024));
    for (const size of ICON_SIZES) {
      const name = `${size}x${size}.png`;
      expect({ name, ...readPng(readFileSync(`${ICONS}/png/${name}`)) }).toEqual({ name, ...rgba(size) });
    }
  });

  it('the ICO holds PNG entries 16 to 256 whose images have the sizes its directory says', () => {
    const bytes = readFileSync(`${ICONS}/icon.ico`);
    const entries = readIco(bytes);
    expect(entries.map(({ width, height }) => [width, height])).toEqual(ICO_SIZES.map((size) => [size, size]));
    let end = 6 + 16 * entries.length;
    for (const { width, height, planes, bitCount, offset, data } of entries) {
      expect({ width, planes, bitCount, offset }).toEqual({ width, planes: 1, bitCount: 32, offset: end });
      end += data.length;
      expect(readPng(data)).toEqual({ width, height, bitDepth: 8, colourType: 6 });
      expect(data.equals(readFileSync(`${ICONS}/png/${width}x${height}.png`))).toBe(true);
    }
    expect(end).toBe(bytes.length);
  });

  it('the ICNS’s length is the file’s, and it holds the listed types with PNGs of their sizes', () => {
    const bytes = readFileSync(`${ICONS}/icon.icns`);
    const { length, entries } = readIcns(bytes);
    expect(length).toBe(bytes.length);
    expect(entries.map(({ type }) => type)).toEqual(ICNS_TYPES.map(([type]) => type));
    for (const [type, size] of ICNS_TYPES) {
      const data = entries.find((entry) => entry.type === type)?.data ?? Buffer.alloc(0);
      expect({ type, ...readPng(data) }).toEqual({ type, width: size, height: size, bitDepth: 8, colourType: 6 });
    }
  });

  it.skipIf(chromium.skip)(
    'regenerating them from assets/icon.svg gives the same bytes (the committed icons are the SVG’s)',
    { timeout: 120_000 },
    () => {
      chromium.assert();
      const dir = mkdtempSync(join(tmpdir(), 'hotline-desk-icons-'));
      try {
        execFileSync(process.execPath, ['scripts/generate-icons.mjs', dir], { stdio: 'pipe', timeout: 110_000 });
        const files = filesUnder(ICONS);
        expect(filesUnder(dir)).toEqual(files);
        const differ = files.filter((file) => !readFileSync(join(dir, file)).equals(readFileSync(join(ICONS, file))));
        expect(differ, 'run `node scripts/generate-icons.mjs` and commit assets/icons/').toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
