import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/core/log';
import { fileLogWriter, LOG_FILE } from '../../src/main/core/log-file';
import { tempDir } from '../support/temp';

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('log file', () => {
  it('appends JSON lines, redacted, and rotates past its size limit', async () => {
    const dir = await tempDir();
    const log = createLogger({ level: 'info', write: fileLogWriter(dir, 400) });
    log.info('registered', { server: 'wss://pbx', password: 'hunter2' });
    await settle();
    const first = (await readFile(join(dir, LOG_FILE), 'utf8')).trim().split('\n');
    expect(first).toHaveLength(1);
    expect(JSON.parse(first[0]!)).toMatchObject({
      message: 'registered',
      fields: { server: 'wss://pbx', password: '[redacted]' },
    });
    for (let i = 0; i < 10; i += 1) log.info('line', { i });
    await settle();
    const rotated = await readFile(join(dir, `${LOG_FILE}.1`), 'utf8');
    const current = await readFile(join(dir, LOG_FILE), 'utf8');
    expect(rotated.length).toBeLessThanOrEqual(400);
    expect(current.length).toBeLessThanOrEqual(400);
    expect(`${rotated}${current}`).not.toContain('hunter2');
    expect(
      current
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).fields.i)
        .at(-1),
    ).toBe(9);
  });
});
