import { describe, expect, it } from 'vitest';
import { DisposableStore } from '../../src/main/core/disposables';
import { bestEffort, errorFields } from '../../src/main/core/errors';
import { Sequencer } from '../../src/main/core/sequencer';
import { Emitter } from '../../src/shared/emitter';
import { recordingLogger } from '../support/logs';

describe('Emitter', () => {
  it('calls every listener in order with what was emitted, until it unsubscribes', () => {
    const emitter = new Emitter<[string, number]>();
    const seen: string[] = [];
    const stopA = emitter.on((name, n) => seen.push(`a:${name}${n}`));
    emitter.on((name, n) => seen.push(`b:${name}${n}`));
    emitter.emit('x', 1);
    stopA();
    stopA();
    emitter.emit('y', 2);
    expect(seen).toEqual(['a:x1', 'b:x1', 'b:y2']);
    expect(emitter.size).toBe(1);
  });

  it('uses the listeners as they were when the event was emitted', () => {
    const emitter = new Emitter<[]>();
    const seen: string[] = [];
    let stopB = (): void => undefined;
    emitter.on(() => {
      seen.push('a');
      stopB();
      emitter.on(() => seen.push('late'));
    });
    stopB = emitter.on(() => seen.push('b'));
    emitter.emit();
    expect(seen).toEqual(['a', 'b']);
  });

  it('counts the same function added twice as two subscriptions', () => {
    const emitter = new Emitter<[]>();
    let calls = 0;
    const listener = (): void => void (calls += 1);
    const stop = emitter.on(listener);
    emitter.on(listener);
    emitter.emit();
    stop();
    emitter.emit();
    expect(calls).toBe(3);
  });
});

describe('Sequencer', () => {
  it('runs work one at a time in the order asked, each failure going to its own caller only', async () => {
    const sequencer = new Sequencer();
    const order: string[] = [];
    const slow = sequencer.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('slow');
      return 1;
    });
    const failing = sequencer.run(() => {
      order.push('failing');
      throw new Error('no');
    });
    const quick = sequencer.run(() => {
      order.push('quick');
      return 3;
    });
    await expect(slow).resolves.toBe(1);
    await expect(failing).rejects.toThrow('no');
    await expect(quick).resolves.toBe(3);
    expect(order).toEqual(['slow', 'failing', 'quick']);
    await expect(sequencer.idle()).resolves.toBeUndefined();
  });
});

describe('DisposableStore', () => {
  it('ends every subscription once, in the order added, and at once after it was disposed', () => {
    const store = new DisposableStore();
    const ended: number[] = [];
    store.add(() => ended.push(1));
    store.add(() => ended.push(2));
    store.dispose();
    store.dispose();
    store.add(() => ended.push(3));
    expect(ended).toEqual([1, 2, 3]);
  });
});

describe('errorFields and bestEffort', () => {
  it('log an error by its name and code, never its message', async () => {
    expect(errorFields(Object.assign(new Error('Erika Mustermann'), { code: 'SQLITE_FULL' }))).toEqual({
      error: 'Error',
      code: 'SQLITE_FULL',
    });
    expect(errorFields(Object.assign(new TypeError('x'), { code: 'not a code: Erika' }))).toEqual({
      error: 'TypeError',
    });
    expect(errorFields('Erika')).toEqual({ error: 'string' });
    const log = recordingLogger();
    await expect(
      bestEffort(Promise.reject(new RangeError('Erika')), log, 'the BYE did not go'),
    ).resolves.toBeUndefined();
    await expect(bestEffort(Promise.reject(new Error('x')))).resolves.toBeUndefined();
    expect(log.records).toEqual([
      expect.objectContaining({ level: 'debug', message: 'the BYE did not go', fields: { error: 'RangeError' } }),
    ]);
    expect(JSON.stringify(log.records)).not.toContain('Erika');
  });
});
