import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { startHost, WireClient } from '../test/support/browser-host';
import { measure, printFigures, printMachine } from './measure';

/**
 * What one request costs: validated dispatch in main, and the full round trip a browser tab
 * makes over the loopback WebSocket (JSON, zod on both ends, the event loop in between).
 */
it('contract round trips', async () => {
  printMachine('Contract: dispatch in main and round trips over the browser host’s loopback WebSocket');
  const dataDir = await mkdtemp(join(tmpdir(), 'hotline-desk-bench-'));
  const host = await startHost(dataDir);
  const client = await WireClient.connect(host);
  const context = { clientId: 'bench' };
  try {
    printFigures([
      await measure('dispatch app.info (in main)', () => host.app.dispatch('app.info', {}, context)),
      await measure('dispatch settings.get (in main)', () => host.app.dispatch('settings.get', {}, context)),
      await measure('dispatch invalid settings.update (rejected)', () =>
        host.app.dispatch('settings.update', { key: 'ui.language', value: 'fr' }, context),
      ),
      await measure('WebSocket round trip app.info', () => client.request('app.info')),
      await measure('WebSocket round trip settings.get', () => client.request('settings.get')),
      await measure(
        'settings.update persisted (atomic write + fsync)',
        () =>
          host.app.dispatch('settings.update', { key: 'sip.displayName', value: `Platz ${Math.random()}` }, context),
        { iterations: 200, warmup: 10 },
      ),
    ]);
  } finally {
    client.close();
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('browser host start-up', async () => {
  printMachine('Browser host: start (lock, createApp, listen) and stop on a fresh data directory');
  printFigures([
    await measure(
      'start + stop',
      async () => {
        const dataDir = await mkdtemp(join(tmpdir(), 'hotline-desk-bench-'));
        const host = await startHost(dataDir);
        await host.close();
        await rm(dataDir, { recursive: true, force: true });
      },
      { iterations: 50, warmup: 3 },
    ),
  ]);
});
