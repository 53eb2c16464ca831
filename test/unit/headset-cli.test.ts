import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliEnvironment } from '../../src/main/host/cli/cli';
import { testSecrets } from '../support/secrets';
import { FakeHidBackend } from '../support/fake-hid';
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
  it('a malformed field in a vendor collection is left out: the map is unchanged, stderr says what was left out', () => {
    // A vendor collection (page 0xFF00, report 0x7E) whose field has logical maximum 1 below minimum 5.
    const odd = `${fixtureHex('jabra-evolve-link-ms')} 06 00 ff 09 01 a1 01 85 7e 09 02 15 05 25 01 75 08 95 01 81 02 c0`;
    const result = probe('--descriptor', odd.replace(/\s+/g, ''));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EVOLVE_MAP);
    expect(result.stderr).toMatch(
      /^warning: descriptor byte \d+: Input data field has logical maximum 1 below logical minimum 5 \(field left out\)\n$/,
    );
  });

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

  it('refuses anything but probe, list and monitor with the usage', () => {
    for (const args of [['frob'], [], ['list', 'extra']]) {
      const result = spawnSync(process.execPath, [CLI, 'headset', ...args], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(
        /expected "headset probe --descriptor HEX\|FILE", "headset list" or "headset monitor"/,
      );
      expect(result.stderr).toMatch(/Usage: hotline-desk headset probe/);
    }
  });
});

describe('hotline-desk headset list and monitor (the built CLI, real node-hid: no headset on this machine)', () => {
  it('list prints [] and exits 0', () => {
    const result = spawnSync(process.execPath, [CLI, 'headset', 'list'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('monitor starts, prints nothing without a headset, and exits 0 on Ctrl-C (SIGINT)', async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, [CLI, 'headset', 'monitor', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('Monitoring headsets')) resolve();
      }),
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await started;
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toBe('');
    expect(stderr).toBe('Monitoring headsets; Ctrl-C stops.\n');
  });

  it('monitor refuses a malformed --device', () => {
    const result = spawnSync(process.execPath, [CLI, 'headset', 'monitor', '--device', 'jabra'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--device: expected VVVV:PPPP or VVVV:PPPP:serial/);
  });
});

describe('headset list and monitor with a headset (in process, a fake HID stack of fixture devices)', () => {
  function environment(backend: FakeHidBackend, dataDir: string) {
    const out: string[] = [];
    const err: string[] = [];
    let interrupt = (): void => undefined;
    let announce = (): void => undefined;
    const started = new Promise<void>((resolve) => (announce = resolve));
    const env: CliEnvironment = {
      io: {
        stdout: (text) => out.push(text),
        stderr: (text) => {
          err.push(text);
          if (text.startsWith('Monitoring headsets')) announce();
        },
      },
      host: 'node',
      defaultDataDir: dataDir,
      machinePolicy: () => [],
      openSecrets: (dir) => testSecrets(dir),
      openHid: () => backend,
      untilInterrupted: () => new Promise<void>((resolve) => (interrupt = resolve)),
    };
    return { env, out, err, started, interrupt: () => interrupt() };
  }

  it('list prints each headset with its capabilities, the path and why a device has no call control', async () => {
    const backend = new FakeHidBackend();
    backend.plug('jabra-evolve-link-ms', { serialNumber: 'J1' });
    backend.plug('logitech-g535');
    const { env, out, err } = environment(backend, await tempDir());
    expect(await runCli(['headset', 'list'], env)).toBe(0);
    expect(err).toEqual([]);
    const listed = JSON.parse(out.join('')) as unknown[];
    expect(listed).toEqual([
      {
        key: '046d:0ac4',
        vendorId: 0x046d,
        productId: 0x0ac4,
        serialNumber: '',
        name: 'Logitech G535 Wireless Gaming Headset (negative: no telephony)',
        manufacturer: 'Fixture',
        descriptor: 'device',
        callControl: false,
        inputs: ['volumeUp', 'volumeDown'],
        outputs: [],
        path: '/dev/hidraw1',
        problem: 'no Hook Switch in the descriptor: no call control',
        capabilities: {
          callControl: false,
          inputs: {
            volumeUp: { reportId: 1, bit: 0, size: 1, relative: false },
            volumeDown: { reportId: 1, bit: 1, size: 1, relative: false },
          },
          outputs: {},
        },
      },
      expect.objectContaining({ key: '0b0e:0307:J1', path: '/dev/hidraw0', problem: null, capabilities: EVOLVE_MAP }),
    ]);
    // Listing opens nothing.
    expect(backend.opened).toEqual([]);
  });

  it('monitor prints the device’s status and each control change as a JSON line, and writes nothing to it', async () => {
    const backend = new FakeHidBackend();
    const path = backend.plug('jabra-evolve-link-ms', { serialNumber: 'J1' });
    const { env, out, started, interrupt } = environment(backend, await tempDir());
    const run = runCli(['headset', 'monitor'], env);
    await started;
    const jabra = backend.device(path);
    jabra.send('02 01 00');
    jabra.send('02 05 00');
    jabra.send('02 01 00');
    jabra.send('02 00 00');
    interrupt();
    expect(await run).toBe(0);
    const lines = out
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(lines).toEqual([
      { type: 'status', at, status: 'opening', device: '0b0e:0307:J1' },
      { type: 'status', at, status: 'attached', device: '0b0e:0307:J1' },
      { type: 'input', at, device: '0b0e:0307:J1', control: 'hookSwitch', value: 1 },
      { type: 'input', at, device: '0b0e:0307:J1', control: 'phoneMute', value: 1 },
      { type: 'input', at, device: '0b0e:0307:J1', control: 'phoneMute', value: 0 },
      { type: 'input', at, device: '0b0e:0307:J1', control: 'hookSwitch', value: 0 },
    ]);
    expect(jabra.writes).toEqual([]);
    expect(jabra.closed).toBe(true);
  });
});
