import {
  Registerer,
  RegistererState,
  SIPExtension,
  UserAgent,
  type Invitation,
  type SessionDescriptionHandlerFactory,
  type URI,
} from 'sip.js';
import WebSocket from 'ws';
import type { RegistrationProblem, RegistrationState } from '../../shared/contract/calls';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import type { NetworkEvents, PowerEvents } from '../core/system-events';
import type { Unsubscribe } from '../core/disposables';
import type { SipTrace } from './sip-trace';
import { backoffDelayMs, DEFAULT_BACKOFF, ServerRotation, type BackoffOptions } from './backoff';
import {
  callIdOf,
  pingMessage,
  SilentServerError,
  SipWebSocketTransport,
  type SipWebSocketOptions,
} from './ws-transport';
import { Emitter } from '../../shared/emitter';
import { bestEffort, errorFields } from '../core/errors';

export interface SipAccount {
  readonly servers: readonly string[];
  readonly uri: string;
  readonly authUser: string;
  readonly displayName: string;
  readonly expiresSeconds: number;
  readonly pingIntervalSeconds: number;
  /** CA certificates for wss:// (the system store plus policy's extra ones). */
  readonly ca: readonly string[];
}

export interface RegistrationManagerOptions {
  readonly log: Logger;
  readonly clock: Clock;
  readonly power: PowerEvents;
  /** Network changes: reconnect at once when it comes back, check the connection when it moves. */
  readonly network?: NetworkEvents;
  readonly userAgentString: string;
  readonly random?: () => number;
  readonly backoff?: BackoffOptions;
  readonly connectTimeoutMs?: number;
  /** How often to check whether the primary server is back while on another one. */
  readonly failbackIntervalMs?: number;
  /** False while calls are up: the console does not move servers under a call. */
  readonly canChangeServer?: () => boolean;
  /** Incoming calls go here. */
  readonly onInvite?: (invitation: Invitation) => void;
  /** Makes the media bridge for each call. */
  readonly sessionDescriptionHandlerFactory?: SessionDescriptionHandlerFactory;
  /** The diagnostics trace (it keeps nothing while it is off). */
  readonly trace?: SipTrace;
}

const NOT_CONFIGURED: RegistrationState = { state: 'not_configured' };

/** Statuses that will not get better by asking again: no retry until the settings change. */
function permanentProblem(status: number): RegistrationProblem | null {
  if (status === 401 || status === 407) return 'auth_failed';
  if (status === 403 || status === 404) return 'rejected';
  return null;
}

/**
 * Keeps the agent's line registered: sip.js UserAgent and Registerer in main, our own transport,
 * back-off with jitter, failover to the next server and back to the first, a new REGISTER after
 * every reconnect (sip.js does not send one), at once on resume from sleep, and no retry storm
 * when the password is wrong.
 */
export class RegistrationManager {
  private current: RegistrationState = NOT_CONFIGURED;
  private readonly listeners = new Emitter<[state: RegistrationState]>();
  private userAgent: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private transport: SipWebSocketTransport | null = null;
  private rotation: ServerRotation | null = null;
  private account: SipAccount | null = null;
  private password: string | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private failbackTimer: NodeJS.Timeout | null = null;
  private silent = false;
  /** Set while we drop the connection ourselves, so that the drop is not taken for an outage. */
  private droppingOnPurpose = false;
  /** Set while we unregister on purpose (moving back to the primary server). */
  private leaving = false;
  private generation = 0;
  private started = false;
  private readonly stopPower: Unsubscribe;
  private readonly stopNetwork: Unsubscribe;
  private readonly options: RegistrationManagerOptions;

  constructor(options: RegistrationManagerOptions) {
    this.options = options;
    this.stopPower = options.power.onResume(() => {
      if (!this.account) return;
      options.log.info('resumed from sleep: reconnecting now');
      this.reconnectNow();
    });
    this.stopNetwork =
      options.network?.onChange(({ online }) => {
        if (!this.account || !online) return;
        if (this.current.state === 'reconnecting') {
          options.log.info('the network is back: reconnecting now');
          this.reconnectNow();
        } else if (this.current.state === 'registered') {
          // The connection may have died with the old address: a ping tells at once.
          this.transport?.checkNow();
        }
      }) ?? (() => undefined);
  }

  get state(): RegistrationState {
    return this.current;
  }

  /** The running user agent, for the call manager. */
  get agent(): UserAgent | null {
    return this.userAgent;
  }

  onChange(listener: (state: RegistrationState) => void): Unsubscribe {
    return this.listeners.on(listener);
  }

  /** Starts over with a new account (or none). */
  async configure(account: SipAccount | null, password: string | null): Promise<void> {
    await this.teardown();
    this.account = account;
    this.password = password;
    if (!account || account.servers.length === 0) {
      this.setState(NOT_CONFIGURED);
      return;
    }
    this.rotation = new ServerRotation(account.servers);
    this.attempt = 0;
    this.createUserAgent(account, password);
    void this.connect(this.generation);
  }

