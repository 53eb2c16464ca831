import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliEnvironment } from '../../src/main/host/cli/cli';
import { testSecrets } from '../support/secrets';
import { tempDir } from '../support/temp';

async function run(argv: string[], dataDir?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const env: CliEnvironment = {
    io: { stdout: (text) => out.push(text), stderr: (text) => err.push(text) },
    host: 'node',
    defaultDataDir: dataDir ?? (await tempDir()),
    machinePolicy: () => [],
    openSecrets: (dir) => testSecrets(dir),
  };
  const status = await runCli(argv, env);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

describe('cli', () => {
  it('prints usage for help and exits 2 with usage when no command is given', async () => {
    const help = await run(['help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/policy check FILE/);
    expect((await run([])).status).toBe(2);
  });

  it('refuses an unknown command on stderr with status 2', async () => {
    const result = await run(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('refuses an unknown option with status 2', async () => {
    const result = await run(['info', '--colour']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--colour/);
  });

  it('info --json loads both native modules and reports the secret store truthfully', async () => {
    const dataDir = await tempDir();
    const result = await run(['info', '--json'], dataDir);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    // No keystore in the test run: a file in the state folder, never in the data folder, and said so.
    expect(report.secretStorage).toEqual({ protected: false, backend: 'file', location: testSecrets(dataDir).file });
    expect(report.secretStorage.location.startsWith(dataDir)).toBe(false);
    const text = await run(['info'], dataDir);
    expect(text.stdout).toContain(
      `secret storage: file ${testSecrets(dataDir).file} (NOT protected by the operating system: whoever can read this user's files, a backup of the home folder too, reads the call log's key and the SIP password)`,
    );
    expect(report.nativeModules).toEqual([
      {
        name: 'better-sqlite3-multiple-ciphers',
        loaded: true,
        detail: expect.stringMatching(/^SQLite 3\.\d+\.\d+, SQLite3 Multiple Ciphers/),
      },
      { name: 'node-hid', loaded: true, detail: expect.stringMatching(/^hidapi \d+\.\d+/) },
    ]);
  });

  it('settings get --json shows the effective settings with policy locks', async () => {
    const dir = await tempDir();
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ 'ui.language': 'en' }));
    const result = await run(['settings', 'get', '--json', '--policy', policy], dir);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      values: { 'ui.language': 'en' },
      locked: ['ui.language'],
      problems: [],
    });
  });

  it('settings get only reads: an unreadable settings file stays where it is', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'settings.json'), '{ broken');
    const result = await run(['settings', 'get', '--json'], dir);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).problems[0]).toMatchObject({ source: 'user', key: null });
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{ broken');
  });

  it('policy check: exit 0 prints the effective settings as JSON', async () => {
    const dir = await tempDir();
    const policy = join(dir, 'policy.json');
    await writeFile(
      policy,
      JSON.stringify({ 'sip.servers': ['wss://pbx.example:8089/ws'], 'sip.uri': 'sip:1001@pbx.example' }),
    );
    const result = await run(['policy', 'check', policy]);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.locked).toEqual(['sip.servers', 'sip.uri']);
    expect(output.settings).toMatchObject({ 'ui.language': 'de', 'sip.servers': ['wss://pbx.example:8089/ws'] });
  });

  it('policy check: exit 1 prints each problem with its key', async () => {
    const dir = await tempDir();
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ 'sip.servers': ['ftp://pbx'], 'ui.language': 'fr', 'ui.theme': 'dark' }));
    const result = await run(['policy', 'check', policy]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/sip\.servers: value\[0\]: expected a ws:\/\/ or wss:\/\/ URL/);
    expect(lines[1]).toMatch(/ui\.language: value: /);
    expect(lines[2]).toMatch(/ui\.theme: unknown setting/);
    // The server list is security-relevant: no valid policy value fixes it (empty), not the user.
    expect(lines[3]).toMatch(/sip\.servers: no valid value in any policy: fixed at the safe value \[\]/);
  });

  it('policy check: a missing file is a problem, not a crash', async () => {
    const result = await run(['policy', 'check', '/nonexistent/policy.json']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no such file/);
  });
});

describe('cli: policy check on what IT rolls out', () => {
  it('settings get never prints the policy-only pseudonym key', async () => {
    const dir = await tempDir();
    const policy = join(dir, 'policy.json');
    const key = 'q0Vn3C6xKJrA8yqfXQmV1t2vCz3kP8sWn4hLr9bYd2E=';
    await writeFile(policy, JSON.stringify({ 'reports.pseudonymKey': key, 'retention.days': 14 }));
    for (const argv of [
      ['settings', 'get', '--policy', policy, '--json'],
      ['settings', 'get', '--policy', policy],
    ]) {
      const result = await run(argv, dir);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/retention\.days/);
      expect(result.stdout + result.stderr).not.toContain(key);
    }
  });

  it('reads a JSON policy saved as UTF-16 (Windows PowerShell 5 writes that with ">")', async () => {
    const dir = await tempDir();
    const policy = join(dir, 'policy.json');
    const text = JSON.stringify({ 'retention.days': 14, 'sip.displayName': 'Gesundheitsamt Müllerstraße' });
    await writeFile(policy, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const result = await run(['policy', 'check', policy]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as { format: string; settings: Record<string, unknown> };
    expect(output.format).toBe('policy');
    expect(output.settings).toMatchObject({ 'retention.days': 14, 'sip.displayName': 'Gesundheitsamt Müllerstraße' });
  });

  it('checks the settings inside a configuration profile (.mobileconfig), and says when it has none', async () => {
    const dir = await tempDir();
    const profile = join(dir, 'hotline-desk.mobileconfig');
    const payload = (inner: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict>\n<key>PayloadType</key><string>Configuration</string>\n<key>PayloadIdentifier</key><string>example.hotline-desk</string>\n<key>PayloadContent</key><array>${inner}</array>\n</dict></plist>\n`;
    await writeFile(
      profile,
      payload(
        `<dict><key>PayloadType</key><string>com.apple.ManagedClient.preferences</string><key>PayloadContent</key><dict><key>de.hotline-desk.console</key><dict><key>Forced</key><array><dict><key>mcx_preference_settings</key><dict><key>retention.days</key><integer>14</integer><key>sip.transport</key><string>wss</string></dict></dict></array></dict></dict></dict>`,
      ),
    );
    const result = await run(['policy', 'check', profile]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as { format: string; locked: string[]; settings: Record<string, unknown> };
    expect(output.format).toBe('profile');
    expect(output.locked.sort()).toEqual(['retention.days', 'sip.transport']);
    expect(output.settings).toMatchObject({ 'retention.days': 14, 'sip.transport': 'wss' });

    await writeFile(profile, payload('<dict><key>PayloadType</key><string>com.apple.wifi.managed</string></dict>'));
    const empty = await run(['policy', 'check', profile]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/a configuration profile without settings for de\.hotline-desk\.console/);
  });

  it('checks a registry export (.reg) as Group Policy would apply it', async () => {
    const result = await run(['policy', 'check', 'test/fixtures/policy/hklm-policies-hotlinedesk.reg', '--json']);
    expect(result.status).toBe(1);
    const output = JSON.parse(result.stdout) as { format: string; problems: { key: string | null; code: string }[] };
    expect(output.format).toBe('registry');
    // The recorded export holds a value of no setting and a subkey: both named.
    expect(output.problems.map((problem) => problem.code)).toEqual(['unknown_key', 'unknown_key']);
    expect(output.problems.map((problem) => problem.key)).toContain('log.path');
  });
});
