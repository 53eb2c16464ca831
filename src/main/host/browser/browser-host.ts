import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeIssues, fail } from '../../../shared/result';
import { clientFrameSchema, WIRE_MAX_FRAME_BYTES, WIRE_PROTOCOL_VERSION, type ServerFrame } from '../../../shared/wire';
import { createApp, type App, type AppTuning } from '../../app';
import { errorFields } from '../../core/errors';
import { makeFolder } from '../../core/folders';
import type { Logger } from '../../core/log';
import { lockDataDir } from '../data-dir-lock';
import { securityHeaders } from '../content-security-policy';
import { createNodePorts, forwardNotifications } from '../node-ports';
import { contentTypeFor, resolveAsset } from '../static-files';

export const LOOPBACK = '127.0.0.1';
export const WEBSOCKET_PATH = '/ws';
/** Requests one tab may have unanswered at once; more are answered `unavailable` at once. */
export const MAX_REQUESTS_IN_FLIGHT = 32;
/**
 * What may wait unsent for one tab (bytes). A tab that stops reading (frozen, debugger paused, a
 * hostile client) is disconnected at this point, not buffered for without bound; a real tab
 * reconnects and loads what it shows afresh.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface BrowserHostOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  readonly policyFile: string | null;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly version: string;
  readonly log: Logger;
  /** Test and benchmark knobs for the core (faster back-off, policy polling). */
  readonly tuning?: AppTuning;
}

export interface BrowserHost {
  readonly port: number;
  readonly origin: string;
  readonly token: string;
  /** The address to open, with the token: what `npm run serve` prints. */
  readonly url: string;
  readonly app: App;
  close(): Promise<void>;
}

const TOO_MANY_REQUESTS = `More than ${MAX_REQUESTS_IN_FLIGHT} requests from this tab are waiting for an answer; try again when they are answered.`;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request target as a URL, or null when it is not one (`//`, `http://x:99999/`, …). */
function requestUrl(target: string | undefined, origin: string): URL | null {
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, origin);
  } catch {
    return null;
  }
}

function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * `npm run serve`: the same main-process services as the Electron app, in plain Node, with the
 * contract carried over a WebSocket on 127.0.0.1. Any web page the user opens could try to reach
 * a local port, so the socket accepts only this origin with this run's random token, and every
 * HTTP request must name this host (no DNS rebinding).
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log;
  await makeFolder(options.dataDir);
  const lock = await lockDataDir(options.dataDir, 'browser host');
  let ports: Awaited<ReturnType<typeof createNodePorts>>;
  let app: App;
  try {
    // Under the lock: opening the secret store may move secrets an earlier version left here.
    ports = await createNodePorts(options);
    app = await createApp(ports, options.tuning);
  } catch (error) {
    await lock.release();
    throw error;
  }
  forwardNotifications(ports.notifier, app.events);

  const token = randomBytes(32).toString('base64url');
  let origin = '';
  let hostHeader = '';

  const server = createServer((request, response) => {
    serveAsset(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, securityHeaders());
      response.end();
    });
  });

  async function serveAsset(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers = securityHeaders();
    if (request.headers.host !== hostHeader) {
      response.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = requestUrl(request.url, origin);
    if (!url) {
      response.writeHead(400, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request');
      return;
    }
    const path = resolveAsset(options.rendererDir, url.pathname);
    const stat = path ? await fs.stat(path).catch(() => null) : null;
    if (!path || !stat?.isFile()) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    response.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeFor(path),
      'Content-Length': String(stat.size),
      'Cache-Control': path.endsWith('.html') ? 'no-store' : 'no-cache',
    });
    if (request.method === 'HEAD') response.end();
    else {
      const stream = createReadStream(path);
      stream.on('error', () => response.destroy());
      stream.pipe(response);
    }
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: WIRE_MAX_FRAME_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(request.url, origin);
    if (!url) return refuseUpgrade(socket, 400, 'Bad Request');
    if (url.pathname !== WEBSOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (request.headers.host !== hostHeader || request.headers.origin !== origin) {
      log.warn('websocket refused: foreign origin');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (!sameSecret(url.searchParams.get('token') ?? '', token)) {
      log.warn('websocket refused: missing or wrong token');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    sockets.handleUpgrade(request, socket, head, (ws) => connectRenderer(ws));
  });

  function connectRenderer(ws: WebSocket): void {
    const clientId = `tab-${randomUUID()}`;
    let inFlight = 0;
    const send = (frame: ServerFrame): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        log.warn('websocket dropped: the tab does not read what it is sent', { client: clientId });
        ws.terminate();
        return;
      }
      let text: string;
      try {
        text = JSON.stringify(frame);
      } catch (error) {
        log.error('a frame could not be written', { client: clientId, ...errorFields(error) });
        return;
      }
      ws.send(text);
    };
    send({ type: 'hello', protocol: WIRE_PROTOCOL_VERSION, clientId });
    const detach = app.attach({ id: clientId, send: (name, payload) => send({ type: 'event', name, payload }) });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ type: 'protocol_error', message: 'expected a JSON text frame' });
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(data.toString());
      } catch {
        return send({ type: 'protocol_error', message: 'frame is not valid JSON' });
      }
      const frame = clientFrameSchema.safeParse(parsedJson);
      if (!frame.success) return send({ type: 'protocol_error', message: describeIssues(frame.error, 'frame') });
      const { id, name, input } = frame.data;
      if (inFlight >= MAX_REQUESTS_IN_FLIGHT)
        return send({ type: 'response', id, result: fail('unavailable', TOO_MANY_REQUESTS) });
      inFlight += 1;
      app
        .dispatch(name, input, { clientId })
        // The router answers everything with a Result; this is for what nobody foresaw.
        .catch((error: unknown) => {
          log.error('a request was not answered', { client: clientId, ...errorFields(error) });
          return fail('internal', 'The request failed unexpectedly; details are in the log.');
        })
        .then((result) => send({ type: 'response', id, result }))
        .finally(() => (inFlight -= 1))
        .catch(() => undefined);
    });
    ws.on('close', detach);
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await app.close();
    await lock.release();
    throw error;
  });

  const port = (server.address() as AddressInfo).port;
  hostHeader = `${LOOPBACK}:${port}`;
  origin = `http://${hostHeader}`;

  let closing: Promise<void> | null = null;
  return {
    port,
    origin,
    token,
    url: `${origin}/?token=${token}`,
    app,
    close() {
      closing ??= (async () => {
        for (const client of sockets.clients) {
          client.close(1001, 'host shutting down');
          client.terminate();
        }
        sockets.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        ports.power.stop();
        ports.network.stop();
        await app.close();
        await lock.release();
      })();
      return closing;
    },
  };
}
