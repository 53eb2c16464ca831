import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  callIdOf,
  SilentServerError,
  SIP_MAX_MESSAGE_BYTES,
  SipWebSocketTransport,
} from '../../src/main/telephony/ws-transport';

const servers: WebSocketServer[] = [];

async function sipServer(answerPings: () => boolean): Promise<string> {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  servers.push(server);
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const text = data.toString();
      if (!text.startsWith('OPTIONS ') || !answerPings()) return;
      socket.send(`SIP/2.0 200 OK\r\nCall-ID: ${callIdOf(text)}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`);
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

function transport(server: string, onSilent: () => void = () => undefined): SipWebSocketTransport {
  return new SipWebSocketTransport(null, {
    server: () => server,
    ca: [],
    connectTimeoutMs: 2_000,
    pingIntervalMs: 100,
    pingTimeoutMs: 200,
    onSilent,
    pingDomain: '127.0.0.1',
  });
}

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('SIP WebSocket transport: OPTIONS pings', () => {
  it('stays connected while the server answers, and hides the ping answers from sip.js', async () => {
    const url = await sipServer(() => true);
    const sip = transport(url);
    const seen: string[] = [];
    sip.onMessage = (message) => seen.push(message);
    await sip.connect();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(sip.isConnected()).toBe(true);
    expect(seen).toEqual([]);
    await sip.dispose();
  });

  it('drops a connection that went silent without a reset, and says why', async () => {
    let answering = true;
    const url = await sipServer(() => answering);
    let silent = 0;
    const sip = transport(url, () => (silent += 1));
    const lost = new Promise<Error | undefined>((resolve) => (sip.onDisconnect = resolve));
    await sip.connect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sip.isConnected()).toBe(true);
    answering = false;
    const error = await lost;
    expect(error).toBeInstanceOf(SilentServerError);
    expect(silent).toBe(1);
    expect(sip.isConnected()).toBe(false);
  });

  it('takes a SIP message of up to 1 MiB, and drops a server that sends a larger frame', async () => {
    const url = await sipServer(() => true);
    const sip = transport(url);
    const seen: number[] = [];
    sip.onMessage = (message) => seen.push(message.length);
    const lost = new Promise<Error | undefined>((resolve) => (sip.onDisconnect = resolve));
    await sip.connect();
    const [socket] = servers.at(-1)!.clients;
    const message = (size: number) => `MESSAGE sip:a@b SIP/2.0\r\nCall-ID: big\r\n\r\n`.padEnd(size, 'x');
    socket!.send(message(64 * 1024));
    await expect.poll(() => seen).toEqual([64 * 1024]);
    socket!.send(message(SIP_MAX_MESSAGE_BYTES + 1));
    await lost;
    expect(sip.isConnected()).toBe(false);
    expect(seen).toEqual([64 * 1024]);
  });

  it('refuses a server that does not speak the sip subprotocol', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    const sip = transport(`ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    await expect(sip.connect()).rejects.toThrow(/subprotocol/);
  });
});
