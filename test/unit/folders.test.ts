import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderError, makeFolder, makeFolderSync } from '../../src/main/core/folders';
import { tempDir } from '../support/temp';

/**
 * Folders are made one level at a time, each once: the paths on which Node's own recursive mkdir
 * spins for ever (a thread-pool thread, or the whole process in its synchronous form) end with an
 * error naming the folder. A hang here would fail the test by its time budget, never pass it.
 */
describe.each([
  ['makeFolder', makeFolder],
  ['makeFolderSync', async (path: string, mode?: number) => makeFolderSync(path, mode)],
] as const)('%s', (_name, make) => {
  it('makes every missing level, private by default, and leaves an existing folder as it is', async () => {
    const root = await tempDir();
    const deep = join(root, 'a', 'b', 'c');
    await make(deep);
    for (const level of [join(root, 'a'), join(root, 'a', 'b'), deep]) {
      const info = await stat(level);
      expect(info.isDirectory()).toBe(true);
      expect(info.mode & 0o777).toBe(0o700);
    }
    await mkdir(join(root, 'open'), { mode: 0o755 });
    await make(join(root, 'open'));
    expect((await stat(join(root, 'open'))).mode & 0o777).toBe(0o755);
    await make(join(root, 'shared', 'x'), 0o750);
    expect((await stat(join(root, 'shared', 'x'))).mode & 0o777).toBe(0o750);
  });

  it('names the file in the way', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'file'), 'x');
    const error = await make(join(root, 'file', 'below', 'deeper')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FolderError);
    expect(error).toMatchObject({ folder: join(root, 'file'), code: 'ENOTDIR' });
    expect((error as Error).message).toBe(
      `The folder ${join(root, 'file')} cannot be created: a part of the path is a file, not a folder.`,
    );
  });

  it.skipIf(process.platform !== 'linux')('stops at a folder the file system refuses (/proc/forbidden/x)', async () => {
    const error = await make('/proc/forbidden/x/y').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FolderError);
    expect(error).toMatchObject({ folder: '/proc/forbidden', code: 'ENOENT' });
  });
});
