import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

/**
 * The built browser host (`npm run serve`'s entry, out/main/browser-host.js) as its own process,
 * with Node's inspector on a loopback port: a test can ask the host process itself, through the
 * DevTools protocol, to collect garbage and say how much memory it holds, and so see whether
 * something a client sent stayed behind. The host's code is not changed for this.
 */
export interface InspectedHost {
  readonly port: number;
  readonly token: string;
  readonly origin: string;
  readonly pid: number;
  /** The host's heap in use after a full garbage collection, and its resident set (bytes). */
  memory(): Promise<{ heapUsed: number; rss: number }>;
  /** True while the process runs. */
  alive(): boolean;
  stop(): Promise<void>;
}

function inspectorSession(url: string) {
  const socket = new WebSocket(url);
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    async send(method: string, params: object = {}): Promise<unknown> {
      await opened;
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

export async function startInspectedHost(dataDir: string): Promise<InspectedHost> {
  const entry = join(process.cwd(), 'out', 'main', 'browser-host.js');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--inspect=127.0.0.1:0', entry, '--port', '0', '--data-dir', dataDir, '--log-level', 'error'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const inspectorUrl = new Promise<string>((resolve) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  const line = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
    exited.then((code) => {
      throw new Error(`the browser host exited with ${code}`);
    }),
  ]);
  const url = new URL(line.slice(line.indexOf('http')));
  const inspector = inspectorSession(await inspectorUrl);
  return {
    port: Number(url.port),
    token: url.searchParams.get('token') ?? '',
    origin: url.origin,
    pid: child.pid!,
    async memory() {
      await inspector.send('HeapProfiler.collectGarbage');
      const result = (await inspector.send('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value: string } };
      const usage = JSON.parse(result.result.value) as { heapUsed: number; rss: number };
      return { heapUsed: usage.heapUsed, rss: usage.rss };
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      inspector.close();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
