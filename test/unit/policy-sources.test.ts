import { chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machinePolicySources, managedPreferencesFiles, policyFromFile } from '../../src/main/host/policy-locations';
import { systemClock } from '../../src/main/ports';
import type { RunResult } from '../../src/main/settings/policy/registry';
import { MAX_POLICY_BYTES } from '../../src/main/settings/policy/sources';
import { SettingsService } from '../../src/main/settings/settings-service';
import { AppError } from '../../src/shared/result';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

const FIXTURES = 'test/fixtures/policy';
const REGISTRY_KEY = 'HKLM\\SOFTWARE\\Policies\\HotlineDesk';

/** reg.exe as it behaves with the key present (export writes the recorded file) or absent. */
function recordedReg(
  fixture: string | null,
  calls: string[][] = [],
): (file: string, args: readonly string[]) => Promise<RunResult> {
  return async (_file, args) => {
    calls.push([...args]);
    if (args[0] === 'export') {
      if (fixture === null) return { exitCode: 1 };
      await copyFile(join(FIXTURES, fixture), args[2] as string);
      return { exitCode: 0 };
    }
    // HKLM\SOFTWARE\Policies always exists; our own key only when there is a fixture.
    if (args[0] === 'query') return { exitCode: args[1] === 'HKLM\\SOFTWARE\\Policies' || fixture !== null ? 0 : 1 };
    return { exitCode: 1 };
  };
}

async function openSettings(dir: string, policy: Parameters<typeof SettingsService.open>[0]['policy'], user?: object) {
  if (user) await writeFile(join(dir, 'settings.json'), JSON.stringify(user));
  return SettingsService.open({
    userFile: join(dir, 'settings.json'),
    policy,
    clock: systemClock,
    log: recordingLogger(),
  });
}

describe('policy locations: each platform’s sources, highest precedence first', () => {
  it('Windows: Group Policy (registry), then %ProgramData%\\HotlineDesk\\policy.json', () => {
    const sources = machinePolicySources({ platform: 'win32', env: { ProgramData: 'D:\\ProgramData' } });
    expect(sources.map((source) => [source.kind, source.location])).toEqual([
      ['registry', REGISTRY_KEY],
      ['policy', 'D:\\ProgramData\\HotlineDesk\\policy.json'],
    ]);
    // Whoever starts the console sets its environment: only the standard form is believed.
    const moved = machinePolicySources({ platform: 'win32', env: { ProgramData: 'C:\\Users\\agent\\pd' } });
    expect(moved[1]?.location).toBe('C:\\ProgramData\\HotlineDesk\\policy.json');
  });

  it('macOS: managed preferences (the computer’s, then the user’s), then the policy file', () => {
    const sources = machinePolicySources({ platform: 'darwin', user: 'mueller' });
    expect(sources.map((source) => source.kind)).toEqual(['profile', 'policy']);
    expect(sources[0]?.location).toBe(
      '/Library/Managed Preferences/de.hotline-desk.console.plist, /Library/Managed Preferences/mueller/de.hotline-desk.console.plist',
    );
    expect(sources[1]?.location).toBe('/Library/Application Support/HotlineDesk/policy.json');
  });

  it('Linux: /etc/hotline-desk/policy.json', () => {
    expect(machinePolicySources({ platform: 'linux' }).map((source) => [source.kind, source.location])).toEqual([
      ['policy', '/etc/hotline-desk/policy.json'],
    ]);
  });
});

