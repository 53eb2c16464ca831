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
