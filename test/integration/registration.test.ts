import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/main/app';
import { SipWebSocketTransport } from '../../src/main/telephony/ws-transport';
import type { RegistrationState } from '../../src/shared/contract/calls';
import { kamailioRequirement, LAB_DOMAIN, labUser, startKamailio, stopAll, type Kamailio } from '../lab/kamailio';
import { freePort } from '../lab/ports';
import { startCable } from '../lab/cable';
import { InterfaceWatcher, type InterfaceReader } from '../../src/main/host/network-watcher';
import { configureAccount, FAST, startApp, waitForRegistration } from '../support/app';
import { tempDir } from '../support/temp';

const labs: Kamailio[] = [];
const apps: App[] = [];

async function lab(): Promise<Kamailio> {
  const started = await startKamailio();
  labs.push(started);
  return started;
}

async function app(): Promise<{ app: App; dataDir: string }> {
  const dataDir = await tempDir();
  const started = await startApp(dataDir, FAST);
  apps.push(started);
  return { app: started, dataDir };
}

function registeredOn(server: string) {
  return (state: RegistrationState) => state.state === 'registered' && state.server === server;
}

afterEach(async () => {
  vi.restoreAllMocks();
  for (const started of apps.splice(0)) await started.close();
  await stopAll(labs);
});

