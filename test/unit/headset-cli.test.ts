import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp';

// The built CLI (out/main/cli.js, built by the test run's global setup), run as `npm run cli` runs it.
const CLI = join(process.cwd(), 'out', 'main', 'cli.js');
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'headsets');

function probe(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'headset', 'probe', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function fixtureHex(name: string): string {
  return (JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { descriptorHex: string }).descriptorHex;
}

const EVOLVE_MAP = {
  callControl: true,
  inputs: {
    hookSwitch: { reportId: 2, bit: 0, size: 1, relative: false },
    phoneMute: { reportId: 2, bit: 2, size: 1, relative: true },
    flash: { reportId: 2, bit: 3, size: 1, relative: true },
    redial: { reportId: 2, bit: 4, size: 1, relative: true },
    speedDial: { reportId: 2, bit: 5, size: 1, relative: true },
    lineBusyTone: { reportId: 2, bit: 1, size: 1, relative: false },
    volumeUp: { reportId: 1, bit: 1, size: 1, relative: false },
    volumeDown: { reportId: 1, bit: 0, size: 1, relative: false },
  },
  outputs: {
    ledOffHook: { reportId: 2, bit: 0, size: 1 },
    ledRing: { reportId: 2, bit: 2, size: 1 },
    ledMute: { reportId: 2, bit: 1, size: 1 },
    ledHold: { reportId: 2, bit: 3, size: 1 },
    ledMicrophone: { reportId: 2, bit: 4, size: 1 },
    ringer: { reportId: 2, bit: 5, size: 1 },
  },
};

describe('hotline-desk headset probe', () => {
  it('prints the capability map of a fixture file as JSON and nothing else', () => {
    const result = probe(
      '--descriptor',
      join(FIXTURES, 'jabra-evolve-link-ms.json'),
      '--vid',
      '0x0b0e',
      '--pid',
      '0x0307',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EVOLVE_MAP);
  });

  it('reads a hex string, with or without spaces', () => {
    const hex = fixtureHex('logitech-g535');
    const expected = {
      callControl: false,
      inputs: {
        volumeUp: { reportId: 1, bit: 0, size: 1, relative: false },
        volumeDown: { reportId: 1, bit: 1, size: 1, relative: false },
      },
      outputs: {},
    };
    const plain = probe('--descriptor', hex);
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout)).toEqual(expected);
    const spaced = probe('--descriptor', hex.replace(/(..)/g, '$1 ').trim(), '--vid', '0x046d');
    expect(spaced.status).toBe(0);
    expect(JSON.parse(spaced.stdout)).toEqual(expected);
  });

  it('reads a binary descriptor dump (as copied from /sys/class/hidraw/…/report_descriptor)', async () => {
    const file = join(await tempDir(), 'report_descriptor');
    await writeFile(file, Buffer.from(fixtureHex('poly-bt700'), 'hex'));
    const result = probe('--descriptor', file);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      callControl: true,
      inputs: {
        hookSwitch: { reportId: 32, bit: 0, size: 1, relative: false },
        phoneMute: { reportId: 32, bit: 1, size: 1, relative: true },
        flash: { reportId: 32, bit: 2, size: 1, relative: false },
        redial: { reportId: 32, bit: 3, size: 1, relative: true },
        volumeUp: { reportId: 255, bit: 0, size: 1, relative: false },
        volumeDown: { reportId: 255, bit: 1, size: 1, relative: false },
      },
      outputs: {
        ledOffHook: { reportId: 36, bit: 0, size: 1 },
        ledRing: { reportId: 33, bit: 0, size: 1 },
        ledMute: { reportId: 35, bit: 0, size: 1 },
        ledHold: { reportId: 37, bit: 0, size: 1 },
      },
    });
  });

  it('exits 2 and names the problem on stderr for bad input, printing nothing on stdout', async () => {
    const dir = await tempDir();
    const truncated = join(dir, 'truncated.bin');
    await writeFile(truncated, Buffer.from(fixtureHex('jabra-evolve-link-ms').slice(0, 78), 'hex'));
    const brokenFixture = join(dir, 'broken.json');
    await writeFile(brokenFixture, JSON.stringify({ name: 'x', vendorId: '0x0b0e', productId: '0x0307', source: 'y' }));
    const cases: [string[], RegExp][] = [
      [[], /--descriptor: expected a hex string or a file/],
      [
        ['--descriptor', '050b0905a101'],
        /hex string: descriptor byte 6: expected End Collection for the collection opened at byte 4/,
      ],
      [['--descriptor', '050b0'], /hex string has an odd number of digits \(5\)/],
      [['--descriptor', '050b26ff'], /hex string: descriptor byte 2: item needs 2 data bytes, 1 left/],
      [['--descriptor', truncated], /truncated\.bin: descriptor byte 38: item needs 1 data byte, 0 left/],
      [['--descriptor', join(dir, 'missing.bin')], /not a hex string, and no such file: .*missing\.bin/],
      [['--descriptor', brokenFixture], /broken\.json: descriptorHex: /],
      [
        ['--descriptor', join(FIXTURES, 'jabra-evolve-link-ms.json'), '--vid', '0x047f'],
        /--vid 0x047f does not match .*jabra-evolve-link-ms\.json, which is for vendor 0x0b0e/,
      ],
      [
        ['--descriptor', join(FIXTURES, 'jabra-evolve-link-ms.json'), '--pid', '0x0308'],
        /--pid 0x0308 does not match .*, which is for product 0x0307/,
      ],
      [['--descriptor', fixtureHex('logitech-g535'), '--vid', 'jabra'], /--vid: expected a hexadecimal USB ID/],
    ];
    for (const [args, message] of cases) {
      const result = probe(...args);
      expect({ args, status: result.status, stdout: result.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
  });

  it('refuses anything but "probe" with the usage', () => {
    const result = spawnSync(process.execPath, [CLI, 'headset', 'list'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/expected "headset probe --descriptor HEX\|FILE"/);
    expect(result.stderr).toMatch(/Usage: hotline-desk headset probe/);
  });
});
