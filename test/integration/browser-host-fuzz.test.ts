import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REQUEST_NAMES } from '../../src/shared/contract';
import { SETTING_KEYS } from '../../src/shared/settings';
import { WIRE_MAX_FRAME_BYTES, type ServerFrame } from '../../src/shared/wire';
import { MAX_REQUESTS_IN_FLIGHT } from '../../src/main/host/browser/browser-host';
import { startInspectedHost, type InspectedHost } from '../support/inspected-host';
import { seededRandom, type SeededRandom } from '../support/random';
import { suiteTempDir } from '../support/temp';

/**
 * Hostile frames against the real browser host (the built `npm run serve`, its own process):
 * whatever an authenticated tab sends, the host answers or refuses it, never crashes, never hangs
 * and never keeps what it was sent. Its memory is read from the host process itself (after a full
 * garbage collection, through Node's inspector) before and after.
 */

type Response = Extract<ServerFrame, { type: 'response' }>;

/**
 * The state of the host's end of a loopback TCP connection (from /proc/net/tcp): 'established',
 * another state's code, or 'gone'.
 */
async function serverSocketState(serverPort: number, clientPort: number): Promise<string> {
  const table = await readFile('/proc/net/tcp', 'utf8');
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of table.split('\n').slice(1)) {
    const [, local, remote, state] = line.trim().split(/\s+/);
    if (local?.endsWith(`:${hex(serverPort)}`) && remote?.endsWith(`:${hex(clientPort)}`))
      return state === '01' ? 'established' : `state ${state}`;
  }
  return 'gone';
}

class Client {
  readonly frames: ServerFrame[] = [];
  closedWith: number | null = null;
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as ServerFrame));
    socket.on('close', (code) => (this.closedWith = code));
    socket.on('error', () => undefined);
  }

  static async open(host: InspectedHost): Promise<Client> {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin });
    const client = new Client(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Sends a request frame (input as JSON text, so that it can be anything) and returns its id. */
  send(name: string, inputJson: string): number {
    const id = this.nextId++;
    this.socket.send(`{"type":"request","id":${id},"name":${JSON.stringify(name)},"input":${inputJson}}`);
    return id;
  }

  responses(): Response[] {
    return this.frames.filter((frame): frame is Response => frame.type === 'response');
  }

  async answered(count: number, timeoutMs = 60_000): Promise<Response[]> {
    await expect
      .poll(() => this.responses().length, { timeout: timeoutMs, interval: 50 })
      .toBeGreaterThanOrEqual(count);
    return this.responses();
  }

  close(): void {
    this.socket.terminate();
  }
}

/** JSON nested `depth` levels deep, as objects ({"all":[…]}, the shape of intake conditions) or arrays. */
function nested(depth: number, kind: 'object' | 'array' | 'condition'): string {
  const leaf = kind === 'condition' ? '{"field":"callType","equals":"data_call"}' : '1';
  const [open, close] = kind === 'object' ? ['{"a":', '}'] : kind === 'array' ? ['[', ']'] : ['{"all":[', ']}'];
  return open.repeat(depth) + leaf + close.repeat(depth);
}

const DEPTHS = [2, 8, 9, 16, 64, 512, 1_000, 4_096, 20_000, 60_000];

/** Inputs of every wrong kind, as JSON text. */
function hostileInputs(random: SeededRandom): string[] {
  const huge = (length: number) => JSON.stringify('ü'.repeat(length));
  return [
    'null',
    '0',
    '-1e308',
    '""',
    'true',
    '[]',
    '{}',
    huge(100_000),
    `{"key":${huge(200_000)}}`,
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    '{"key":"__proto__","value":{"polluted":true}}',
    '{"callId":{"toString":"x"},"constructor":1}',
    `{"${'k'.repeat(10_000)}":1}`,
    `[${Array.from({ length: 50_000 }, () => random.int(10)).join(',')}]`,
    ...DEPTHS.flatMap((depth) => [nested(depth, 'object'), nested(depth, 'array')]),
  ];
}

/** settings.update for every key, with a value of a random wrong shape, and deep intake forms. */
function hostileSettings(random: SeededRandom): string[] {
  const values = ['null', '-1', '1e9', '"x"', '[]', '{}', '[{"a":1}]', nested(300, 'array')];
  const frames = SETTING_KEYS.map((key) => JSON.stringify({ key, value: null }).replace('null', random.pick(values)));
  for (const depth of DEPTHS)
    frames.push(
      `{"key":"intake.form","value":{"id":"x","version":1,"personalDataWhen":${nested(depth, 'condition')}}}`,
    );
  return frames;
}

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'callId',
  'key',
  'value',
  'values',
  'query',
  'range',
  'filter',
  'id',
  'sdp',
  'requestId',
  'op',
  'ok',
  'tones',
  'status',
  'x',
];

