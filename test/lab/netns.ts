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