  /** Try again now: after a failure, on resume, or when the agent asks. */
  reconnectNow(): void {
    if (!this.account || !this.rotation) return;
    this.clearRetry();
    this.attempt = 0;
    this.rotation.backToPrimary();
    const generation = ++this.generation;
    if (this.transport?.isConnected()) {
      this.droppingOnPurpose = true;
      this.transport.drop(new Error('reconnect requested'));
      this.droppingOnPurpose = false;
    }
    void this.connect(generation);
  }

  async stop(): Promise<void> {
    this.stopPower();
    this.stopNetwork();
    await this.teardown();
    this.account = null;
    this.setState(NOT_CONFIGURED);
  }

  private createUserAgent(account: SipAccount, password: string | null): void {
    const uri = UserAgent.makeURI(account.uri) as URI;
    const transportOptions: SipWebSocketOptions = {
      server: () => this.rotation?.current ?? account.servers[0]!,
      ca: account.ca,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 5_000,
      pingIntervalMs: account.pingIntervalSeconds * 1000,
      pingTimeoutMs: Math.min(5_000, Math.max(1_000, account.pingIntervalSeconds * 500)),
      onSilent: () => {
        this.silent = true;
      },
      pingDomain: uri.host,
      ...(this.options.trace ? { trace: (direction, message) => this.options.trace?.record(direction, message) } : {}),
    };
    const log = this.options.log.child('sipjs');
    this.userAgent = new UserAgent({
      uri,
      authorizationUsername: account.authUser || uri.user,
      authorizationPassword: password ?? undefined,
      displayName: account.displayName || undefined,
      userAgentString: this.options.userAgentString,
      transportConstructor: SipWebSocketTransport,
      // Attended transfers arrive as an INVITE with Replaces (RFC 3891).
      sipExtensionReplaces: SIPExtension.Supported,
      // The call manager sends the one 180 Ringing itself, and only for a call it will ring:
      // a declined call gets its 486 without a 180 first.
      sendInitialProvisionalResponse: false,
      transportOptions,
      reconnectionAttempts: 0,
      logBuiltinEnabled: false,
      logLevel: 'warn',
      // sip.js log lines can quote whole messages, with names and numbers: keep only where they came from.
      logConnector: (level, category) => log.debug('sip.js', { level, category }),
      ...(this.options.sessionDescriptionHandlerFactory
        ? { sessionDescriptionHandlerFactory: this.options.sessionDescriptionHandlerFactory }
        : {}),
      delegate: {
        onDisconnect: (error) => {
          if (error) this.connectionLost(error);
        },
        onInvite: (invitation) => {
          if (this.options.onInvite) this.options.onInvite(invitation);
          else void invitation.reject({ statusCode: 480 });
        },
      },
    });
    this.transport = this.userAgent.transport as SipWebSocketTransport;
    this.registerer = new Registerer(this.userAgent, { expires: account.expiresSeconds });
    this.registerer.stateChange.addListener((state) => {
      // A refresh that failed leaves the registerer unregistered while the connection is up.
      if (
        state === RegistererState.Unregistered &&
        this.current.state === 'registered' &&
        this.transport?.isConnected()
      ) {
        this.scheduleRetry('server_error', null);
      }
    });
  }

