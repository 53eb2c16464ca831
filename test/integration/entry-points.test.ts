import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/main/host/data-dir-lock';
import { tempDir } from '../support/temp';

const RUN = join(process.cwd(), 'scripts', 'run.mjs');

describe('npm run serve', () => {
  it('prints the address with its token, serves the console, and shuts down cleanly', async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, [RUN, 'serve', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    expect(line).toMatch(/^Hotline Desk is running at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
    const url = new URL(line.slice(line.indexOf('http')));
    const page = await fetch(new URL('/', url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('explains a bad flag and exits 2', () => {
    const result = spawnSync(process.execPath, [RUN, 'serve', '--port', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port must be a whole number/);
    const missing = spawnSync(process.execPath, [RUN, 'serve', '--policy', '/nonexistent/policy.json'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--policy: no such file: \/nonexistent\/policy\.json/);
  });
});

describe('npm run cli', () => {
  it('runs a subcommand from the built CLI with machine-readable output', async () => {
    const dataDir = await tempDir();
    const result = spawnSync(process.execPath, [RUN, 'cli', 'info', '--json', '--data-dir', dataDir], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ name: 'Hotline Desk', dataDir });
    expect(report.nativeModules.every((module: { loaded: boolean }) => module.loaded)).toBe(true);
  });

  it('sends errors to stderr with a non-zero status', () => {
    const result = spawnSync(process.execPath, [RUN, 'cli', 'policy', 'check'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/expected "policy check FILE"/);
  });
});
