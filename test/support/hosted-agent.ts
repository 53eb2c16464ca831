import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Netns } from '../lab/netns';
import { testSecrets } from './secrets';

export interface HostedAgent {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * `npm run serve` for one agent, as its own process inside a network namespace, with the SIP
 * account from a policy file and the password already in its secret store.
 */
export async function startAgentHost(
  netns: Netns,
  account: { server: string; uri: string; authUser: string; password: string; displayName?: string },
): Promise<HostedAgent> {
  // Lives as long as the agent (not per test, as tempDir() would): removed in stop().
  const dataDir = await mkdtemp(join(tmpdir(), 'hotline-desk-agent-'));
  const policy = join(dataDir, 'policy.json');
  await writeFile(
    policy,
    JSON.stringify({
      'sip.servers': [account.server],
      'sip.uri': account.uri,
      'sip.authUser': account.authUser,
      'sip.displayName': account.displayName ?? '',
      'sip.pingIntervalSeconds': 5,
    }),
  );
  // In the store the host uses without a keystore (the state folder's file), as Settings would put it.
  await testSecrets(dataDir).set('sip.password', account.password);
  const entry = join(process.cwd(), 'out', 'main', 'browser-host.js');
  const [command, args] = netns.wrap(process.execPath, [
    entry,
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--policy',
    policy,
    '--log-level',
    'warn',
  ]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the browser host exited with ${code}`)));
  });
  const url = line.slice(line.indexOf('http'));
  return {
    url,
    dataDir,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
