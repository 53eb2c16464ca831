import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { existsSync } from 'node:fs';
import { executable, requirement } from '../support/requirements';
import type { Netns } from './netns';
import { freePort } from './ports';

export const KAMAILIO = '/usr/sbin/kamailio';
export const KAMCMD = '/usr/sbin/kamcmd';
const CONFIG = join(import.meta.dirname, 'kamailio.cfg');
const MODULES = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/kamailio/modules/`;

export const kamailioRequirement = requirement(
  'Kamailio with its WebSocket module',
  executable(KAMAILIO) && existsSync(join(MODULES, 'websocket.so')),
  'Install the Debian packages: apt-get install kamailio kamailio-websocket-modules (.ci/run does this).',
);

/** The lab's static users: 1001..1004, password "secret" + user. */
export const LAB_DOMAIN = '127.0.0.1';
export function labUser(user: '1001' | '1002' | '1003' | '1004'): { uri: string; authUser: string; password: string } {
  return { uri: `sip:${user}@${LAB_DOMAIN}`, authUser: user, password: `secret${user}` };
}

export interface Kamailio {
  readonly sipPort: number;
  readonly wsPort: number;
  readonly wsUrl: string;
  /** A second WebSocket address (with `secondWebSocket`), to cut one agent's connection alone. */
  readonly wsUrl2: string | null;
  readonly wsPort2: number | null;
  /** True while the process runs. */
  readonly running: boolean;
  /** Stops it: SIGTERM (orderly, ~1.6 s) or SIGKILL (a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same ports (its registrations are gone, as after a real restart). */
  start(): Promise<void>;
  /** The AORs registered right now, from kamcmd ul.dump. */
  registeredUsers(): string[];
  /** Everything it logged, for a failing test to show. */
  log(): string;
}

async function waitForWebSocket(url: string, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(url, 'sip');
      socket.once('open', () => {
        socket.close();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Kamailio did not accept WebSocket connections at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until something listens on the TCP port inside a namespace (where we cannot connect from outside). */
async function waitForListener(netns: Netns, port: number, deadline: number): Promise<void> {
  while (!netns.run('ss', ['-ltnH', `sport = :${port}`]).includes(`:${port}`)) {
    if (Date.now() > deadline) throw new Error(`Kamailio did not listen on ${port} in ${netns.name}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts Kamailio as a child process on free loopback ports, in its own run directory; inside a
 * private network namespace when one is given.
 */
export async function startKamailio(options: { netns?: Netns; secondWebSocket?: boolean } = {}): Promise<Kamailio> {
  const runDir = await mkdtemp(join(tmpdir(), 'hotline-desk-kamailio-'));
  const sipPort = await freePort();
  const wsPort = await freePort();
  const wsPort2 = options.secondWebSocket ? await freePort() : null;
  const control = `unix:${join(runDir, 'ctl')}`;
  const wsUrl = `ws://127.0.0.1:${wsPort}`;
  let child: ChildProcess | null = null;
  let output = '';

  const start = async (): Promise<void> => {
    await rm(join(runDir, 'kamailio.pid'), { force: true });
    const args = [
      '-DD',
      '-E',
      '-f',
      CONFIG,
      '-Y',
      runDir,
      '-P',
      join(runDir, 'kamailio.pid'),
      '-m',
      '64',
      '-M',
      '8',
      '-A',
      `SIP_PORT=${sipPort}`,
      '-A',
      `WS_PORT=${wsPort}`,
      '-A',
      `CTL_SOCK="${control}"`,
      '-A',
      `MODULES="${MODULES}"`,
      ...(wsPort2 === null ? [] : ['-A', `WS_PORT2=${wsPort2}`]),
    ];
    // Its own process group: Kamailio forks workers, and a crash must take them all.
    const [command, argv] = options.netns ? options.netns.wrap(KAMAILIO, args) : [KAMAILIO, args];
    const started = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child = started;
    started.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    });
    const exited = new Promise<never>((_resolve, reject) =>
      started.once('exit', (code) =>
        reject(new Error(`Kamailio exited with ${code} while starting:\n${output.slice(-3000)}`)),
      ),
    );
    const ready = options.netns
      ? waitForListener(options.netns, wsPort, Date.now() + 10_000)
      : waitForWebSocket(wsUrl, Date.now() + 10_000);
    await Promise.race([ready, exited]);
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    if (signal === 'SIGKILL') process.kill(-running.pid!, 'SIGKILL');
    else running.kill('SIGTERM');
    await exited;
    // Workers may outlive the main process by a moment; wait until nothing accepts on its port.
    for (let i = 0; i < 200 && (await accepting(wsPort)); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    child = null;
  };

  await start();
  return {
    sipPort,
    wsPort,
    wsUrl,
    wsPort2,
    wsUrl2: wsPort2 === null ? null : `ws://127.0.0.1:${wsPort2}`,
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    stop,
    start,
    registeredUsers() {
      const result = spawnSync(KAMCMD, ['-s', control, 'ul.dump'], { encoding: 'utf8' });
      return [...result.stdout.matchAll(/AoR: (\S+)/g)].map((match) => match[1]!);
    },
    log: () => output,
  };
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Stops every lab in the list (for afterEach). */
export async function stopAll(labs: Kamailio[]): Promise<void> {
  for (const lab of labs.splice(0)) await lab.stop('SIGKILL');
}