describe.skipIf(kamailioRequirement.skip)('registration against Kamailio (digest auth)', () => {
  beforeAll(() => kamailioRequirement.assert());

  it('registers with the right password, and the registrar knows the agent', async () => {
    const kamailio = await lab();
    const { app: core, dataDir } = await app();
    await configureAccount(core, { servers: [kamailio.wsUrl], ...labUser('1001') });
    const state = await waitForRegistration(core, registeredOn(kamailio.wsUrl));
    expect(state).toMatchObject({ state: 'registered', server: kamailio.wsUrl, since: expect.any(Number) });
    expect(kamailio.registeredUsers()).toEqual(['1001']);
    // The password went to the secret store, never into the settings file.
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).not.toContain('secret1001');
  });

  it('with servers and domain set by policy, the agent enters only the extension; wss-only policy drops a ws:// server', async () => {
    const kamailio = await lab();
    const dataDir = await tempDir();
    const policyFile = join(dataDir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'sip.servers': [kamailio.wsUrl], 'sip.domain': LAB_DOMAIN }));
    const core = await startApp(dataDir, { ...FAST, policyPollMs: 100 }, { policyFile });
    apps.push(core);
    const context = { clientId: 'test' };
    for (const [name, input] of [
      ['calls.setPassword', { password: 'secret1003' }],
      ['settings.update', { key: 'sip.authUser', value: '1003' }],
      ['settings.update', { key: 'sip.uri', value: '1003' }],
    ] as const) {
      expect((await core.dispatch(name, input, context)).ok).toBe(true);
    }
    // The agent cannot point the console at another server.
    const refused = await core.dispatch(
      'settings.update',
      { key: 'sip.servers', value: ['wss://elsewhere.example/ws'] },
      context,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'locked_by_policy' } });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
    expect(kamailio.registeredUsers()).toEqual(['1003']);
    // IT requires encryption: the lab's ws:// server is no longer used, and the console says so.
    await writeFile(
      policyFile,
      JSON.stringify({ 'sip.servers': [kamailio.wsUrl], 'sip.domain': LAB_DOMAIN, 'sip.transport': 'wss' }),
    );
    await waitForRegistration(core, (state) => state.state === 'not_configured');
    expect(core.settings.isLocked('sip.transport')).toBe(true);
  });

  it('says plainly that the password is wrong, and does not retry', async () => {
    const kamailio = await lab();
    const { app: core } = await app();
    const sent = vi.spyOn(SipWebSocketTransport.prototype, 'send');
    await configureAccount(core, { servers: [kamailio.wsUrl], ...labUser('1002'), password: 'wrong' });
    const state = await waitForRegistration(core, (candidate) => candidate.state === 'failed');
    expect(state).toEqual({ state: 'failed', server: kamailio.wsUrl, problem: 'auth_failed', status: 401 });
    const registers = () => sent.mock.calls.filter(([message]) => message.startsWith('REGISTER ')).length;
    // One REGISTER, one with credentials; then silence, however long we wait.
    expect(registers()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(registers()).toBe(2);
    expect(core.telephony.state).toEqual(state);
    expect(kamailio.registeredUsers()).toEqual([]);

    // The right password ends the failure at once.
    const result = await core.dispatch('calls.setPassword', { password: 'secret1002' }, { clientId: 'test' });
    expect(result).toEqual({ ok: true, value: { configured: true, hasPassword: true, passwordExposed: false } });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
  });

  it('registers again after Kamailio is killed and restarted', async () => {
    const kamailio = await lab();
    const { app: core } = await app();
    await configureAccount(core, { servers: [kamailio.wsUrl], ...labUser('1001') });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));

    await kamailio.stop('SIGKILL');
    const lost = await waitForRegistration(core, (state) => state.state === 'reconnecting');
    expect(lost).toMatchObject({ state: 'reconnecting', server: kamailio.wsUrl, problem: 'unreachable' });

    await kamailio.start();
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
    // sip.js alone would still believe it is registered; the registrar proves a new REGISTER went
    // out: the restarted Kamailio keeps its locations in memory only (usrloc db_mode 0), so any
    // entry in it came after the restart. (Asking it right after start raced the client, which
    // may already have registered again by then.)
    expect(kamailio.registeredUsers()).toEqual(['1001']);
  });

  it('fails over to the second server while the first is down, and returns when it is back', async () => {
    const primary = await lab();
    const backup = await lab();
    await primary.stop('SIGKILL');
    const { app: core } = await app();
    await configureAccount(core, { servers: [primary.wsUrl, backup.wsUrl], ...labUser('1003') });
    await waitForRegistration(core, registeredOn(backup.wsUrl));
    expect(backup.registeredUsers()).toEqual(['1003']);

    await primary.start();
    await waitForRegistration(core, registeredOn(primary.wsUrl));
    expect(primary.registeredUsers()).toEqual(['1003']);
    // It said goodbye to the backup on the way.
    expect(backup.registeredUsers()).toEqual([]);
  });

  it('keeps trying with back-off while no server answers, and registers once one does', async () => {
    const { app: core } = await app();
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}`;
    await configureAccount(core, { servers: [url], ...labUser('1004') });
    const waiting = await waitForRegistration(core, (state) => state.state === 'reconnecting');
    expect(waiting).toMatchObject({ server: url, problem: 'unreachable', retryAt: expect.any(Number) });
    expect(waiting.state === 'reconnecting' && waiting.retryAt).toBeGreaterThan(Date.now() - 1_000);
    const kamailio = await lab();
    await configureAccount(core, { servers: [kamailio.wsUrl], ...labUser('1004') });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
  });

  it('answers a request to reconnect now with the state, and registers again', async () => {
    const kamailio = await lab();
    const { app: core } = await app();
    await configureAccount(core, { servers: [kamailio.wsUrl], ...labUser('1001') });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
    const result = await core.dispatch('calls.reconnect', {}, { clientId: 'test' });
    expect(result).toMatchObject({ ok: true, value: { state: 'connecting', server: kamailio.wsUrl } });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
  });
});

describe.skipIf(kamailioRequirement.skip)('SIP trace', () => {
  it('records nothing until turned on, then the REGISTER exchange, redacted', async () => {
    const kamailio = await lab();
    const { app: core } = await app();
    await core.dispatch('diagnostics.setSipTrace', { enabled: true }, { clientId: 'test' });
    await configureAccount(core, { servers: [kamailio.wsUrl], ...labUser('1001') });
    await waitForRegistration(core, registeredOn(kamailio.wsUrl));
    const result = await core.dispatch('diagnostics.sipTrace', {}, { clientId: 'test' });
    expect(result.ok).toBe(true);
    const entries = result.ok ? (result.value as { entries: { direction: string; message: string }[] }).entries : [];
    const text = entries.map((entry) => entry.message).join('\n');
    expect(entries.filter((entry) => entry.direction === 'out' && entry.message.startsWith('REGISTER '))).toHaveLength(
      2,
    );
    expect(entries.some((entry) => entry.direction === 'in' && entry.message.startsWith('SIP/2.0 401'))).toBe(true);
    expect(entries.some((entry) => entry.direction === 'in' && entry.message.startsWith('SIP/2.0 200'))).toBe(true);
    expect(text).toContain('Authorization: [redacted]');
    expect(text).not.toMatch(/secret1001|response="/);
    expect(text).not.toContain('sip:1001@');
    expect(text).not.toContain('OPTIONS ');
  });
});

describe.skipIf(kamailioRequirement.skip)('network changes', () => {
  beforeAll(() => kamailioRequirement.assert());

  /** The real watcher, reading a scripted interface list instead of this machine's (which never changes). */
  function scriptedNetwork() {
    let interfaces: ReturnType<InterfaceReader> = {};
    const watcher = new InterfaceWatcher({ read: () => interfaces, intervalMs: 3_600_000 });
    return {
      watcher,
      set(address: string | null) {
        interfaces = address
          ? {
              eth0: [
                {
                  address,
                  netmask: '255.255.255.0',
                  family: 'IPv4',
                  mac: '02:00:00:00:00:01',
                  internal: false,
                  cidr: `${address}/24`,
                },
              ],
            }
          : {};
        watcher.check();
      },
    };
  }

  it('reconnects at once when the network comes back, not when the back-off would', async () => {
    const kamailio = await lab();
    const cable = await startCable(kamailio.wsPort);
    const network = scriptedNetwork();
    network.set('192.168.1.20');
    const core = await startApp(
      await tempDir(),
      { backoff: { baseMs: 60_000, maxMs: 60_000, jitter: 0 } },
      { network: network.watcher },
    );
    apps.push(core);
    try {
      await configureAccount(core, { servers: [cable.wsUrl], ...labUser('1001') });
      await waitForRegistration(core, (state) => state.state === 'registered');

      cable.pull();
      network.set(null);
      const waiting = await waitForRegistration(core, (state) => state.state === 'reconnecting');
      const retryAt = waiting.state === 'reconnecting' ? waiting.retryAt : 0;
      cable.plugIn();
      network.set('192.168.1.20');
      await waitForRegistration(core, (state) => state.state === 'registered');
      // Registered again long before the back-off's next try.
      expect(Date.now()).toBeLessThan(retryAt);
    } finally {
      await cable.close();
    }
  });

  it('checks the connection at once when the address changes: a dead one is found by the ping', async () => {
    const kamailio = await lab();
    const cable = await startCable(kamailio.wsPort);
    const network = scriptedNetwork();
    network.set('192.168.1.20');
    const core = await startApp(await tempDir(), FAST, { network: network.watcher });
    apps.push(core);
    try {
      // Pings every 5 minutes: only the network change can find the dead connection soon.
      await configureAccount(core, { servers: [cable.wsUrl], ...labUser('1002') }, { pingIntervalSeconds: 300 });
      await waitForRegistration(core, (state) => state.state === 'registered');
      cable.stall();
      network.set('10.0.0.7');
      const lost = await waitForRegistration(core, (state) => state.state === 'reconnecting');
      expect(lost).toMatchObject({ problem: 'silent' });
      cable.plugIn();
      await waitForRegistration(core, (state) => state.state === 'registered', 30_000);
    } finally {
      await cable.close();
    }
  });
});
