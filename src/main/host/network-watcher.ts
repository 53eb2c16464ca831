import { networkInterfaces } from 'node:os';
import { Emitter } from '../../shared/emitter';
import type { NetworkEvents, NetworkState, Unsubscribe } from '../ports';

/** What the watcher needs of the operating system: its interfaces, as node:os gives them. */
export type InterfaceReader = () => ReturnType<typeof networkInterfaces>;

/**
 * Notices when the network changes (a cable plugged in, Wi-Fi back, a VPN up, a new address) by
 * looking at the machine's interfaces every few seconds. Works the same in Electron's main process
 * and in plain Node, and needs no permission. Loopback and link-local addresses do not count.
 */
export class InterfaceWatcher implements NetworkEvents {
  private readonly listeners = new Emitter<[state: NetworkState]>();
  private timer: NodeJS.Timeout | null = null;
  private last = '';
  private readonly read: InterfaceReader;
  private readonly intervalMs: number;

  constructor(options: { read?: InterfaceReader; intervalMs?: number } = {}) {
    this.read = options.read ?? networkInterfaces;
    this.intervalMs = options.intervalMs ?? 3_000;
  }

  onChange(listener: (state: NetworkState) => void): Unsubscribe {
    const stop = this.listeners.on(listener);
    if (!this.timer) {
      this.last = this.fingerprint();
      this.timer = setInterval(() => this.check(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      stop();
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Looks once; called by the timer, and directly by tests. */
  check(): void {
    const now = this.fingerprint();
    if (now === this.last) return;
    this.last = now;
    const state: NetworkState = { online: now !== '' };
    this.listeners.emit(state);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The usable addresses, sorted: '' when there are none (offline). */
  private fingerprint(): string {
    let interfaces: ReturnType<typeof networkInterfaces>;
    try {
      interfaces = this.read();
    } catch {
      return this.last;
    }
    const addresses: string[] = [];
    for (const [name, entries] of Object.entries(interfaces)) {
      for (const entry of entries ?? []) {
        if (entry.internal) continue;
        if (entry.family === 'IPv6' && /^fe80:/i.test(entry.address)) continue;
        if (entry.family === 'IPv4' && entry.address.startsWith('169.254.')) continue;
        addresses.push(`${name}/${entry.address}`);
      }
    }
    return addresses.sort().join(',');
  }
}
