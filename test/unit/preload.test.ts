import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../../src/shared/bridge';
import { EVENT_NAMES, REQUEST_NAMES } from '../../src/shared/contract';

/**
 * Electron cannot run here, so its two preload-side objects are replaced by recorders; the test
 * then checks what the real preload module puts on `window.hotlineDesk`.
 */
const exposed = new Map<string, unknown>();
const invocations: unknown[][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      invocations.push(args);
      return Promise.resolve({ ok: true, value: null });
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) =>
      listeners.get(channel)?.delete(listener),
  },
}));

type Bridge = {
  api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
  on: (name: string, listener: (payload: unknown) => void) => () => void;
};
let bridge: Bridge;

beforeAll(async () => {
  await import('../../src/preload/index');
  bridge = exposed.get('hotlineDesk') as Bridge;
});

describe('preload', () => {
  it('exposes one object, hotlineDesk, with the api and an event subscription, nothing else', () => {
    expect([...exposed.keys()]).toEqual(['hotlineDesk']);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'on']);
  });

  it('has exactly one function per contract request, namespaced by feature', () => {
    const exposedNames = Object.entries(bridge.api).flatMap(([namespace, functions]) =>
      Object.keys(functions).map((action) => `${namespace}.${action}`),
    );
    expect(exposedNames.sort()).toEqual([...REQUEST_NAMES].sort());
  });

  it('sends each request on the one request channel, with its contract name', async () => {
    await bridge.api.settings!.update!({ key: 'ui.language', value: 'en' });
    await bridge.api.app!.info!();
    expect(invocations).toEqual([
      [IPC_REQUEST_CHANNEL, 'settings.update', { key: 'ui.language', value: 'en' }],
      [IPC_REQUEST_CHANNEL, 'app.info', {}],
    ]);
  });

  it('delivers only the event asked for, and stops on unsubscribe', () => {
    const seen: unknown[] = [];
    const stop = bridge.on(EVENT_NAMES[0]!, (payload) => seen.push(payload));
    const emit = (...args: unknown[]) => listeners.get(IPC_EVENT_CHANNEL)?.forEach((listener) => listener({}, ...args));
    emit(EVENT_NAMES[0], { a: 1 });
    emit('something.else', { b: 2 });
    stop();
    emit(EVENT_NAMES[0], { c: 3 });
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('refuses to listen to an event outside the contract', () => {
    expect(() => bridge.on('ipc.anything', () => undefined)).toThrow(/Unknown event "ipc.anything"/);
  });
});