describe('Windows: the registry (recorded reg export) over the policy file', () => {
  it('takes each key from the highest source that sets it, and locks every key any source sets', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({ 'retention.days': 7, 'ui.language': 'en', 'reports.formats': ['xlsx'] }),
    );
    const calls: string[][] = [];
    const sources = machinePolicySources({
      platform: 'win32',
      policyFile,
      runReg: recordedReg('hklm-policies-hotlinedesk.reg', calls),
      tempDir: dir,
    });
    const settings = await openSettings(dir, sources, { 'ui.language': 'en', 'calls.wrapUpSeconds': 5 });
    const snapshot = settings.snapshot();
    // From the registry (it wins where both set a key).
    expect(snapshot.values['retention.days']).toBe(14);
    expect(snapshot.values['ui.language']).toBe('de');
    expect(snapshot.values['sip.servers']).toEqual([
      'wss://pbx1.example.org:8089/ws',
      'wss://pbx2.example.org:8089/ws',
    ]);
    expect(snapshot.values['sip.registrationExpiry']).toBe(600);
    expect(snapshot.values['headset.enabled']).toBe(true);
    expect(snapshot.values['privacy.teamLeads']).toEqual(['KREIS\\mueller', 'group:hotline-leads']);
    expect(snapshot.values['reports.directory']).toBe('\\\\fs01\\exports\\hotline');
    expect(snapshot.values['sip.displayName']).toBe('Gesundheitsamt Müllerstraße');
    // From the file (the registry does not set it), and the user's own where no policy speaks.
    expect(snapshot.values['reports.formats']).toEqual(['xlsx']);
    expect(snapshot.values['calls.wrapUpSeconds']).toBe(5);
    expect([...snapshot.locked].sort()).toEqual(
      [
        'headset.enabled',
        'privacy.teamLeads',
        'reports.directory',
        'reports.formats',
        'retention.days',
        'sip.displayName',
        'sip.registrationExpiry',
        'sip.servers',
        'ui.language',
      ].sort(),
    );
    // The value the policy does not know, and the subkey, are reported (and ignored).
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ source: 'registry', file: `${REGISTRY_KEY}\\Legacy`, code: 'unknown_key' }),
      expect.objectContaining({ source: 'registry', file: REGISTRY_KEY, key: 'log.path', code: 'unknown_key' }),
    ]);
    expect(snapshot.policySources).toEqual([
      { kind: 'registry', location: REGISTRY_KEY, state: 'read' },
      { kind: 'policy', location: policyFile, state: 'read' },
    ]);
    // reg.exe was asked exactly as the ADMX templates write: the 64-bit view.
    expect(calls[0]).toEqual(['export', REGISTRY_KEY, expect.stringMatching(/policy\.reg$/), '/y', '/reg:64']);
    // A contract call cannot change what the registry fixed.
    await expect(settings.update({ key: 'retention.days', value: 90 })).rejects.toMatchObject({
      code: 'locked_by_policy',
    });
  });

  it('a registry that cannot be read again keeps its last reading in force: no lock opens for a moment', async () => {
    const dir = await tempDir();
    let regWorks = true;
    const sources = machinePolicySources({
      platform: 'win32',
      policyFile: join(dir, 'policy.json'),
      runReg: async (file, args) =>
        regWorks ? recordedReg('hklm-policies-hotlinedesk.reg')(file, args) : { exitCode: null, error: 'ETIMEDOUT' },
      tempDir: dir,
    });
    const settings = await openSettings(dir, sources);
    expect(settings.get('retention.days')).toBe(14);
    regWorks = false;
    await settings.reload();
    const snapshot = settings.snapshot();
    expect(snapshot.values['retention.days']).toBe(14);
    expect(snapshot.locked).toContain('retention.days');
    expect(snapshot.problems[0]).toMatchObject({
      source: 'registry',
      code: 'unreadable',
      message: expect.stringMatching(/ETIMEDOUT.*; the last reading stays in force$/),
    });
    regWorks = true;
    await settings.reload();
    expect(settings.snapshot().problems.map((problem) => problem.code)).toEqual(['unknown_key', 'unknown_key']);
  });

  it('a watcher whose re-read fails logs it and does not crash the console', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7 }));
    const log = recordingLogger();
    const settings = await SettingsService.open({
      userFile: join(dir, 'settings.json'),
      policy: policyFromFile(policyFile),
      clock: systemClock,
      log,
    });
    // The user's settings file turns into something that cannot be read (a folder).
    await mkdir(join(dir, 'settings.json'));
    const stop = settings.watchPolicy(20);
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 8 }));
    for (
      let i = 0;
      i < 100 && !log.records.some((record) => record.message === 'settings could not be read again');
      i += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    expect(log.records.map((record) => record.message)).toContain('settings could not be read again');
  });

  it('without the registry key, the policy file alone applies', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7 }));
    const sources = machinePolicySources({ platform: 'win32', policyFile, runReg: recordedReg(null), tempDir: dir });
    const snapshot = (await openSettings(dir, sources)).snapshot();
    expect(snapshot.values['retention.days']).toBe(7);
    expect(snapshot.locked).toEqual(['retention.days']);
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.policySources.map((source) => source.state)).toEqual(['absent', 'read']);
  });

  it('when reg.exe cannot read the registry, administrators are told; the file still applies', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7 }));
    const sources = machinePolicySources({
      platform: 'win32',
      policyFile,
      runReg: async () => ({ exitCode: 1 }),
      tempDir: dir,
    });
    const snapshot = (await openSettings(dir, sources)).snapshot();
    expect(snapshot.values['retention.days']).toBe(7);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        source: 'registry',
        key: null,
        code: 'unreadable',
        message: expect.stringMatching(/reg\.exe could not read the registry/),
      }),
    ]);
    expect(snapshot.policySources[0]).toMatchObject({ kind: 'registry', state: 'failed' });
  });

  it('a registry value of the wrong type is refused by name; the same key in the file then applies', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 21 }));
    const exported = join(dir, 'wrong-type.reg');
    // retention.days as REG_SZ "two weeks": not a number.
    const text =
      'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\HotlineDesk]\r\n"retention.days"="two weeks"\r\n"headset.enabled"=dword:00000002\r\n\r\n';
    await writeFile(exported, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const sources = machinePolicySources({
      platform: 'win32',
      policyFile,
      runReg: async (_file, args) => {
        if (args[0] !== 'export') return { exitCode: 0 };
        await copyFile(exported, args[2] as string);
        return { exitCode: 0 };
      },
      tempDir: dir,
    });
    const snapshot = (await openSettings(dir, sources)).snapshot();
    expect(snapshot.values['retention.days']).toBe(21);
    expect(snapshot.values['headset.enabled']).toBe(true);
    expect(snapshot.locked).toEqual(['retention.days']);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ source: 'registry', key: 'retention.days', code: 'invalid_value' }),
      expect.objectContaining({
        source: 'registry',
        key: 'headset.enabled',
        code: 'invalid_value',
        message: expect.stringMatching(/expected REG_DWORD 0 or 1, found REG_DWORD 2/),
      }),
    ]);
  });
});

