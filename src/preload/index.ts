import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type HotlineDeskBridge } from '../shared/bridge';
import { EVENT_NAMES, isEventName, REQUEST_NAMES, splitRequestName } from '../shared/contract';

/**
 * Exposes exactly the contract: one function per request, namespaced per feature, and a way to
 * listen to the contract's events. No ipcRenderer, no Node, no other channel.
 */
const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
for (const name of REQUEST_NAMES) {
  const { namespace, action } = splitRequestName(name);
  const functions = (api[namespace] ??= {});
  functions[action] = (input?: unknown) => ipcRenderer.invoke(IPC_REQUEST_CHANNEL, name, input ?? {});
}

function on(name: string, listener: (payload: unknown) => void): () => void {
  if (!isEventName(name)) throw new Error(`Unknown event "${name}"; known: ${EVENT_NAMES.join(', ')}`);
  const forward = (_event: IpcRendererEvent, eventName: unknown, payload: unknown): void => {
    if (eventName === name) listener(payload);
  };
  ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  };
}

const bridge = { api, on } as unknown as HotlineDeskBridge;
contextBridge.exposeInMainWorld('hotlineDesk', bridge);
