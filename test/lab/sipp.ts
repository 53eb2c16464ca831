import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { executable, requirement } from '../support/requirements';
import type { Netns } from './netns';
import { freePort } from './ports';

export const SIPP = '/usr/bin/sipp';
const SCENARIOS = join(import.meta.dirname, 'scenarios');

export const sippRequirement = requirement(
  'sipp',
  executable(SIPP),
  'Install the Debian package: apt-get install sip-tester (.ci/run does this).',
);

export interface SippRun {
  /** The UDP port sipp listens on (a callee's address is sip:x@127.0.0.1:port). */
  readonly port: number;
  /** Resolves with sipp's exit status (0: the scenario completed) and what it printed. */
  readonly done: Promise<{ status: number | null; output: string }>;
  stop(): void;
}

/**
 * Runs one sipp scenario from test/lab/scenarios for one call. As a caller it calls `service`
 * through Kamailio; as a callee it waits on its own port.
 */
export async function runSipp(
  scenario: string,
  options: {
    kamailioPort: number;
    service?: string;
    timeoutSeconds?: number;
    calls?: number;
    ratePerSecond?: number;
    /** Run inside this network namespace (where the lab's Kamailio runs). */
    netns?: Netns;
  },
): Promise<SippRun> {
  const port = await freePort();
  const mediaPort = await freePort();
  const args = [
    '-sf',
    join(SCENARIOS, scenario),
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-mp',
    String(mediaPort),
    '-m',
    String(options.calls ?? 1),
    '-l',
    '1',
    '-r',
    String(options.ratePerSecond ?? 10),
    '-timeout',
    `${options.timeoutSeconds ?? 20}s`,
    '-timeout_error',
    '-nostdin',
    '-nr',
    ...(options.service ? ['-s', options.service, `127.0.0.1:${options.kamailioPort}`] : []),
  ];
  const [command, argv] = options.netns ? options.netns.wrap(SIPP, args) : [SIPP, args];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const done = new Promise<{ status: number | null; output: string }>((resolve) =>
    child.once('exit', (status) => resolve({ status, output })),
  );
  return { port, done, stop: () => child.kill('SIGKILL') };
}