describe('macOS: managed preferences (configuration profile) over the policy file', () => {
  it('reads the computer’s binary plist and the user’s XML plist (the user’s wins), then the file', async () => {
    const dir = await tempDir();
    const root = join(dir, 'Managed Preferences');
    const [computer, user] = managedPreferencesFiles('mueller', root) as [string, string];
    await mkdir(join(root, 'mueller'), { recursive: true });
    await copyFile(join(FIXTURES, 'managed-prefs.binary.plist'), computer);
    await writeFile(
      user,
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict><key>retention.days</key><integer>10</integer></dict></plist>\n',
    );
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7, 'calls.wrapUpSeconds': 45 }));
    const sources = machinePolicySources({
      platform: 'darwin',
      user: 'mueller',
      managedPreferencesRoot: root,
      policyFile,
    });
    const snapshot = (await openSettings(dir, sources)).snapshot();
    expect(snapshot.values['retention.days']).toBe(10);
    expect(snapshot.values['sip.servers']).toEqual([
      'wss://pbx1.kreis.example:8089/ws',
      'wss://pbx2.kreis.example:8089/ws',
    ]);
    expect(snapshot.values['privacy.teamLeads']).toEqual(['KREIS\\mueller', 'group:hotline-leads']);
    expect(snapshot.values['reports.formats']).toEqual(['xlsx', 'csv-de']);
    expect(snapshot.values['calls.wrapUpSeconds']).toBe(45);
    expect(snapshot.locked).toEqual(expect.arrayContaining(['retention.days', 'sip.servers', 'calls.wrapUpSeconds']));
    // MDM's own keys are not ours and not worth a word; the fixture's test.* keys are unknown.
    expect(snapshot.problems.map((problem) => problem.key)).not.toContain('PayloadUUID');
    expect(snapshot.problems.filter((problem) => problem.code === 'unknown_key').map((problem) => problem.key)).toEqual(
      expect.arrayContaining(['test.bigInteger', 'test.blob', 'test.issued']),
    );
    expect(snapshot.policySources.map((source) => [source.kind, source.state])).toEqual([
      ['profile', 'read'],
      ['policy', 'read'],
    ]);
  });

  it('a damaged plist is reported with where it broke; the other sources still apply', async () => {
    const dir = await tempDir();
    const root = join(dir, 'Managed Preferences');
    const [computer] = managedPreferencesFiles('mueller', root) as [string, string];
    await mkdir(root, { recursive: true });
    const bytes = await readFile(join(FIXTURES, 'managed-prefs.binary.plist'));
    await writeFile(computer, bytes.subarray(0, bytes.length - 20));
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7 }));
    const sources = machinePolicySources({
      platform: 'darwin',
      user: 'mueller',
      managedPreferencesRoot: root,
      policyFile,
    });
    const snapshot = (await openSettings(dir, sources)).snapshot();
    expect(snapshot.values['retention.days']).toBe(7);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ source: 'profile', file: computer, key: null, code: 'invalid_plist' }),
    ]);
  });
});