/** A random JSON value: any type, keys the contract uses and prototype keys, nested up to `depth`. */
function randomJson(random: SeededRandom, depth: number): string {
  const roll = random.int(depth > 0 ? 9 : 6);
  switch (roll) {
    case 0:
      return 'null';
    case 1:
      return random.pick(['true', 'false']);
    case 2:
      return random.pick(['0', '-1', '1.5', '1e308', '-1e-308', String(2 ** 53 + 1), String(random.int(1e9))]);
    case 3:
      return JSON.stringify(String.fromCharCode(...Array.from({ length: random.int(300) }, () => random.int(0x2fff))));
    case 4:
      return JSON.stringify(random.pick(['', 'de', 'available', 'sip:1001@127.0.0.1', '2026-02-30', 'x'.repeat(70)]));
    case 5:
      return JSON.stringify(random.pick(SETTING_KEYS));
    case 6:
      return `[${Array.from({ length: random.int(5) }, () => randomJson(random, depth - 1)).join(',')}]`;
    default:
      return `{${Array.from(
        { length: 1 + random.int(4) },
        () => `${JSON.stringify(random.pick(KEYS))}:${randomJson(random, depth - 1)}`,
      ).join(',')}}`;
  }
}

/** Frames that are not even requests. */
function hostileFrames(random: SeededRandom): string[] {
  return [
    '',
    'not json',
    '{',
    '"just a string"',
    '[]',
    '{"type":"request"}',
    '{"type":"request","id":-1,"name":"app.info","input":{}}',
    '{"type":"request","id":1e300,"name":"app.info","input":{}}',
    `{"type":"request","id":1,"name":"${'x'.repeat(300)}","input":{}}`,
    '{"type":"response","id":1,"result":{"ok":true}}',
    '{"type":"request","id":1,"name":"app.info","input":{},"extra":1}',
    nested(50_000, 'array'),
    JSON.stringify({ type: 'request', id: 1, name: 'app.info', input: random.bytes(64) }),
  ];
}

