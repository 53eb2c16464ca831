import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installKind } from '../../src/main/host/install-kind';
import { policyFromFile } from '../../src/main/host/policy-locations';
import { systemClock } from '../../src/main/ports';
import { SettingsService } from '../../src/main/settings/settings-service';
import { channelFile, channelVersion, genericFeed } from '../../src/main/updates/generic-feed';
import { UpdateService, type UpdateFeed } from '../../src/main/updates/update-service';
import { compareVersions } from '../../src/main/updates/versions';
import type { UpdateStatus } from '../../src/shared/contract/updates';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

/** A generic update server on 127.0.0.1 (what IT runs internally), counting every request. */
interface UpdateServer {
  readonly url: string;
  readonly requests: string[];
  version: string;
  close(): Promise<void>;
}

const servers: UpdateServer[] = [];
const services: UpdateService[] = [];

afterEach(async () => {
  for (const service of services.splice(0)) service.close();
  for (const server of servers.splice(0)) await server.close();
});

async function updateServer(version = '9.1.0'): Promise<UpdateServer> {
  const requests: string[] = [];
  const state = { version };
  const server: Server = createServer((request: IncomingMessage, response) => {
    requests.push(request.url ?? '');
    if (request.url === `/hotline-desk/${channelFile()}`) {
      response.writeHead(200, { 'Content-Type': 'text/yaml' });
      response.end(
        `version: ${state.version}\nfiles:\n  - url: hotline-desk-${state.version}.AppImage\n    sha512: AAAA\n    size: 1\npath: hotline-desk-${state.version}.AppImage\nsha512: AAAA\nreleaseDate: '2026-11-20T10:00:00.000Z'\n`,
      );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: UpdateServer = {
    url: `http://127.0.0.1:${port}/hotline-desk/`,
    requests,
    get version() {
      return state.version;
    },
    set version(value: string) {
      state.version = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(result);
  return result;
}

async function settingsWith(policy: object): Promise<{ settings: SettingsService; policyFile: string }> {
  const dir = await tempDir();
  const policyFile = join(dir, 'policy.json');
  await writeFile(policyFile, JSON.stringify(policy));
  const settings = await SettingsService.open({
    userFile: join(dir, 'settings.json'),
    policy: policyFromFile(policyFile),
    clock: systemClock,
    log: recordingLogger(),
  });
  return { settings, policyFile };
}

function service(settings: SettingsService, feed: UpdateFeed, hasCalls = () => false, intervalMs = 50): UpdateService {
  const created = new UpdateService({
    settings,
    feed,
    currentVersion: '9.0.2',
    clock: systemClock,
    log: recordingLogger(),
    hasCalls,
    firstCheckMs: 10,
    intervalMs,
  });
  services.push(created);
  return created;
}

function until(updates: UpdateService, done: (status: UpdateStatus) => boolean): Promise<UpdateStatus> {
  if (done(updates.status)) return Promise.resolve(updates.status);
  return new Promise((resolve) => {
    const stop = updates.onChange((status) => {
      if (!done(status)) return;
      stop();
      resolve(status);
    });
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('updates: off, notify or auto, as policy says', () => {
  it('off sends no request at all, however long the console runs, and refuses a manual check', async () => {
    const server = await updateServer();
    const { settings } = await settingsWith({ 'updates.mode': 'off', 'updates.url': server.url });
    const updates = service(settings, genericFeed({ installKind: 'per_user' }));
    // Several check intervals go by.
    await wait(300);
    expect(server.requests).toEqual([]);
    expect(updates.status).toMatchObject({ mode: 'off', effectiveMode: 'off', state: 'off' });
    await expect(updates.check()).rejects.toMatchObject({ code: 'unavailable' });
    expect(server.requests).toEqual([]);
  });

  it('without an update URL nothing is asked either', async () => {
    const server = await updateServer();
    const { settings } = await settingsWith({ 'updates.mode': 'notify' });
    const updates = service(settings, genericFeed({ installKind: 'per_user' }));
    await wait(200);
    expect(server.requests).toEqual([]);
    expect(updates.status.effectiveMode).toBe('off');
  });

  it('notify asks the generic server for the channel file and tells of a newer version', async () => {
    const server = await updateServer('9.1.0');
    const { settings } = await settingsWith({ 'updates.mode': 'notify', 'updates.url': server.url });
    // One scheduled check, then only the ones asked for (no timer racing the test).
    const updates = service(settings, genericFeed({ installKind: 'per_user' }), () => false, 3_600_000);
    const status = await until(updates, (each) => each.state === 'available');
    expect(status).toMatchObject({
      mode: 'notify',
      effectiveMode: 'notify',
      installKind: 'per_user',
      currentVersion: '9.0.2',
      availableVersion: '9.1.0',
      checkedAt: expect.any(Number),
      error: null,
    });
    // Only the channel file was asked for: nothing was downloaded.
    expect(new Set(server.requests)).toEqual(new Set([`/hotline-desk/${channelFile()}`]));
    // The same version as the running one is no update (once the first check has settled).
    await wait(50);
    server.version = '9.0.2';
    expect(await updates.check()).toMatchObject({ state: 'up_to_date', availableVersion: null });
  });

  it('auto acts as notify on a per-machine install: IT installs, the console never downloads', async () => {
    const server = await updateServer('10.0.0');
    const { settings } = await settingsWith({ 'updates.mode': 'auto', 'updates.url': server.url });
    const downloads: string[] = [];
    // A per-machine feed cannot download (the Electron host gives it no download); this one
    // would record one if the service ever asked.
    const feed: UpdateFeed = {
      ...genericFeed({ installKind: 'per_machine' }),
      download: async () => {
        downloads.push('asked');
      },
    };
    const updates = service(settings, feed);
    const status = await until(updates, (each) => each.state === 'available');
    expect(status).toMatchObject({ mode: 'auto', effectiveMode: 'notify', installKind: 'per_machine' });
    await wait(100);
    expect(downloads).toEqual([]);
  });

  it('auto on a per-user install downloads and offers the restart, but not during a call', async () => {
    const server = await updateServer('9.1.0');
    const { settings } = await settingsWith({ 'updates.mode': 'auto', 'updates.url': server.url });
    const steps: string[] = [];
    let callUp = true;
    const feed: UpdateFeed = {
      ...genericFeed({ installKind: 'per_user' }),
      download: async () => {
        steps.push('download');
      },
      install: () => {
        steps.push('install');
      },
    };
    const updates = service(settings, feed, () => callUp);
    const status = await until(updates, (each) => each.state === 'ready');
    expect(status).toMatchObject({ effectiveMode: 'auto', availableVersion: '9.1.0' });
    expect(() => updates.install()).toThrow(/A call is up/);
    callUp = false;
    expect(updates.install()).toEqual({ restarting: true });
    expect(steps).toEqual(['download', 'install']);
  });

  it('a development copy never asks, whatever the policy', async () => {
    const server = await updateServer();
    const { settings } = await settingsWith({ 'updates.mode': 'auto', 'updates.url': server.url });
    const updates = service(settings, genericFeed({ installKind: 'development' }));
    await wait(200);
    expect(server.requests).toEqual([]);
    expect(updates.status).toMatchObject({ mode: 'auto', effectiveMode: 'off' });
  });

  it('policy turning updates off stops the checks at once', async () => {
    const server = await updateServer('9.1.0');
    const { settings, policyFile } = await settingsWith({ 'updates.mode': 'notify', 'updates.url': server.url });
    const updates = service(settings, genericFeed({ installKind: 'per_machine' }));
    await until(updates, (each) => each.state === 'available');
    await writeFile(policyFile, JSON.stringify({ 'updates.mode': 'off', 'updates.url': server.url }));
    await settings.reload();
    expect(updates.status).toMatchObject({ effectiveMode: 'off', state: 'off', availableVersion: null });
    const asked = server.requests.length;
    await wait(300);
    expect(server.requests.length).toBe(asked);
  });

  it('a server that fails or sends something else is an error for IT, not a crash', async () => {
    const server = await updateServer('not-a-version');
    const { settings } = await settingsWith({ 'updates.mode': 'notify', 'updates.url': server.url });
    const updates = service(settings, genericFeed({ installKind: 'per_machine' }));
    const status = await until(updates, (each) => each.state === 'error');
    expect(status.error).toMatch(/no valid version/);
    const { settings: missing } = await settingsWith({
      'updates.mode': 'notify',
      'updates.url': `${server.url}nowhere/`,
    });
    const other = service(missing, genericFeed({ installKind: 'per_machine' }));
    expect((await until(other, (each) => each.state === 'error')).error).toMatch(/answered 404/);
    // A server that is not there is named, with the reason.
    const closed = await updateServer();
    await closed.close();
    const { settings: gone } = await settingsWith({ 'updates.mode': 'notify', 'updates.url': closed.url });
    const third = service(gone, genericFeed({ installKind: 'per_machine' }));
    expect((await until(third, (each) => each.state === 'error')).error).toMatch(
      /the update server 127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/,
    );
  });

  it('an invalid mode in policy means off, and the user cannot set mode or URL', async () => {
    const server = await updateServer();
    const { settings } = await settingsWith({ 'updates.mode': 'Off', 'updates.url': server.url });
    const updates = service(settings, genericFeed({ installKind: 'per_machine' }));
    await wait(200);
    expect(updates.status).toMatchObject({ mode: 'off', effectiveMode: 'off' });
    expect(server.requests).toEqual([]);
    await expect(settings.update({ key: 'updates.url', value: server.url })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('refuses an update URL that is not https (http only on this machine) as policy', async () => {
    const { settings } = await settingsWith({ 'updates.url': 'http://updates.example.org/' });
    expect(settings.get('updates.url')).toBe('');
    expect(settings.snapshot().problems).toEqual([
      expect.objectContaining({ key: 'updates.url', code: 'invalid_value' }),
      expect.objectContaining({ key: 'updates.url', code: 'fallback_applied' }),
    ]);
  });
});

describe('the channel file and versions', () => {
  it('names the file electron-builder writes for each platform', () => {
    expect(channelFile('win32', 'x64')).toBe('latest.yml');
    expect(channelFile('darwin', 'arm64')).toBe('latest-mac.yml');
    expect(channelFile('linux', 'x64')).toBe('latest-linux.yml');
    expect(channelFile('linux', 'arm64')).toBe('latest-linux-arm64.yml');
  });

  it('reads the top-level version only', () => {
    expect(channelVersion("files:\n  - url: x\n    version: 0.0.1\nversion: '1.4.0'\n")).toBe('1.4.0');
    expect(channelVersion('version: 2.0.0-rc.1 # release candidate\n')).toBe('2.0.0-rc.1');
    expect(() => channelVersion('<html>proxy login</html>')).toThrow(/no valid version/);
  });

  it('compares versions by number, a release after its pre-releases', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '1.0.0-rc.2')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-rc.10', '1.0.0-rc.9')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-alpha', '1.0.0-alpha.1')).toBeLessThan(0);
    expect(compareVersions('v2.0.0', '2.0.0')).toBe(0);
    expect(() => compareVersions('2.0', '2.0.0')).toThrow(/not a version: 2.0/);
  });
});

describe('who updates this copy (installKind)', () => {
  const never = () => false;
  const always = () => true;

  it('Windows: under Program Files (NSIS per machine, MSI) IT does; a user’s own folder, the app', () => {
    const env = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' };
    const facts = { isPackaged: true, platform: 'win32' as const, env, canWrite: always };
    expect(installKind({ ...facts, executable: 'C:\\Program Files\\Hotline Desk\\Hotline Desk.exe' })).toBe(
      'per_machine',
    );
    expect(installKind({ ...facts, executable: 'c:\\program files (x86)\\Hotline Desk\\Hotline Desk.exe' })).toBe(
      'per_machine',
    );
    expect(
      installKind({ ...facts, executable: 'C:\\Users\\m\\AppData\\Local\\Programs\\Hotline Desk\\Hotline Desk.exe' }),
    ).toBe('per_user');
    expect(installKind({ ...facts, canWrite: never, executable: 'D:\\Apps\\Hotline Desk\\Hotline Desk.exe' })).toBe(
      'per_machine',
    );
  });

  it('Linux: the AppImage updates itself, the deb is IT’s', () => {
    const facts = { isPackaged: true, platform: 'linux' as const, executable: '/opt/Hotline Desk/hotline-desk' };
    expect(installKind({ ...facts, env: {}, canWrite: always })).toBe('per_machine');
    expect(installKind({ ...facts, env: { APPIMAGE: '/home/m/Apps/Hotline.AppImage' }, canWrite: always })).toBe(
      'per_user',
    );
    expect(installKind({ ...facts, env: { APPIMAGE: '/opt/Hotline.AppImage' }, canWrite: never })).toBe('per_machine');
  });

  it('macOS: by whether the user may replace the app bundle; a copy run from source never updates', () => {
    const executable = '/Applications/Hotline Desk.app/Contents/MacOS/Hotline Desk';
    const seen: string[] = [];
    const facts = { isPackaged: true, platform: 'darwin' as const, executable, env: {} };
    expect(installKind({ ...facts, canWrite: (folder) => (seen.push(folder), false) })).toBe('per_machine');
    expect(seen).toEqual(['/Applications']);
    expect(installKind({ ...facts, canWrite: always })).toBe('per_user');
    expect(installKind({ ...facts, isPackaged: false, canWrite: always })).toBe('development');
  });
});
