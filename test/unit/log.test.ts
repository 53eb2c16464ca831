import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/main/core/log';

describe('logger', () => {
  it('redacts fields that look like secrets', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: 'debug', write: (record) => records.push(record) });
    log.info('registered', {
      password: 'hunter2',
      authUser: '1001',
      dbKey: 'x',
      token: 'abc',
      server: 'wss://pbx',
      count: 2,
    });
    expect(records[0]?.fields).toEqual({
      password: '[redacted]',
      authUser: '[redacted]',
      dbKey: '[redacted]',
      token: '[redacted]',
      server: 'wss://pbx',
      count: 2,
    });
    expect(JSON.stringify(records)).not.toContain('hunter2');
  });

  it('drops lines below its level and scopes children', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: 'warn', write: (record) => records.push(record) });
    log.info('quiet');
    log.child('settings').warn('loud');
    expect(records).toEqual([expect.objectContaining({ level: 'warn', scope: 'main.settings', message: 'loud' })]);
  });
});
