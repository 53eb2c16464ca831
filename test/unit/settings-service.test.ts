import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsService } from '../../src/main/settings/settings-service';
import { policyFromFile } from '../../src/main/host/policy-locations';
import { systemClock } from '../../src/main/ports';
import { AppError } from '../../src/shared/result';
import { defaultSettings } from '../../src/shared/settings';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

async function open(dir: string, policy: object | string | null = null) {
  let policyFile: string | null = null;
  if (policy !== null) {
    policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, typeof policy === 'string' ? policy : JSON.stringify(policy));
  }
  return SettingsService.open({
    userFile: join(dir, 'settings.json'),
    policy: policyFile === null ? [] : policyFromFile(policyFile),
    clock: systemClock,
    log: recordingLogger(),
  });
}

describe('settings: defaults ⊕ user ⊕ policy', () => {
  it('starts from the defaults when nothing is on disk', async () => {
    const settings = await open(await tempDir());
    expect(settings.snapshot()).toEqual({ values: defaultSettings(), locked: [], problems: [], policySources: [] });
    expect(settings.get('ui.language')).toBe('de');
  });

  it('writes a change to the user file and reads it back in a new service', async () => {
    const dir = await tempDir();
    const settings = await open(dir);
    const seen: string[] = [];
    settings.onChange((snapshot) => seen.push(snapshot.values['ui.language']));
    await settings.update({ key: 'ui.language', value: 'en' });
    expect(seen).toEqual(['en']);
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ 'ui.language': 'en' });
    expect((await open(dir)).get('ui.language')).toBe('en');
  });

  it('lets policy win over the user and locks the key', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ 'ui.language': 'en' }));
    const settings = await open(dir, { 'ui.language': 'de', 'sip.registrationExpiry': 300 });
    expect(settings.get('ui.language')).toBe('de');
    expect(settings.snapshot().locked).toEqual(['ui.language', 'sip.registrationExpiry']);
    await expect(settings.update({ key: 'ui.language', value: 'en' })).rejects.toMatchObject({
      code: 'locked_by_policy',
      message: expect.stringContaining('ui.language'),
    });
    await expect(settings.update({ key: 'ui.language', value: 'en' })).rejects.toBeInstanceOf(AppError);
    // The user's own choice is still on disk, for the day the policy lets go.
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ 'ui.language': 'en' });
  });

  it('keeps what protects callers the organisation’s: policy-only keys refused and ignored from the user', async () => {
    const dir = await tempDir();
    // What an agent could have written by hand: a form with every field re-tagged, a short
    // audit, exports to a folder of their own, a CA of their own.
    const mine = {
      'retention.auditDays': 365,
      'reports.directory': '/home/agent/mine',
      'sip.extraCaCertificates': ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
      'intake.form': null,
    };
    await writeFile(join(dir, 'settings.json'), JSON.stringify(mine));
    const settings = await open(dir);
    for (const [key, value] of Object.entries(mine)) {
      expect(settings.get(key as keyof typeof mine)).toEqual(defaultSettings()[key as keyof typeof mine]);
      await expect(settings.update({ key, value } as never)).rejects.toMatchObject({
        code: 'forbidden',
        message: `${key} is set by your organisation’s policy only.`,
      });
    }
  });

  it('lets a user make a stricter-only key stricter, never looser, with or without a policy', async () => {
    const dir = await tempDir();
    // A settings file edited by hand cannot loosen it either.
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ 'retention.days': 3650, 'sip.transport': 'ws-or-wss' }),
    );
    const settings = await open(dir);
    expect(settings.get('retention.days')).toBe(28);
    await expect(settings.update({ key: 'retention.days', value: 29 })).rejects.toMatchObject({
      code: 'forbidden',
      message:
        'retention.days: 29 is less strict than your organisation’s 28; only a stricter value can be chosen here.',
    });
    await settings.update({ key: 'retention.days', value: 7 });
    expect(settings.get('retention.days')).toBe(7);
    await settings.update({ key: 'sip.transport', value: 'wss' });
    expect(settings.get('sip.transport')).toBe('wss');
    await settings.update({ key: 'sip.transport', value: 'ws-or-wss' });
    expect(settings.get('sip.transport')).toBe('ws-or-wss');

    // With a policy: the stricter of the user's and the policy's applies, and the user may still
    // tighten it; looser than the policy is refused as managed.
    const managed = await tempDir();
    await writeFile(join(managed, 'settings.json'), JSON.stringify({ 'retention.days': 7 }));
    const withPolicy = await open(managed, { 'retention.days': 14, 'sip.transport': 'wss' });
    expect(withPolicy.get('retention.days')).toBe(7);
    expect(withPolicy.snapshot().locked).toEqual(['sip.transport', 'retention.days']);
    await withPolicy.update({ key: 'retention.days', value: 10 });
    expect(withPolicy.get('retention.days')).toBe(10);
    await expect(withPolicy.update({ key: 'retention.days', value: 15 })).rejects.toMatchObject({
      code: 'locked_by_policy',
    });
    await expect(withPolicy.update({ key: 'sip.transport', value: 'ws-or-wss' })).rejects.toMatchObject({
      code: 'locked_by_policy',
    });
    await withPolicy.update({ key: 'sip.transport', value: 'wss' });
    expect(withPolicy.get('sip.transport')).toBe('wss');
  });

  it('ignores only the invalid policy keys, naming file and key', async () => {
    const dir = await tempDir();
    const settings = await open(dir, { 'ui.language': 'fr', 'sip.registrationExpiry': 120, 'sip.colour': 'red' });
    const { values, locked, problems } = settings.snapshot();
    expect(values['ui.language']).toBe('de');
    expect(values['sip.registrationExpiry']).toBe(120);
    expect(locked).toEqual(['sip.registrationExpiry']);
    expect(problems).toEqual([
      {
        source: 'policy',
        file: join(dir, 'policy.json'),
        key: 'ui.language',
        code: 'invalid_value',
        message: expect.stringMatching(/^value: .*; ignored$/),
      },
      {
        source: 'policy',
        file: join(dir, 'policy.json'),
        key: 'sip.colour',
        code: 'unknown_key',
        message: 'unknown setting; ignored',
      },
    ]);
  });

  it('reports a policy file that is not JSON and still starts', async () => {
    const dir = await tempDir();
    const settings = await open(dir, '{"ui.language": "de",');
    expect(settings.snapshot().values).toEqual(defaultSettings());
    expect(settings.snapshot().problems).toEqual([
      expect.objectContaining({ source: 'policy', key: null, message: expect.stringMatching(/^not valid JSON/) }),
    ]);
  });

  it('keeps an unreadable user file aside instead of overwriting it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'settings.json'), '{ this is not json');
    const settings = await open(dir);
    const kept = (await readdir(dir)).filter((name) => name.startsWith('settings.json.unreadable-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(dir, kept[0]!), 'utf8')).toBe('{ this is not json');
    expect(settings.snapshot().problems[0]).toMatchObject({
      source: 'user',
      key: null,
      message: expect.stringContaining(kept[0]!),
    });
    await settings.update({ key: 'ui.language', value: 'en' });
    expect(await readFile(join(dir, kept[0]!), 'utf8')).toBe('{ this is not json');
  });

  it('loses nothing it does not understand when it writes the user file back', async () => {
    const dir = await tempDir();
    const original = {
      'ui.language': 'de',
      'sip.registrationExpiry': 5,
      'future.setting': { from: 'a newer version' },
    };
    await writeFile(join(dir, 'settings.json'), JSON.stringify(original));
    const settings = await open(dir);
    expect(settings.get('sip.registrationExpiry')).toBe(600);
    expect(settings.snapshot().problems.map((problem) => problem.key)).toEqual([
      'sip.registrationExpiry',
      'future.setting',
    ]);
    await settings.update({ key: 'ui.language', value: 'en' });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({
      ...original,
      'ui.language': 'en',
    });
  });

  it('keeps quick successive changes in order on disk', async () => {
    const dir = await tempDir();
    const settings = await open(dir);
    await Promise.all([
      settings.update({ key: 'ui.language', value: 'en' }),
      settings.update({ key: 'sip.displayName', value: 'Platz 4' }),
      settings.update({ key: 'ui.language', value: 'de' }),
    ]);
    const onDisk = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk).toEqual({ 'ui.language': 'de', 'sip.displayName': 'Platz 4' });
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
