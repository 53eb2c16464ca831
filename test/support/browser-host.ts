import { join } from 'node:path';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost } from '../../src/main/host/browser/browser-host';
import type { ServerFrame } from '../../src/shared/wire';
import { recordingLogger } from './logs';

export const RENDERER_DIR = join(process.cwd(), 'out', 'renderer');

export async function startHost(dataDir: string, policyFile: string | null = null): Promise<BrowserHost> {
  return startBrowserHost({
    port: 0,
    dataDir,
    policyFile,
    rendererDir: RENDERER_DIR,
    version: '0.0.0-test',
    log: recordingLogger(),
  });
}

/** A WebSocket client of the wire protocol, as a test sees it. */
export class WireClient {
  readonly frames: ServerFrame[] = [];
  private nextId = 1;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerFrame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(host: BrowserHost, options: { token?: string; origin?: string } = {}): Promise<WireClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${options.token ?? host.token}`, {
      origin: options.origin ?? host.origin,
    });
    const client = new WireClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await client.next((frame) => frame.type === 'hello');
    return client;
  }

  /** Waits for the first frame (received so far or later) that matches. */
  async next<F extends ServerFrame>(match: (frame: ServerFrame) => frame is F): Promise<F>;
  async next(match: (frame: ServerFrame) => boolean): Promise<ServerFrame>;
  async next(match: (frame: ServerFrame) => boolean): Promise<ServerFrame> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no matching frame within 10 s');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  async request(name: string, input: unknown = {}): Promise<Extract<ServerFrame, { type: 'response' }>['result']> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ type: 'request', id, name, input }));
    const response = await this.next((frame) => frame.type === 'response' && frame.id === id);
    return (response as Extract<ServerFrame, { type: 'response' }>).result;
  }

  close(): void {
    this.socket.close();
  }
}

/** Tries a WebSocket upgrade and reports the HTTP status the server answered with. */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}
