#!/usr/bin/env node
// Runs a built entry (serve, cli), building first when the build is missing or older than the
// sources. Lets `npm run serve` and `npm run cli` work straight after `npm ci`.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = { serve: 'out/main/browser-host.js', cli: 'out/main/cli.js' };
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];
const OUTPUTS = [
  'out/main/browser-host.js',
  'out/main/cli.js',
  'out/main/electron-main.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsCurrent() {
  const outputs = OUTPUTS.map((path) => join(root, path));
  if (!outputs.every((path) => existsSync(path))) return false;
  const built = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  return Math.max(...INPUTS.map((path) => newestMtime(join(root, path)))) <= built;
}

export function ensureBuilt({ quiet = false } = {}) {
  if (buildIsCurrent()) return;
  if (!quiet) process.stderr.write('Building Hotline Desk (sources changed since the last build) …\n');
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) {
    process.stderr.write('The build failed; see above.\n');
    process.exit(result.status ?? 1);
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const [name, ...args] = process.argv.slice(2);
  const entry = ENTRIES[name];
  if (!entry) {
    process.stderr.write(`usage: node scripts/run.mjs <${Object.keys(ENTRIES).join('|')}> [args…]\n`);
    process.exit(2);
  }
  ensureBuilt({ quiet: name === 'cli' });
  const child = spawn(process.execPath, [join(root, entry), ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal itself (same process group): do not send it twice.
  process.on('SIGINT', () => undefined);
  // A SIGTERM (from a supervisor or a test) is meant for the whole: pass it on.
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