  private async connect(generation: number): Promise<void> {
    const userAgent = this.userAgent;
    const rotation = this.rotation;
    if (!userAgent || !rotation || generation !== this.generation) return;
    const server = rotation.current;
    this.silent = false;
    this.setState({ state: 'connecting', server });
    try {
      if (this.started) await userAgent.reconnect();
      else {
        this.started = true;
        await userAgent.start();
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.log.info('server unreachable', { server, ...errorFields(error) });
      this.scheduleRetry('unreachable', null);
      return;
    }
    if (generation !== this.generation) return;
    await this.register(generation);
  }

  private async register(generation: number): Promise<void> {
    const registerer = this.registerer;
    const rotation = this.rotation;
    if (!registerer || !rotation) return;
    const server = rotation.current;
    try {
      await registerer.register({
        requestDelegate: {
          onAccept: () => {
            if (generation !== this.generation) return;
            rotation.succeeded();
            this.attempt = 0;
            this.setState({ state: 'registered', server, since: this.options.clock.now() });
            this.options.log.info('registered', { server });
            this.scheduleFailback();
          },
          onReject: (response) => {
            if (generation !== this.generation) return;
            const status = response.message.statusCode ?? 0;
            const permanent = permanentProblem(status);
            this.options.log.warn('registration refused', { server, status });
            if (permanent) {
              const problem = permanent === 'auth_failed' && !this.password ? 'no_password' : permanent;
              this.setState({ state: 'failed', server, problem, status });
            } else this.scheduleRetry('server_error', status);
          },
        },
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.log.warn('register could not be sent', { server, ...errorFields(error) });
      this.scheduleRetry('unreachable', null);
    }
  }

  private connectionLost(error: Error): void {
    if (this.droppingOnPurpose || !this.account || this.current.state === 'failed') return;
    const problem: RegistrationProblem = error instanceof SilentServerError || this.silent ? 'silent' : 'unreachable';
    this.options.log.warn('connection lost', { server: this.transport?.server ?? '', problem });
    this.clearFailback();
    this.generation += 1;
    // A connection that was up is retried on the same server first, after a short pause.
    this.attempt = 0;
    this.waitThenConnect(problem, null, false);
  }

  private scheduleRetry(problem: RegistrationProblem, status: number | null): void {
    this.generation += 1;
    this.clearFailback();
    this.waitThenConnect(problem, status, true);
  }

  private waitThenConnect(problem: RegistrationProblem, status: number | null, serverFailed: boolean): void {
    const rotation = this.rotation;
    if (!rotation) return;
    this.clearRetry();
    const generation = this.generation;
    // A failed server hands over to the next one at once; only a whole failed round (or a
    // connection that was up and dropped) waits for the back-off.
    const wait = serverFailed ? rotation.failed().roundOver : true;
    const delay = wait
      ? backoffDelayMs(this.attempt++, this.options.random ?? Math.random, this.options.backoff ?? DEFAULT_BACKOFF)
      : 0;
    this.setState({
      state: 'reconnecting',
      server: rotation.current,
      retryAt: this.options.clock.now() + delay,
      problem,
      status,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(generation);
    }, delay);
  }

  /** While on a backup server, look now and then whether the primary answers again. */
  private scheduleFailback(): void {
    this.clearFailback();
    const rotation = this.rotation;
    if (!rotation || rotation.isPrimary) return;
    const interval = this.options.failbackIntervalMs ?? 60_000;
    const generation = this.generation;
    this.failbackTimer = setTimeout(() => {
      this.failbackTimer = null;
      void (async () => {
        const domain = this.account ? (UserAgent.makeURI(this.account.uri)?.host ?? '') : '';
        const alive = await probe(rotation.primary, domain, this.account?.ca ?? [], 3_000);
        if (generation !== this.generation || !this.account) return;
        const canChange = this.options.canChangeServer?.() ?? true;
        if (alive && canChange) {
          this.options.log.info('primary server is back: returning to it', { server: rotation.primary });
          await this.leave();
          if (generation === this.generation) this.reconnectNow();
        } else this.scheduleFailback();
      })();
    }, interval);
  }

  /** Unregisters from the current server and waits for its answer (or 2 s), before moving on. */
  private async leave(): Promise<void> {
    const registerer = this.registerer;
    if (!registerer || registerer.state !== RegistererState.Registered) return;
    this.leaving = true;
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        registerer.unregister({ requestDelegate: { onAccept: done, onReject: done } }).catch(done);
      });
    } finally {
      this.leaving = false;
    }
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private clearFailback(): void {
    if (this.failbackTimer) clearTimeout(this.failbackTimer);
    this.failbackTimer = null;
  }

  private async teardown(): Promise<void> {
    this.generation += 1;
    this.clearRetry();
    this.clearFailback();
    const userAgent = this.userAgent;
    const registerer = this.registerer;
    this.userAgent = null;
    this.registerer = null;
    this.transport = null;
    this.started = false;
    if (!userAgent) return;
    // Say goodbye to the registrar when we can, but never hang on a dead connection.
    const goodbye = (async () => {
      if (registerer?.state === RegistererState.Registered && userAgent.isConnected()) {
        this.registerer = registerer;
        await this.leave();
        this.registerer = null;
      }
      await bestEffort(userAgent.stop(), this.options.log, 'the user agent did not stop cleanly');
    })();
    await Promise.race([goodbye, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    await bestEffort(
      (userAgent.transport as SipWebSocketTransport).dispose(),
      this.options.log,
      'the transport did not close cleanly',
    );
  }

  private setState(state: RegistrationState): void {
    if (JSON.stringify(state) === JSON.stringify(this.current)) return;
    this.current = state;
    this.listeners.emit(state);
  }
}

/** Opens a separate connection to `server` and sends one OPTIONS: true when anything answers. */
export function probe(server: string, domain: string, ca: readonly string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const callId = `hd-ping-probe-${Math.random().toString(36).slice(2)}`;
    const socket = new WebSocket(server, 'sip', {
      ca: server.startsWith('wss:') ? [...ca] : undefined,
      handshakeTimeout: timeoutMs,
    });
    const finish = (alive: boolean): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(alive);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('open', () => socket.send(pingMessage(server, domain, 'probe.invalid', callId)));
    socket.on('message', (data) => {
      if (callIdOf(data.toString()) === callId) finish(true);
    });
    socket.on('error', () => finish(false));
  });
}
