import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import {
  EVENT_NAMES,
  type EventName,
  type EventPayload,
  type RequestInput,
  type RequestName,
  type RequestOutput,
} from '../../../shared/contract';
import type { ErrorData, Result } from '../../../shared/result';
import type { HotlineDeskBridge } from '../../../shared/bridge';
import {
  ipcTransport,
  takeTokenFromLocation,
  WebSocketTransport,
  type ConnectionState,
  type Transport,
} from './transport';

/** The renderer's typed view of the contract, the same whichever host serves it. */
export class ApiClient {
  readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  request<N extends RequestName>(
    name: N,
    ...input: RequestInput<N> extends Record<string, never> ? [RequestInput<N>?] : [RequestInput<N>]
  ): Promise<Result<RequestOutput<N>>> {
    return this.transport.request(name, input[0] ?? {}) as Promise<Result<RequestOutput<N>>>;
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    return this.transport.subscribe((eventName, payload) => {
      if (eventName === name) listener(payload as EventPayload<N>);
    });
  }
}

declare global {
  interface Window {
    hotlineDesk?: HotlineDeskBridge;
  }
}

export class MissingTokenError extends Error {}

/** Electron gives the page a preload bridge; the browser host gives it an address with a token. */
export function connect(): ApiClient {
  if (window.hotlineDesk) return new ApiClient(ipcTransport(window.hotlineDesk, EVENT_NAMES));
  const token = takeTokenFromLocation(window.location, window.sessionStorage, window.history);
  if (!token) throw new MissingTokenError('No access token in the address.');
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return new ApiClient(
    new WebSocketTransport(`${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`),
  );
}

export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext>');
  return api;
}

/**
 * Loads a value with a request and keeps it current from an event (`update` folds each event
 * into the value), loading it again after every reconnect, when the state may have moved on.
 */
export function useLive<N extends RequestName, E extends EventName>(
  request: N,
  event: E,
  update: (payload: EventPayload<E>, current: RequestOutput<N> | null) => RequestOutput<N>,
): { value: RequestOutput<N> | null; error: ErrorData | null } {
  const api = useApi();
  const [value, setValue] = useState<RequestOutput<N> | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  useEffect(() => {
    let active = true;
    const stop = api.on(event, (payload) => {
      if (active) setValue((current) => update(payload, current));
    });
    const load = (): void => {
      void api.transport.request(request, {}).then((result) => {
        if (!active) return;
        if (result.ok) {
          setValue(result.value as RequestOutput<N>);
          setError(null);
        } else setError(result.error);
      });
    };
    load();
    // After a reconnect the state may have moved on: load it again.
    const stopConnection = api.transport.onConnection((state) => {
      if (state === 'open') load();
    });
    return () => {
      active = false;
      stop();
      stopConnection();
    };
    // `update` is a pure function; re-subscribing on each render would drop events.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, request, event]);
  return { value, error };
}

/**
 * Loads a value with a request, and loads it again whenever `event` says it may have changed
 * (and after every reconnect): for a value main works out, which the event does not carry.
 * `reload` asks again at once (a retry after an error).
 */
export function useReloaded<N extends RequestName>(
  request: N,
  event: EventName,
): { value: RequestOutput<N> | null; error: ErrorData | null; reload: () => void } {
  const api = useApi();
  const [value, setValue] = useState<RequestOutput<N> | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let active = true;
    const load = (): void => {
      void api.transport.request(request, {}).then((result) => {
        if (!active) return;
        if (result.ok) {
          setValue(result.value as RequestOutput<N>);
          setError(null);
        } else setError(result.error);
      });
    };
    load();
    const stop = api.on(event, load);
    const stopConnection = api.transport.onConnection((state) => {
      if (state === 'open') load();
    });
    return () => {
      active = false;
      stop();
      stopConnection();
    };
  }, [api, request, event, attempt]);
  return { value, error, reload: () => setAttempt((count) => count + 1) };
}

export function useConnection(): ConnectionState {
  const api = useApi();
  return useSyncExternalStore(
    (notify) => api.transport.onConnection(notify),
    () => api.transport.connection,
  );
}
