import { randomBytes } from 'node:crypto';
import { EmitterImpl, TransportState, type Emitter, type Transport } from 'sip.js';
import WebSocket from 'ws';

/**
 * sip.js's own WebSocket transport relies on a global WebSocket that cannot be given the CA
 * certificates of an internal PBX, and its CRLF keep-alive never notices a connection that went
 * silent without a reset. This transport uses `ws` (with the CAs we choose) and checks the server
 * with SIP OPTIONS pings: a ping left unanswered closes the connection, so the registration
 * manager reconnects.
 */
export interface SipWebSocketOptions {
  /** The server to connect to now; asked at every connect, so the manager can fail over. */
  readonly server: () => string;
  /** CA certificates trusted for wss:// (PEM). */
  readonly ca: readonly string[];
  readonly connectTimeoutMs: number;
  /** How often to ping, and how long to wait for any answer. 0 turns pings off. */
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  /** Called when a ping went unanswered, before the connection is dropped. */
  readonly onSilent: () => void;
  /** The SIP domain the pings are addressed to (the account's), so the server takes them as its own. */
  readonly pingDomain: string;
  /** Sees every SIP message in and out (not the pings), for the diagnostics trace. */
  readonly trace?: (direction: 'in' | 'out', message: string) => void;
}

/** The largest SIP message accepted from a server (bytes): a larger frame closes the connection. */
export const SIP_MAX_MESSAGE_BYTES = 1024 * 1024;

export class TransportClosedError extends Error {}
export class SilentServerError extends Error {}

const PING_CALL_ID_PREFIX = 'hd-ping-';

