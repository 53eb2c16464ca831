import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

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
});
