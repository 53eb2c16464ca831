import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from '../../src/main/core/process-guard';
import { tempDir } from '../support/temp';

/**
 * The hosts' last line of defence, in a process of its own (run by jiti, as `npm run docs:policy`
 * runs TypeScript): an unhandled rejection is logged and the process goes on; an uncaught
 * exception is logged, what is pending is saved, and the process exits. Neither logs a message.
 */
async function runGuarded(
  body: string,
): Promise<{ status: number | null; stdout: string; stderr: string; saved: string }> {
  const dir = await tempDir();
  const script = join(dir, 'guarded.ts');
  const saved = join(dir, 'saved.txt');
  await writeFile(
    script,
    `import { writeFile } from 'node:fs/promises';
import { guardProcess } from ${JSON.stringify(join(process.cwd(), 'src/main/core/process-guard.ts'))};
import { stderrLogger } from ${JSON.stringify(join(process.cwd(), 'src/main/core/log.ts'))};
guardProcess({
  log: stderrLogger('info'),
  beforeExit: () => writeFile(${JSON.stringify(saved)}, 'flushed'),
  exit: (code) => process.exit(code),
});
${body}
`,
  );
  const result = spawnSync(process.execPath, [join(process.cwd(), 'node_modules/jiti/lib/jiti-cli.mjs'), script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    saved: await readFile(saved, 'utf8').catch(() => ''),
  };
}

describe('guardProcess', () => {
  it('logs an unhandled rejection by name only, and the process goes on', async () => {
    const run = await runGuarded(`
void Promise.reject(new TypeError('Erika Mustermann, Hauptstraße 1'));
setTimeout(() => process.stdout.write('still running'), 100);
`);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('still running');
    expect(run.stderr).toContain('"message":"a promise failed and nobody handled it","fields":{"error":"TypeError"}');
    expect(run.stderr).not.toContain('Mustermann');
    expect(run.saved).toBe('');
  });

  it('on an uncaught exception logs it by name and code, saves what is pending, and exits', async () => {
    const run = await runGuarded(`
setTimeout(() => {
  throw Object.assign(new Error('Erika Mustermann'), { code: 'SQLITE_FULL' });
}, 10);
setTimeout(() => process.stdout.write('went on'), 2_000);
`);
    expect(run.status).toBe(CRASH_EXIT_CODE);
    expect(run.stdout).toBe('');
    expect(run.saved).toBe('flushed');
    expect(run.stderr).toContain('"fields":{"error":"Error","code":"SQLITE_FULL"}');
    expect(run.stderr).not.toContain('Mustermann');
  });
});