describe('invalid policy: the console starts, ignores only the bad keys, and never loosens a security-relevant one', () => {
  it('an invalid retention period keeps the default purge, locked, whatever the user set', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        'retention.days': 'forever',
        'sip.transport': 'tls',
        'privacy.teamLeads': 'everyone',
        'ui.language': 'fr',
        'calls.wrapUpSeconds': 20,
      }),
    );
    const settings = await openSettings(dir, policyFromFile(policyFile), {
      'retention.days': 3650,
      'sip.transport': 'ws-or-wss',
      'ui.language': 'en',
    });
    const snapshot = settings.snapshot();
    expect(snapshot.values['retention.days']).toBe(28);
    expect(snapshot.values['sip.transport']).toBe('wss');
    expect(snapshot.values['privacy.teamLeads']).toEqual([]);
    // Not security-relevant: the bad policy value is ignored, the user's own applies and stays theirs.
    expect(snapshot.values['ui.language']).toBe('en');
    expect(snapshot.values['calls.wrapUpSeconds']).toBe(20);
    expect([...snapshot.locked].sort()).toEqual(
      ['calls.wrapUpSeconds', 'privacy.teamLeads', 'retention.days', 'sip.transport'].sort(),
    );
    const problems = snapshot.problems.map((problem) => [problem.key, problem.code]);
    expect(problems).toEqual([
      ['retention.days', 'invalid_value'],
      ['sip.transport', 'invalid_value'],
      ['privacy.teamLeads', 'invalid_value'],
      ['ui.language', 'invalid_value'],
      ['retention.days', 'fallback_applied'],
      ['sip.transport', 'fallback_applied'],
      ['privacy.teamLeads', 'fallback_applied'],
    ]);
    expect(snapshot.problems.find((problem) => problem.code === 'fallback_applied')?.message).toMatch(
      /fixed at the safe value 28/,
    );
    await expect(settings.update({ key: 'retention.days', value: 3650 })).rejects.toBeInstanceOf(AppError);
  });

  it('a UTF-8 byte order mark (Notepad) does not spoil a policy file', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, `\ufeff${JSON.stringify({ 'retention.days': 7 })}`);
    const snapshot = (await openSettings(dir, policyFromFile(policyFile))).snapshot();
    expect(snapshot.values['retention.days']).toBe(7);
    expect(snapshot.problems).toEqual([]);
  });

  it('refuses a huge file without reading it all, and says how large it may be', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, `{"retention.days": 7, "pad": "${'x'.repeat(MAX_POLICY_BYTES)}"}`);
    const snapshot = (await openSettings(dir, policyFromFile(policyFile))).snapshot();
    expect(snapshot.values['retention.days']).toBe(28);
    expect(snapshot.locked).toEqual([]);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        key: null,
        code: 'too_large',
        message: expect.stringMatching(/at most 1048576 bytes/),
      }),
    ]);
  });

  it('a folder where the file should be is reported, not a crash', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await mkdir(policyFile);
    const snapshot = (await openSettings(dir, policyFromFile(policyFile))).snapshot();
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ key: null, code: 'unreadable', message: 'is not a regular file' }),
    ]);
  });

  it('a file that cannot be read is reported with the reason, and the console goes on', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    // A symbolic link to itself: unreadable even for root (who passes any permission check).
    await symlink(policyFile, policyFile);
    const snapshot = (await openSettings(dir, policyFromFile(policyFile))).snapshot();
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ key: null, code: 'unreadable', message: 'cannot be read (ELOOP)' }),
    ]);
    expect(snapshot.policySources).toEqual([{ kind: 'policy', location: policyFile, state: 'failed' }]);
    if (process.getuid?.() !== 0) {
      // As an ordinary user, a file without read permission says so too.
      const denied = join(dir, 'denied.json');
      await writeFile(denied, JSON.stringify({ 'retention.days': 7 }), { mode: 0o000 });
      const refused = (await openSettings(dir, policyFromFile(denied))).snapshot();
      expect(refused.problems).toEqual([expect.objectContaining({ message: 'cannot be read (EACCES)' })]);
    }
  });

  it('a machine policy file others can write is applied, with a warning for administrators', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7 }));
    await chmod(policyFile, 0o666);
    const sources = machinePolicySources({ platform: 'linux', policyFile });
    const snapshot = (await openSettings(dir, sources)).snapshot();
    expect(snapshot.values['retention.days']).toBe(7);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        code: 'insecure_permissions',
        message: expect.stringMatching(/mode 0666: someone other than root may change this policy/),
      }),
    ]);
  });

  it('syntax errors and a JSON array are reported for the whole file', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    for (const [text, code] of [
      ['{"retention.days": 7,}', 'invalid_json'],
      ['[1, 2]', 'not_an_object'],
    ] as const) {
      await writeFile(policyFile, text);
      const snapshot = (await openSettings(dir, policyFromFile(policyFile))).snapshot();
      expect(snapshot.problems).toEqual([expect.objectContaining({ key: null, code })]);
      expect(snapshot.values['retention.days']).toBe(28);
    }
  });
});
