import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeExport, removeStaleTemporaries, temporaryFor } from '../../src/main/reports/export-file';
import { tempDir } from '../support/temp';

describe('placing an export', () => {
  it('never over an existing file from the Reports view: the next free name instead', async () => {
    const dir = await tempDir();
    const target = join(dir, 'anrufe.csv');
    await writeFile(target, 'earlier export');
    await writeFile(join(dir, 'anrufe-2.csv'), 'another');
    const temporary = temporaryFor(target);
    expect(temporary.startsWith(join(dir, '.anrufe.csv.'))).toBe(true);
    await writeFile(temporary, 'new export');
    expect(await placeExport(temporary, target, false)).toBe(join(dir, 'anrufe-3.csv'));
    expect(await readFile(target, 'utf8')).toBe('earlier export');
    expect(await readFile(join(dir, 'anrufe-3.csv'), 'utf8')).toBe('new export');
    expect((await readdir(dir)).sort()).toEqual(['anrufe-2.csv', 'anrufe-3.csv', 'anrufe.csv']);
  });

  it('over it when asked (the CLI’s --out, a nightly export under the same name)', async () => {
    const dir = await tempDir();
    const target = join(dir, 'nightly.xlsx');
    await writeFile(target, 'yesterday');
    const temporary = temporaryFor(target);
    await writeFile(temporary, 'today');
    expect(await placeExport(temporary, target, true)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('today');
    expect(await readdir(dir)).toEqual(['nightly.xlsx']);
  });

  it('stale temporary files (a crash, a kill) are removed; fresh ones and other files stay', async () => {
    const dir = await tempDir();
    const stale = temporaryFor(join(dir, 'a.csv'));
    const fresh = temporaryFor(join(dir, 'b.csv'));
    for (const file of [stale, fresh, join(dir, 'a.csv'), join(dir, '.hidden')]) await writeFile(file, 'x');
    const now = Date.now();
    const dayAgo = new Date(now - 2 * 86_400_000);
    await utimes(stale, dayAgo, dayAgo);
    await utimes(join(dir, 'a.csv'), dayAgo, dayAgo);
    expect(await removeStaleTemporaries(dir, 86_400_000, now)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['.hidden', fresh.slice(dir.length + 1), 'a.csv'].sort());
    expect(await removeStaleTemporaries(join(dir, 'missing'), 0, now)).toBe(0);
  });
});