function token(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function callIdOf(message: string): string | null {
  const match = /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(message);
  return match ? match[1]! : null;
}

/** Minimal out-of-dialog OPTIONS to the SIP domain; any response at all proves the server is alive. */
export function pingMessage(server: string, domain: string, viaHost: string, callId: string): string {
  const protocol = server.startsWith('wss:') ? 'WSS' : 'WS';
  const target = `sip:${domain}`;
  return [
    `OPTIONS ${target} SIP/2.0`,
    `Via: SIP/2.0/${protocol} ${viaHost};branch=z9hG4bK${token()};rport`,
    'Max-Forwards: 70',
    `To: <${target}>`,
    `From: <sip:keepalive@${viaHost}>;tag=${token(4)}`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'User-Agent: Hotline Desk',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

export class SipWebSocketTransport implements Transport {
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;

  private socket: WebSocket | null = null;
  private currentServer = '';
  private readonly stateEmitter = new EmitterImpl<TransportState>();
  private currentState = TransportState.Disconnected;
  private pingTimer: NodeJS.Timeout | null = null;
  private pingDeadline: NodeJS.Timeout | null = null;
  private pendingPing: string | null = null;
  private readonly viaHost = `${token(6)}.invalid`;
  private readonly options: SipWebSocketOptions;

  constructor(_logger: unknown, options: SipWebSocketOptions) {
    this.options = options;
  }

  get protocol(): string {
    return this.currentServer.startsWith('wss:') ? 'WSS' : 'WS';
  }

  get state(): TransportState {
    return this.currentState;
  }

  get stateChange(): Emitter<TransportState> {
    return this.stateEmitter;
  }

  /** The server of the open (or opening) connection. */
  get server(): string {
    return this.currentServer;
  }

  isConnected(): boolean {
    return this.currentState === TransportState.Connected;
  }

  connect(): Promise<void> {
    if (this.socket) this.dropSocket();
    const server = this.options.server();
    this.currentServer = server;
    this.setState(TransportState.Connecting);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const socket = new WebSocket(server, 'sip', {
        ca: server.startsWith('wss:') ? [...this.options.ca] : undefined,
        handshakeTimeout: this.options.connectTimeoutMs,
        perMessageDeflate: false,
        // A SIP message is a few KiB (an INVITE with SDP about 3); ws would take 100 MiB frames.
        maxPayload: SIP_MAX_MESSAGE_BYTES,
      });
      this.socket = socket;
      socket.on('open', () => {
        if (socket.protocol !== 'sip') {
          settled = true;
          this.dropSocket();
          this.setState(TransportState.Disconnected);
          reject(new TransportClosedError(`${server} did not agree to the "sip" subprotocol`));
          return;
        }
        settled = true;
        this.setState(TransportState.Connected);
        this.startPings();
        resolve();
        this.onConnect?.();
      });
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
        if (this.isPingResponse(text)) return;
        this.options.trace?.('in', text);
        this.onMessage?.(text);
      });
      socket.on('error', (error) => {
        if (!settled) {
          settled = true;
          this.dropSocket();
          this.setState(TransportState.Disconnected);
          reject(error);
        }
      });
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.dropSocket();
        if (!settled) {
          settled = true;
          this.setState(TransportState.Disconnected);
          reject(new TransportClosedError(`${server} closed the connection`));
          return;
        }
        const wasUp = this.currentState === TransportState.Connected;
        this.setState(TransportState.Disconnected);
        if (wasUp) this.onDisconnect?.(new TransportClosedError(`the connection to ${server} was lost`));
      });
    });
  }

  async disconnect(): Promise<void> {
    if (!this.socket) return;
    this.setState(TransportState.Disconnecting);
    const socket = this.socket;
    this.dropSocket();
    socket.close(1000);
    this.setState(TransportState.Disconnected);
    this.onDisconnect?.();
  }

  async dispose(): Promise<void> {
    await this.disconnect();
    this.stateEmitter.removeAllListeners();
  }

  send(message: string): Promise<void> {
    if (!message.includes(PING_CALL_ID_PREFIX)) this.options.trace?.('out', message);
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TransportClosedError('not connected'));
    }
    return new Promise((resolve, reject) => socket.send(message, (error) => (error ? reject(error) : resolve())));
  }

  /** Drops the connection at once, as if the network had (used on resume from sleep and network change). */
  drop(reason: Error): void {
    const socket = this.socket;
    if (!socket) return;
    const wasUp = this.currentState === TransportState.Connected;
    this.dropSocket();
    socket.terminate();
    this.setState(TransportState.Disconnected);
    if (wasUp) this.onDisconnect?.(reason);
  }

  private setState(state: TransportState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.emit(state);
  }

  private dropSocket(): void {
    this.stopPings();
    const socket = this.socket;
    this.socket = null;
    socket?.removeAllListeners('message');
  }

  private startPings(): void {
    this.stopPings();
    if (this.options.pingIntervalMs <= 0) return;
    this.pingTimer = setInterval(() => this.ping(), this.options.pingIntervalMs);
    this.pingTimer.unref();
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pingDeadline) clearTimeout(this.pingDeadline);
    this.pingTimer = null;
    this.pingDeadline = null;
    this.pendingPing = null;
  }

  /** Pings now, out of turn (after a network change): an unanswered ping drops the connection. */
  checkNow(): void {
    this.ping();
  }

  private ping(): void {
    if (this.pendingPing || !this.isConnected()) return;
    const callId = `${PING_CALL_ID_PREFIX}${token()}`;
    this.pendingPing = callId;
    void this.send(pingMessage(this.currentServer, this.options.pingDomain, this.viaHost, callId)).catch(
      () => undefined,
    );
    this.pingDeadline = setTimeout(() => {
      if (this.pendingPing !== callId) return;
      this.options.onSilent();
      this.drop(
        new SilentServerError(`${this.currentServer} did not answer a ping within ${this.options.pingTimeoutMs} ms`),
      );
    }, this.options.pingTimeoutMs);
    this.pingDeadline.unref();
  }

  private isPingResponse(text: string): boolean {
    if (!text.startsWith('SIP/2.0 ')) return false;
    const callId = callIdOf(text);
    if (!callId?.startsWith(PING_CALL_ID_PREFIX)) return false;
    if (callId === this.pendingPing) {
      this.pendingPing = null;
      if (this.pingDeadline) clearTimeout(this.pingDeadline);
      this.pingDeadline = null;
    }
    return true;
  }
}
