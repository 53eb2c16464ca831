import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executable, requirement } from '../support/requirements';

export const IP = '/usr/sbin/ip';

export const netnsRequirement = requirement(
  'root and iproute2 (private network namespaces)',
  process.getuid?.() === 0 && executable(IP),
  'Run as root with the Debian package iproute2 (CI runs as root; .ci/run installs it).',
);

export interface Netns {
  readonly name: string;
  /** argv that runs `command` inside the namespace. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** A shell script that runs a program inside the namespace (for Playwright's executablePath). */
  wrapperScript(program: string): string;
  /** Runs a command inside the namespace and returns its output. */
  run(command: string, args: readonly string[]): string;
  remove(): void;
}

/** A private network namespace with only loopback up: nothing inside can reach any other network. */
export function createNetns(prefix = 'hd-test'): Netns {
  const name = `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const check = (result: ReturnType<typeof spawnSync>, what: string): void => {
    if (result.status !== 0) throw new Error(`${what} failed: ${String(result.stderr)}`);
  };
  check(spawnSync(IP, ['netns', 'add', name], { encoding: 'utf8' }), 'ip netns add');
  check(
    spawnSync(IP, ['netns', 'exec', name, IP, 'link', 'set', 'lo', 'up'], { encoding: 'utf8' }),
    'ip link set lo up',
  );
  const scripts = mkdtempSync(join(tmpdir(), `${name}-`));
  return {
    name,
    wrap: (command, args) => [IP, ['netns', 'exec', name, command, ...args]],
    wrapperScript(program) {
      const path = join(scripts, program.split('/').pop() ?? 'program');
      writeFileSync(path, `#!/bin/sh\nexec ${IP} netns exec ${name} ${program} "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    },
    run(command, args) {
      const result = spawnSync(IP, ['netns', 'exec', name, command, ...args], { encoding: 'utf8' });
      return result.stdout;
    },
    remove() {
      spawnSync(IP, ['netns', 'del', name]);
      rmSync(scripts, { recursive: true, force: true });
    },
  };
}

const NFT = '/usr/sbin/nft';
const SS = '/usr/bin/ss';

export const nftablesRequirement = requirement(
  'nftables and ss',
  executable(NFT) && executable(SS),
  'Install the Debian packages nftables and iproute2 (.ci/run does this).',
);

/** Network outages inside a namespace, made with nftables (and ss -K for live connections). */
export interface Outage {
  /** Connections to `port` are refused with a TCP reset, and the live ones are killed now. */
  refuse(port: number): void;
  /** Packets to and from `port` vanish: no reset, the connection just goes silent. */
  silence(port: number): void;
  /** Every rule gone: the network is healed. */
  heal(): void;
}

export function createOutage(netns: Netns): Outage {
  const nft = (...args: string[]): string => netns.run(NFT, args);
  nft('add', 'table', 'inet', 'outage');
  nft('add', 'chain', 'inet', 'outage', 'output', '{ type filter hook output priority 0 ; }');
  return {
    refuse(port) {
      nft('add', 'rule', 'inet', 'outage', 'output', 'tcp', 'dport', String(port), 'reject', 'with', 'tcp', 'reset');
      netns.run(SS, ['-K', 'dst', '127.0.0.1', 'dport', '=', String(port)]);
    },
    silence(port) {
      nft('add', 'rule', 'inet', 'outage', 'output', 'tcp', 'dport', String(port), 'drop');
      nft('add', 'rule', 'inet', 'outage', 'output', 'tcp', 'sport', String(port), 'drop');
    },
    heal() {
      nft('flush', 'chain', 'inet', 'outage', 'output');
    },
  };
}
