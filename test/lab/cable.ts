import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A network cable between the console and Kamailio that a test can pull: a TCP relay on
 * 127.0.0.1 in front of Kamailio's WebSocket port. Pulling it resets every connection through it
 * and refuses new ones (as a dead switch port does) until it is plugged in again.
 */
export interface Cable {
  /** ws://127.0.0.1:port, to give the console instead of Kamailio's own address. */
  readonly wsUrl: string;
  pull(): void;
  /** Connections stay open but carry nothing any more, either way (a silent outage). */
  stall(): void;
  plugIn(): void;
  close(): Promise<void>;
}

export async function startCable(targetPort: number): Promise<Cable> {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let pulled = false;
  const server: Server = createServer((client) => {
    if (pulled) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the cable has no port');
  return {
    wsUrl: `ws://127.0.0.1:${address.port}`,
    pull() {
      pulled = true;
      for (const socket of [...sockets]) socket.resetAndDestroy();
    },
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        // Keep reading, and let it vanish.
        client.resume();
        upstream.resume();
      }
    },
    plugIn() {
      pulled = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of [...sockets]) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
