import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildCapabilityMap } from '../../src/main/headset/capabilities';
import { parseReportDescriptor } from '../../src/main/headset/descriptor';
import { fixtureDescriptor } from '../../src/main/headset/fixture';
import { loadFixture } from '../support/fake-hid';

// Resolved the way electron-builder (our direct dependency) resolves them, whatever npm hoists.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));

/** electron-builder's own configuration check, the one `npm run dist` runs first. */
const { validateConfiguration } = fromLib('./out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

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
    expect(config.files).toEqual(['out/**', 'package.json', '!out/**/*.map']);
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.afterPack).toBe('build/after-pack.mjs');
    expect(readFileSync('build/after-pack.mjs', 'utf8')).toMatch(/flipFuses\(executable, HARDENED_FUSES\)/);
  });

  it('installs per machine on Windows and depends on libusb on Debian', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true });
    expect(config.msi).toMatchObject({ perMachine: true, upgradeCode: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(config.deb).toMatchObject({ depends: expect.arrayContaining(['libusb-1.0-0']) });
  });

  it('installs the headsets’ udev rule with the Debian package, and applies it after electron-builder’s own steps', () => {
    const deb = config.deb as { fpm?: string[]; afterInstall?: string };
    const rule = '/usr/lib/udev/rules.d/60-hotline-desk-headsets.rules';
    expect(deb.fpm).toEqual([`assets/linux/60-hotline-desk-headsets.rules=${rule}`]);
    expect(existsSync('assets/linux/60-hotline-desk-headsets.rules')).toBe(true);
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

  it('is made of well-formed udev lines: hidraw only, uaccess, nothing on remove', () => {
    const assignment =
      /^(?:[A-Z]+(?:\{[a-zA-Z_]+\})?(?:==|!=|\+=|=)"[^"]*")(?:, [A-Z]+(?:\{[a-zA-Z_]+\})?(?:==|!=|\+=|=)"[^"]*")*$/;
    for (const line of rules) expect(line).toMatch(assignment);
    expect(rules.slice(0, 2)).toEqual([
      'ACTION=="remove", GOTO="hotline_desk_headsets_end"',
      'SUBSYSTEM!="hidraw", GOTO="hotline_desk_headsets_end"',
    ]);
    expect(rules.at(-1)).toBe('LABEL="hotline_desk_headsets_end"');
    for (const line of rules.slice(2, -1))
      expect(line).toMatch(/^KERNELS=="000\[35\]:[0-9A-F]{4}:[^"]*", TAG\+="uaccess"$/);
    // No MODE: access follows the session, the node is never world-writable.
    expect(text).not.toMatch(/^[^#]*MODE/m);
  });

  it('covers every fixture headset with call control (USB and Bluetooth), by its vendor', () => {
    const vendors = rules.flatMap((line) => /^KERNELS=="000\[35\]:([0-9A-F]{4}):\*"/.exec(line)?.[1] ?? []);
    const fixtures = readdirSync('test/fixtures/headsets')
      .filter((name) => name.endsWith('.json'))
      .map((name) => loadFixture(name.slice(0, -'.json'.length)));
    const needed = fixtures.filter(
      (fixture) => buildCapabilityMap(parseReportDescriptor(fixtureDescriptor(fixture))).callControl,
    );
    expect(needed).toHaveLength(8);
    for (const fixture of needed)
      expect(vendors).toContain(fixture.vendorId.toString(16).toUpperCase().padStart(4, '0'));
    // Logitech also makes keyboards: never a whole vendor line for it.
    expect(vendors).not.toContain('046D');
  });
});
