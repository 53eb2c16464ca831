import { describe, expect, it } from 'vitest';
import { combineHandlers } from '../../src/main/core/handlers';

describe('combineHandlers', () => {
  it('puts every feature’s handlers in one table', () => {
    const info = () => ({
      name: 'x',
      version: '1',
      host: 'browser' as const,
      platform: 'linux',
      secretStorage: { protected: true, backend: 'x' },
    });
    const list = () => [];
    const table = combineHandlers({ 'app.info': info }, { 'calls.list': list });
    expect(Object.keys(table).sort()).toEqual(['app.info', 'calls.list']);
    expect(table['calls.list']).toBe(list);
  });

  it('refuses two features that answer the same request, naming it', () => {
    const list = () => [];
    expect(() => combineHandlers({ 'calls.list': list }, { 'calls.list': list })).toThrow(
      'Two features answer the request calls.list.',
    );
  });
});
