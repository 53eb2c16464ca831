import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserHost } from '../../src/main/host/browser/browser-host';
import { LOCK_FILE } from '../../src/main/host/data-dir-lock';
import { startHost, upgradeStatus, WireClient } from '../support/browser-host';
import { testSecrets } from '../support/secrets';
import { tempDir } from '../support/temp';
import { freePort } from '../lab/ports';

const hosts: BrowserHost[] = [];
const clients: WireClient[] = [];

async function host(dataDir?: string, policyFile: string | null = null): Promise<BrowserHost> {
  const started = await startHost(dataDir ?? (await tempDir()), policyFile);
  hosts.push(started);
  return started;
}

async function client(target: BrowserHost): Promise<WireClient> {
  const connected = await WireClient.connect(target);
  clients.push(connected);
  return connected;
}

afterEach(async () => {
  for (const connected of clients.splice(0)) connected.close();
  for (const started of hosts.splice(0)) await started.close();
});

describe('browser host: the contract over a loopback WebSocket', () => {
  it('binds 127.0.0.1 and hands out an address with a random token', async () => {
    const started = await host();
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(started.port).toBeGreaterThan(0);
    const other = await host();
    expect(other.token).not.toBe(started.token);
  });

  it('answers a request with the same Result the Electron host would give', async () => {
    const dataDir = await tempDir();
    const connected = await client(await host(dataDir));
    expect(connected.frames[0]).toMatchObject({ type: 'hello', protocol: 1, clientId: expect.stringMatching(/^tab-/) });
    expect(await connected.request('app.info')).toEqual({
      ok: true,
      value: {
        name: 'Hotline Desk',
        version: '0.0.0-test',
        host: 'browser',
        platform: process.platform,
        // No Secret Service in the test run: the state folder's file, with the reason.
        secretStorage: {
          protected: false,
          backend: 'file',
          location: testSecrets(dataDir).file,
          reason: expect.stringMatching(/DBus|D-Bus|Secret Service/i),
          reasonCode: 'no_keystore',
        },
      },
    });
    expect(await connected.request('calls.registration')).toEqual({ ok: true, value: { state: 'not_configured' } });
  });

  it('returns invalid_input naming the field, and keeps the connection', async () => {
    const connected = await client(await host());
    const result = await connected.request('settings.update', { key: 'ui.language', value: 'fr' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^settings\.update: value: /) },
    });
    expect(await connected.request('nope.nothing')).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    expect(await connected.request('app.info')).toMatchObject({ ok: true });
  });

  it('answers unreadable frames with a protocol error and stays up', async () => {
    const connected = await client(await host());
    connected.sendRaw('this is not json');
    expect(await connected.next((frame) => frame.type === 'protocol_error')).toMatchObject({
      message: 'frame is not valid JSON',
    });
    connected.sendRaw(JSON.stringify({ type: 'request', id: -1, name: 'app.info' }));
    expect(
      await connected.next((frame) => frame.type === 'protocol_error' && frame.message.includes('id')),
    ).toBeDefined();
    expect(await connected.request('app.info')).toMatchObject({ ok: true });
  });

  it('persists a change and pushes settings.changed to every connected tab', async () => {
    const dataDir = await tempDir();
    const started = await host(dataDir);
    const first = await client(started);
    const second = await client(started);
    const result = await first.request('settings.update', { key: 'ui.language', value: 'en' });
    expect(result).toMatchObject({ ok: true, value: { values: { 'ui.language': 'en' } } });
    const pushed = await second.next((frame) => frame.type === 'event' && frame.name === 'settings.changed');
    expect(pushed).toMatchObject({ payload: { values: { 'ui.language': 'en' }, locked: [] } });
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ 'ui.language': 'en' });
  });

  it('pushes calls.registrationChanged when an account appears, and says truthfully that nothing answers', async () => {
    const started = await host();
    const connected = await client(started);
    const closed = `ws://127.0.0.1:${await freePort()}`;
    await connected.request('settings.update', { key: 'sip.servers', value: [closed] });
    expect(await connected.request('calls.registration')).toEqual({ ok: true, value: { state: 'not_configured' } });
    await connected.request('settings.update', { key: 'sip.uri', value: 'sip:1001@127.0.0.1' });
    const event = await connected.next(
      (frame) =>
        frame.type === 'event' &&
        frame.name === 'calls.registrationChanged' &&
        (frame.payload as { state: string }).state === 'reconnecting',
    );
    expect(event).toMatchObject({
      payload: { state: 'reconnecting', server: closed, problem: 'unreachable', status: null },
    });
  });

  it('refuses to change a setting the policy file fixes', async () => {
    const dataDir = await tempDir();
    const policy = join(dataDir, 'policy.json');
    await writeFile(policy, JSON.stringify({ 'ui.language': 'de' }));
    const connected = await client(await host(dataDir, policy));
    expect(await connected.request('settings.get')).toMatchObject({ ok: true, value: { locked: ['ui.language'] } });
    expect(await connected.request('settings.update', { key: 'ui.language', value: 'en' })).toMatchObject({
      ok: false,
      error: { code: 'locked_by_policy' },
    });
  });
});

