import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/main/host/data-dir-lock';
import { tempDir } from '../support/temp';

describe('npm run serve and Ctrl-C', () => {
  it('shuts down cleanly when the whole process group gets SIGINT, as from a terminal', async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, [join(process.cwd(), 'scripts', 'run.mjs'), 'serve', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});
