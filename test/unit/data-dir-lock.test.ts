import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir, LOCK_FILE } from '../../src/main/host/data-dir-lock';
import { tempDir } from '../support/temp';

describe('data directory lock', () => {
  it('lets one host in and tells the second who holds it', async () => {
    const dir = await tempDir();
    const first = await lockDataDir(dir, 'browser host');
    await expect(lockDataDir(dir, 'Electron app')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`browser host, process ${process.pid}`),
    });
    await first.release();
    const second = await lockDataDir(dir, 'Electron app');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: 'Electron app',
    });
    await second.release();
  });

  it('takes over a lock whose process no longer runs', async () => {
    const dir = await tempDir();
    const finished = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(finished.stdout);
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid, host: 'browser host', since: '2020-03-16T08:00:00Z' }),
    );
    const lock = await lockDataDir(dir, 'browser host');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a damaged lock file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE), 'garbage');
    const lock = await lockDataDir(dir, 'browser host');
    await lock.release();
  });

  it('does not remove a lock that another host took after ours was released', async () => {
    const dir = await tempDir();
    const first = await lockDataDir(dir, 'browser host');
    await first.release();
    const second = await lockDataDir(dir, 'Electron app');
    await first.release();
    await expect(lockDataDir(dir, 'browser host')).rejects.toMatchObject({ code: 'conflict' });
    await second.release();
  });
});

describe('data directory lock after a reboot', () => {
  it('takes over a lock written before the machine rebooted, even if its pid runs again', async () => {
    const dir = await tempDir();
    // A lock held by a process that is running now (this one), but from an earlier boot.
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: process.pid,
        host: 'Electron app',
        since: '2020-03-16T08:00:00Z',
        bootedAt: Date.now() - 86_400_000,
      }),
    );
    const lock = await lockDataDir(dir, 'browser host');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).host).toBe('browser host');
    await lock.release();
  });

  it.each(Array.from({ length: 10 }, (_, round) => round))(
    'lets exactly one of several hosts take over the same stale lock (round %i)',
    async () => {
      const dir = await tempDir();
      await writeFile(join(dir, LOCK_FILE), 'garbage');
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => lockDataDir(dir, `host ${i}`)));
      const winners = results.filter((result) => result.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'conflict' });
      }
      expect((await readdir(dir)).sort()).toEqual([LOCK_FILE]);
    },
  );

  it('on a shared folder, refuses while another computer’s holder is alive, and takes over once it is silent', async () => {
    const dir = await tempDir();
    // A lock that laptop-a holds, with a process id that may well run here too.
    const held = await lockDataDir(dir, 'Electron app', { machine: 'laptop-a', heartbeatMs: 40 });
    const before = (await stat(join(dir, LOCK_FILE))).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The holder shows it is alive by touching its lock.
    expect((await stat(join(dir, LOCK_FILE))).mtimeMs).toBeGreaterThan(before);
    await expect(lockDataDir(dir, 'Electron app', { machine: 'laptop-b', heartbeatMs: 40 })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/in use by Hotline Desk on the computer laptop-a .*out of roaming profiles/),
    });
    // laptop-a crashed: its lock stays, untouched; after three heartbeats laptop-b takes over.
    const text = await readFile(join(dir, LOCK_FILE), 'utf8');
    await held.release();
    await writeFile(join(dir, LOCK_FILE), text);
    const old = new Date(Date.now() - 1_000);
    await utimes(join(dir, LOCK_FILE), old, old);
    const taken = await lockDataDir(dir, 'Electron app', { machine: 'laptop-b', heartbeatMs: 40 });
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ machine: 'laptop-b' });
    await taken.release();
  });

  it('tells the holder when another computer took its lock over (it slept past its heartbeat)', async () => {
    const dir = await tempDir();
    let lost = 0;
    const held = await lockDataDir(dir, 'Electron app', {
      machine: 'laptop-a',
      heartbeatMs: 30,
      onLost: () => (lost += 1),
    });
    // laptop-b took it over while laptop-a was asleep.
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: 'Electron app', since: '', machine: 'laptop-b' }),
    );
    for (let i = 0; i < 50 && lost === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lost).toBe(1);
    // Releasing leaves the other computer's lock alone.
    await held.release();
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ machine: 'laptop-b' });
    expect((await readdir(dir)).filter((name) => name.includes('probe'))).toEqual([]);
  });
});