describe('browser host: who may connect', () => {
  it('refuses a WebSocket without the token, with a wrong one, or from another origin', async () => {
    const started = await host();
    const base = `ws://127.0.0.1:${started.port}/ws`;
    const origin = started.origin;
    expect(await upgradeStatus(`${base}?token=${started.token}`, { Origin: origin })).toBe(101);
    expect(await upgradeStatus(base, { Origin: origin })).toBe(403);
    expect(await upgradeStatus(`${base}?token=${started.token.slice(0, -1)}x`, { Origin: origin })).toBe(403);
    expect(await upgradeStatus(`${base}?token=`, { Origin: origin })).toBe(403);
    expect(await upgradeStatus(`${base}?token=${started.token}`, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${base}?token=${started.token}`, { Origin: `http://localhost:${started.port}` })).toBe(
      403,
    );
    expect(await upgradeStatus(`${base}?token=${started.token}`, {})).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${started.port}/other?token=${started.token}`, { Origin: origin })).toBe(
      404,
    );
  });

  it('refuses a WebSocket whose Host header names another host (DNS rebinding)', async () => {
    const started = await host();
    const status = await upgradeStatus(`ws://127.0.0.1:${started.port}/ws?token=${started.token}`, {
      Origin: started.origin,
      Host: `rebind.example:${started.port}`,
    });
    expect(status).toBe(403);
  });

  it('serves the built renderer with its security headers, and nothing outside it', async () => {
    const started = await host();
    const page = await fetch(`${started.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<div id="root"></div>');
    expect((await fetch(`${started.origin}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${started.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('survives request targets that are not paths, answering 400', async () => {
    const started = await host();
    const { request } = await import('node:http');
    const { connect } = await import('node:net');
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: started.port, path }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await status('//')).toBe(400);
    expect(await status('//evil.example/x')).toBe(400);
    // A raw absolute-form target with an impossible port, sent by hand.
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(started.port, '127.0.0.1', () =>
        socket.write(`GET http://x:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${started.port}\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await upgradeStatus(`ws://127.0.0.1:${started.port}//ws?token=${started.token}`, { Origin: started.origin }),
    ).toBe(400);
    // Still serving.
    expect((await fetch(`${started.origin}/`)).status).toBe(200);
  });

  it('answers requests for another Host name with 421', async () => {
    const started = await host();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: started.port, path: '/', headers: { Host: 'rebind.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });
});

describe('browser host: one host per data directory', () => {
  it('refuses a second host on the same data directory, and frees it on close', async () => {
    const dataDir = await tempDir();
    const first = await startHost(dataDir);
    await expect(startHost(dataDir)).rejects.toMatchObject({ code: 'conflict' });
    await first.close();
    await expect(readFile(join(dataDir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    const second = await host(dataDir);
    expect(second.port).toBeGreaterThan(0);
  });
});

describe('browser host: policy changes while it runs', () => {
  it('applies a changed policy file and tells every tab', async () => {
    const dataDir = await tempDir();
    const policy = join(dataDir, 'policy.json');
    await writeFile(policy, JSON.stringify({ 'ui.language': 'de' }));
    const { startBrowserHost } = await import('../../src/main/host/browser/browser-host');
    const { recordingLogger } = await import('../support/logs');
    const { RENDERER_DIR } = await import('../support/browser-host');
    const started = await startBrowserHost({
      port: 0,
      dataDir,
      policyFile: policy,
      rendererDir: RENDERER_DIR,
      version: '0.0.0-test',
      log: recordingLogger(),
      tuning: { policyPollMs: 50 },
    });
    hosts.push(started);
    const connected = await client(started);
    expect(await connected.request('settings.get')).toMatchObject({ ok: true, value: { locked: ['ui.language'] } });
    await writeFile(policy, JSON.stringify({ 'ui.language': 'en', 'sip.displayName': 'Platz 7' }));
    const event = await connected.next(
      (frame) =>
        frame.type === 'event' &&
        frame.name === 'settings.changed' &&
        JSON.stringify(frame.payload).includes('Platz 7'),
    );
    expect(event).toMatchObject({
      payload: {
        values: { 'ui.language': 'en', 'sip.displayName': 'Platz 7' },
        locked: ['ui.language', 'sip.displayName'],
      },
    });
  });
});