describe('the browser host under hostile frames', () => {
  let host: InspectedHost;
  const figures: Record<string, number | string> = {};

  beforeAll(async () => {
    host = await startInspectedHost(await suiteTempDir());
  });

  afterAll(async () => {
    await host?.stop();
    process.stdout.write(`browser host fuzz figures: ${JSON.stringify(figures)}\n`);
  });

  it('answers every hostile request with a Result, and refuses non-requests with a protocol error', async () => {
    const random = seededRandom(14);
    const client = await Client.open(host);
    const base = await host.memory();
    figures.heapBeforeMiB = +(base.heapUsed / 2 ** 20).toFixed(1);
    figures.rssBeforeMiB = +(base.rss / 2 ** 20).toFixed(1);

    let requests = 0;
    let bytes = 0;
    const inputs = hostileInputs(random);
    // Every request of the contract with every kind of wrong input, a few at a time (the host
    // answers what is over its in-flight limit with `unavailable`; that is tested below).
    const batch: [string, string][] = [];
    for (const name of [...REQUEST_NAMES, 'nope', '__proto__', 'constructor', 'app.info.x'])
      for (const input of inputs) batch.push([name, input]);
    for (const input of hostileSettings(random)) batch.push(['settings.update', input]);
    // And random inputs of every type and shape for random requests of the contract.
    for (let i = 0; i < 3_000; i++) batch.push([random.pick(REQUEST_NAMES), randomJson(random, 1 + random.int(12))]);
    for (let start = 0; start < batch.length; start += 16) {
      for (const [name, input] of batch.slice(start, start + 16)) {
        client.send(name, input);
        requests += 1;
        bytes += input.length;
      }
      await client.answered(Math.min(requests, batch.length));
    }
    const responses = client.responses();
    expect(responses).toHaveLength(batch.length);
    // Nothing hostile was carried out: every answer is a refusal that says why, or a request
    // that takes no input (app.info, calls.list, …) answered as usual.
    const codes = new Map<string, number>();
    for (const response of responses) {
      const code = response.result.ok ? 'ok' : response.result.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!response.result.ok) expect(response.result.error.message.length).toBeLessThan(5_000);
    }
    expect([...codes.keys()].sort()).toEqual(expect.arrayContaining(['invalid_input', 'unknown_request']));
    expect(codes.has('internal')).toBe(false);

    for (const frame of hostileFrames(random)) {
      client.socket.send(frame);
      requests += 1;
      bytes += frame.length;
    }
    await expect
      .poll(() => client.frames.filter((frame) => frame.type === 'protocol_error').length)
      .toBeGreaterThanOrEqual(8);
    // A binary frame, and a frame over the wire limit (the socket is closed: 1009, too big).
    client.socket.send(Buffer.from([0, 1, 2]));
    const big = await Client.open(host);
    big.socket.send('x'.repeat(WIRE_MAX_FRAME_BYTES + 1));
    await expect.poll(() => big.closedWith).toBe(1009);
    figures.frames = requests;
    figures.frameMiB = +(bytes / 2 ** 20).toFixed(1);

    // The settings were not changed by any of it, and nothing was polluted.
    const after = await Client.open(host);
    const id = after.send('settings.get', '{}');
    const [settings] = (await after.answered(1)).filter((response) => response.id === id);
    expect(settings?.result).toMatchObject({
      ok: true,
      value: { values: { 'ui.language': 'de', 'intake.form': null } },
    });
    expect(JSON.stringify(settings?.result)).not.toContain('polluted');
    client.close();
    after.close();
    expect(host.alive()).toBe(true);
  });

  it(`answers a flood at once: up to ${MAX_REQUESTS_IN_FLIGHT} in flight per tab, the rest "unavailable", each exactly once`, async () => {
    const client = await Client.open(host);
    const count = 2_000;
    // KPI reports run in a worker and take a while: they keep requests in flight.
    for (let i = 0; i < count; i++)
      client.send('reports.kpi', '{"range":{"from":"2020-01-01","to":"2030-12-31"},"filter":{"outcomes":[]}}');
    const responses = await client.answered(count, 120_000);
    expect(new Set(responses.map((response) => response.id)).size).toBe(count);
    const refused = responses.filter((response) => !response.result.ok && response.result.error.code === 'unavailable');
    const messages = new Set(refused.map((response) => (response.result.ok ? '' : response.result.error.message)));
    expect([...messages].some((message) => message.includes(`More than ${MAX_REQUESTS_IN_FLIGHT} requests`))).toBe(
      true,
    );
    expect([...messages].some((message) => message.includes('reports are being worked out already'))).toBe(true);
    figures.floodAnswered = responses.length;
    figures.floodRefused = refused.length;
    client.close();
  });

  it('disconnects a tab that stops reading instead of buffering for it, and stays up for the others', async () => {
    const stalled = await Client.open(host);
    const clientPort = (stalled.socket as unknown as { _socket: { localPort: number } })._socket.localPort;
    stalled.socket.pause();
    // The default form, about 30 KB per answer: far more than any socket buffer holds. A few at a
    // time, so that they are answered with the form and not refused for being too many at once.
    const sent = 3_000;
    for (let i = 0; i < sent; i += 16) {
      for (let j = 0; j < 16; j++) stalled.send('intake.form', '{}');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The host's side of that connection leaves ESTABLISHED: it was dropped, not buffered for.
    await expect
      .poll(() => serverSocketState(host.port, clientPort), { timeout: 60_000, interval: 250 })
      .not.toBe('established');
    // Meanwhile other tabs are served.
    const other = await Client.open(host);
    const id = other.send('app.info', '{}');
    expect((await other.answered(1)).some((response) => response.id === id && response.result.ok)).toBe(true);
    stalled.socket.resume();
    await expect.poll(() => stalled.closedWith, { timeout: 30_000 }).not.toBeNull();
    expect(stalled.responses().length).toBeLessThan(sent);
    figures.stalledAnsweredBeforeDrop = stalled.responses().length;
    other.close();
  });

  it('still answers afterwards, and its memory is back near where it started', async () => {
    const client = await Client.open(host);
    const id = client.send('app.info', '{}');
    const [info] = (await client.answered(1)).filter((response) => response.id === id);
    expect(info?.result).toMatchObject({ ok: true, value: { name: 'Hotline Desk' } });
    client.close();
    // Closed sockets and finished jobs are collected: the heap comes back to its start.
    let end = await host.memory();
    await expect
      .poll(
        async () => {
          end = await host.memory();
          return end.heapUsed;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeLessThan(Number(figures.heapBeforeMiB) * 2 ** 20 + 16 * 2 ** 20);
    figures.heapAfterMiB = +(end.heapUsed / 2 ** 20).toFixed(1);
    figures.rssAfterMiB = +(end.rss / 2 ** 20).toFixed(1);
    expect(host.alive()).toBe(true);
  });
});
