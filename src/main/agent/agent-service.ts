import { join } from 'node:path';
import { agentStateSchema, type AgentState } from '../../shared/contract/agent';
import { AppError } from '../../shared/result';
import { readTextIfExists, writeFileAtomic } from '../core/files';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import type { Unsubscribe } from '../core/disposables';
import { Emitter } from '../../shared/emitter';

export const AGENT_FILE = 'agent.json';

export interface AgentServiceOptions {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** After-call work after each answered call, in seconds (0: none). */
  readonly wrapUpSeconds: () => number;
  /** True while calls are up: signing out is refused then. */
  readonly hasCalls: () => boolean;
}

/**
 * Who works at this console and whether they take calls. Kept on disk, so that a crash or a
 * reload in the middle of a shift keeps the agent signed in.
 */
export class AgentService {
  private current: AgentState;
  private wrapUpTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Emitter<[state: AgentState]>();
  private readonly options: AgentServiceOptions;
  private readonly file: string;

  private constructor(options: AgentServiceOptions, initial: AgentState) {
    this.options = options;
    this.file = join(options.dataDir, AGENT_FILE);
    this.current = initial;
  }

  static async open(options: AgentServiceOptions): Promise<AgentService> {
    const text = await readTextIfExists(join(options.dataDir, AGENT_FILE));
    const offline: AgentState = { agent: null, status: 'offline', since: options.clock.now(), wrapUpEndsAt: null };
    let initial = offline;
    if (text !== null) {
      const parsed = agentStateSchema.safeParse(parseJson(text));
      if (parsed.success) initial = parsed.data;
      else options.log.warn('agent file unreadable; starting signed out');
    }
    const service = new AgentService(options, initial);
    // After-call work that ran out while the app was closed is over.
    if (initial.status === 'after_call_work') service.resumeWrapUp();
    return service;
  }

  get state(): AgentState {
    return this.current;
  }

  /** True when an incoming call may ring: someone is signed in and available. */
  get acceptsCalls(): boolean {
    return this.current.agent !== null && this.current.status === 'available';
  }

  get code(): string | null {
    return this.current.agent?.code ?? null;
  }

  onChange(listener: (state: AgentState) => void): Unsubscribe {
    return this.listeners.on(listener);
  }

  async signIn(code: string, name: string): Promise<AgentState> {
    if (this.options.hasCalls())
      throw new AppError('conflict', 'Finish the calls in progress before another agent signs in.');
    this.options.log.info('agent signed in', { agent: code });
    return this.set({
      agent: { code, name },
      status: 'available',
      since: this.options.clock.now(),
      wrapUpEndsAt: null,
    });
  }

  async signOut(): Promise<AgentState> {
    if (this.options.hasCalls()) throw new AppError('conflict', 'Finish the calls in progress before signing out.');
    this.options.log.info('agent signed out', { agent: this.code });
    return this.set({ agent: null, status: 'offline', since: this.options.clock.now(), wrapUpEndsAt: null });
  }

  async setStatus(status: 'available' | 'break' | 'offline'): Promise<AgentState> {
    if (!this.current.agent) throw new AppError('conflict', 'Sign in first.');
    return this.set({ ...this.current, status, since: this.options.clock.now(), wrapUpEndsAt: null });
  }

  /** An answered call ended: after-call work for the configured time, then available again. */
  async callEnded(): Promise<void> {
    const seconds = this.options.wrapUpSeconds();
    if (!this.current.agent || this.current.status !== 'available' || seconds <= 0) return;
    const now = this.options.clock.now();
    await this.set({ ...this.current, status: 'after_call_work', since: now, wrapUpEndsAt: now + seconds * 1000 });
  }

  close(): void {
    if (this.wrapUpTimer) clearTimeout(this.wrapUpTimer);
    this.wrapUpTimer = null;
  }

  private async set(next: AgentState): Promise<AgentState> {
    await writeFileAtomic(this.file, JSON.stringify(next));
    this.current = next;
    this.resumeWrapUp();
    this.listeners.emit(next);
    return next;
  }

  private resumeWrapUp(): void {
    if (this.wrapUpTimer) clearTimeout(this.wrapUpTimer);
    this.wrapUpTimer = null;
    const endsAt = this.current.wrapUpEndsAt;
    if (this.current.status !== 'after_call_work' || endsAt === null) return;
    this.wrapUpTimer = setTimeout(
      () => {
        this.wrapUpTimer = null;
        if (this.current.status === 'after_call_work') {
          void this.set({ ...this.current, status: 'available', since: this.options.clock.now(), wrapUpEndsAt: null });
        }
      },
      Math.max(0, endsAt - this.options.clock.now()),
    );
    this.wrapUpTimer.unref();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
