import type { HotlineDeskBridge } from '../../../shared/bridge';
import { splitRequestName, type RequestName } from '../../../shared/contract';
import { Emitter } from '../../../shared/emitter';
import type { Result } from '../../../shared/result';
import { clientFrameSchema, serverFrameSchema, type ClientFrame } from '../../../shared/wire';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** How a renderer reaches main: Electron IPC through the preload, or the browser host's WebSocket. */
export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  request(name: RequestName, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  readonly connection: ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function ipcTransport(bridge: HotlineDeskBridge, eventNames: readonly string[]): Transport {
  // One IPC listener per event for the whole page, fanned out here to every subscriber.
  const listeners = new Emitter<[name: string, payload: unknown]>();
  let listening = false;
  return {
    kind: 'ipc',
    connection: 'open',
    request(name, input) {
      const { namespace, action } = splitRequestName(name);
      const functions = (
        bridge.api as unknown as Record<string, Record<string, (input: unknown) => Promise<Result<unknown>>>>
      )[namespace];
      const call = functions?.[action];
      if (!call) return Promise.resolve({ ok: false, error: { code: 'unknown_request', message: name } });
      return call(input);
    },
    subscribe(listener) {
      if (!listening) {
        listening = true;
        for (const name of eventNames) {
          bridge.on(name as never, (payload: unknown) => {
            listeners.emit(name, payload);
          });
        }
      }
      return listeners.on(listener);
    },
    onConnection: () => () => undefined,
  };
}

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
/** A request that could not even be sent within this time fails with `unavailable`. */
const QUEUE_TIMEOUT_MS = 10_000;

/** The browser host's wire protocol (src/shared/wire.ts), with reconnection. */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket';
  connection: ConnectionState = 'connecting';
  private socket: WebSocket | null = null;
  private nextId = 1;
  private retryMs = RECONNECT_MIN_MS;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private readonly queued: ClientFrame[] = [];
  private readonly eventListeners = new Emitter<[name: string, payload: unknown]>();
  private readonly connectionListeners = new Emitter<[state: ConnectionState]>();
  private readonly url: string;

  constructor(url: string) {
    this.url = url;
    this.connect();
  }

  request(name: RequestName, input: unknown): Promise<Result<unknown>> {
    const frame = clientFrameSchema.parse({ type: 'request', id: this.nextId++, name, input });
    return new Promise((resolve) => {
      this.pending.set(frame.id, resolve);
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(frame));
        return;
      }
      this.queued.push(frame);
      setTimeout(() => {
        const index = this.queued.indexOf(frame);
        if (index < 0) return;
        this.queued.splice(index, 1);
        this.pending.delete(frame.id);
        resolve({ ok: false, error: { code: 'unavailable', message: 'The service could not be reached.' } });
      }, QUEUE_TIMEOUT_MS);
    });
  }

  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    return this.eventListeners.on(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.connectionListeners.on(listener);
  }

  private setConnection(state: ConnectionState): void {
    this.connection = state;
    this.connectionListeners.emit(state);
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retryMs = RECONNECT_MIN_MS;
      this.setConnection('open');
      for (const frame of this.queued.splice(0)) socket.send(JSON.stringify(frame));
    });
    socket.addEventListener('message', (message) => this.receive(message.data));
    socket.addEventListener('close', () => {
      this.setConnection('closed');
      // Requests in flight cannot be answered by a connection that is gone.
      for (const [id, resolve] of this.pending) {
        if (this.queued.some((frame) => frame.id === id)) continue;
        resolve({ ok: false, error: { code: 'unavailable', message: 'The connection to the service was lost.' } });
        this.pending.delete(id);
      }
      const delay = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
      setTimeout(() => this.connect(), delay);
    });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const frame = serverFrameSchema.safeParse(json);
    if (!frame.success) return;
    switch (frame.data.type) {
      case 'response': {
        const resolve = this.pending.get(frame.data.id);
        this.pending.delete(frame.data.id);
        resolve?.(frame.data.result as Result<unknown>);
        break;
      }
      case 'event':
        this.eventListeners.emit(frame.data.name, frame.data.payload);
        break;
      case 'protocol_error':
        console.error('protocol error from the service:', frame.data.message);
        break;
      case 'hello':
        break;
    }
  }
}

/**
 * The browser host hands the page its token in the address. Keep it for reloads of this tab only,
 * and take it out of the address bar and history.
 */
export function takeTokenFromLocation(location: Location, storage: Storage, history: History): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    storage.setItem('hotline-desk.token', fromUrl);
    params.delete('token');
    const query = params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    return fromUrl;
  }
  return storage.getItem('hotline-desk.token');
}
