import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database as Connection, Statement } from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { CACHE_KIB } from './database';

/**
 * The call log's worker: a thread with its own connection (one writes, one reads searches, one
 * runs the integrity check), so that a commit waiting for
 * the disk (synchronous=FULL) or the integrity check of a large log never holds up SIP or headset
 * events on the main thread. Work runs in the order it was sent; each write resolves once committed.
 *
 * The worker's code is a small plain-JavaScript string run with `eval`, so that it is the same
 * whether main runs from source (tests) or bundled (the app), and no bundler helper leaks into it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file);
db.pragma("cipher='sqlcipher'");
db.pragma('legacy=4');
db.pragma("key=\\"x'" + workerData.key + "'\\"");
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('secure_delete = ON');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -' + workerData.cacheKib);
// Loaded: from now on the worker may be stopped (stopping it while SQLite's native module is
// still registering itself aborts the whole process).
parentPort.postMessage({ ready: true });
const statements = new Map();
function run(sql, params) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return (params && Object.keys(params).length > 0 ? statement.run(params) : statement.run()).changes;
}
const reads = new Map();
function all(sql, params) {
  let statement = reads.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    reads.set(sql, statement);
  }
  return params && Object.keys(params).length > 0 ? statement.all(params) : statement.all();
}
const batch = db.transaction((steps) => steps.map((step) => run(step.sql, step.params)));
parentPort.on('message', (message) => {
  if (message.op === 'close') {
    db.close();
    parentPort.postMessage({ seq: message.seq, ok: true, changes: 0 });
    parentPort.close();
    return;
  }
  if (message.op === 'flush') {
    parentPort.postMessage({ seq: message.seq, ok: true, changes: 0 });
    return;
  }
  if (message.op === 'integrity') {
    try {
      const rows = db.pragma('integrity_check');
      const text = rows.map((row) => row.integrity_check).join('; ');
      parentPort.postMessage({ seq: message.seq, ok: true, changes: 0, text });
    } catch (error) {
      parentPort.postMessage({ seq: message.seq, ok: true, changes: 0, text: String(error && error.message) });
    }
    return;
  }
  try {
    if (message.op === 'all') {
      parentPort.postMessage({ seq: message.seq, ok: true, changes: 0, rows: all(message.sql, message.params) });
    } else if (message.op === 'batch') {
      const each = batch(message.steps);
      parentPort.postMessage({ seq: message.seq, ok: true, changes: each.reduce((a, b) => a + b, 0), each });
    } else {
      parentPort.postMessage({ seq: message.seq, ok: true, changes: run(message.sql, message.params) });
    }
  } catch (error) {
    parentPort.postMessage({ seq: message.seq, ok: false, error: String(error && error.message) });
  }
});
`;

const replySchema = z.discriminatedUnion('ok', [
  z.object({
    seq: z.number(),
    ok: z.literal(true),
    changes: z.number(),
    text: z.string().optional(),
    each: z.array(z.number()).optional(),
    rows: z.array(z.unknown()).optional(),
  }),
  z.object({ seq: z.number(), ok: z.literal(false), error: z.string() }),
]);

/** Where the SQLite module is, for the worker: in a packaged app, outside the asar archive. */
function sqliteModulePath(): string {
  const path = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}

type Reply = {
  changes: number;
  text?: string | undefined;
  each?: number[] | undefined;
  rows?: unknown[] | undefined;
};

/** One statement of a batch. */
export interface Step {
  readonly sql: string;
  readonly params?: Record<string, unknown>;
}

export class CallLogWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private next = 1;
  private closed: Promise<void> | null = null;
  /** Settles once the worker has loaded SQLite and opened the log (or failed, or exited). */
  private readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private dead: Error | null = null;

  constructor(file: string, keyHex: string, cacheKib: number = CACHE_KIB) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: sqliteModulePath(), file, key: keyHex, cacheKib },
    });
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
    this.worker.unref();
    this.worker.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'ready' in message) {
        this.markReady();
        return;
      }
      const reply = replySchema.safeParse(message);
      if (!reply.success) return;
      const waiting = this.pending.get(reply.data.seq);
      if (!waiting) return;
      this.pending.delete(reply.data.seq);
      if (reply.data.ok) waiting.resolve(reply.data);
      else waiting.reject(new Error(reply.data.error));
    });
    // A worker that died takes nothing more: later work fails at once instead of waiting for ever.
    this.worker.on('error', (error) => this.die(error));
    this.worker.on('exit', () => this.die(new Error('the call log writer stopped')));
  }

  /** Runs one statement in the worker; resolves with the number of rows it changed, once committed. */
  async run(sql: string, params: Record<string, unknown> = {}): Promise<number> {
    if (this.dead) throw this.dead;
    if (this.closed) throw new Error('the call log writer is closed');
    return (await this.send({ op: 'run', sql, params })).changes;
  }

  /** Runs statements in one transaction: all or none. Resolves with the rows each changed, once committed. */
  async batch(steps: readonly Step[]): Promise<number[]> {
    if (this.dead) throw this.dead;
    if (this.closed) throw new Error('the call log writer is closed');
    const reply = await this.send({
      op: 'batch',
      steps: steps.map((step) => ({ sql: step.sql, params: step.params ?? {} })),
    });
    return reply.each ?? [];
  }

  /** Runs a query in the worker and resolves with its rows (a search over a large log stays off the main loop). */
  async all(sql: string, params: Record<string, unknown> = {}): Promise<unknown[]> {
    if (this.dead) throw this.dead;
    if (this.closed) throw new Error('the call log worker is closed');
    return (await this.send({ op: 'all', sql, params })).rows ?? [];
  }

  /** Resolves once everything sent before it is done (committed or failed). */
  async flush(): Promise<void> {
    if (this.dead) throw this.dead;
    if (this.closed) throw new Error('the call log writer is closed');
    await this.send({ op: 'flush' });
  }

  /** PRAGMA integrity_check, in the worker: "ok", or what is wrong. It can take long on a large log. */
  async integrityCheck(): Promise<string> {
    if (this.dead) throw this.dead;
    if (this.closed) throw new Error('the call log writer is closed');
    return (await this.send({ op: 'integrity' })).text ?? '';
  }

  /** Waits for every write sent so far, then closes the worker's connection. */
  close(): Promise<void> {
    this.closed ??= this.send({ op: 'close' }).then(
      () => this.worker.terminate().then(() => undefined),
      () => this.worker.terminate().then(() => undefined),
    );
    return this.closed;
  }

  /**
   * Stops the worker, failing whatever is still pending (for a read-only check): as soon as it has
   * loaded SQLite, never while the native module is still registering itself.
   */
  async terminate(): Promise<void> {
    this.closed ??= this.ready.then(() => this.worker.terminate()).then(() => undefined);
    await this.closed;
  }

  private send(
    message:
      | { op: 'run'; sql: string; params: Record<string, unknown> }
      | { op: 'batch'; steps: { sql: string; params: Record<string, unknown> }[] }
      | { op: 'integrity' }
      | { op: 'flush' }
      | { op: 'all'; sql: string; params: Record<string, unknown> }
      | { op: 'close' },
  ): Promise<Reply> {
    const seq = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...message, seq });
    });
  }

  private die(error: Error): void {
    this.markReady();
    this.dead = error;
    this.closed ??= Promise.resolve();
    this.failAll(error);
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** What the call log needs of its writer (a worker thread's, or one in the caller's thread). */
export type LogWriter = Pick<
  CallLogWriter,
  'run' | 'batch' | 'all' | 'flush' | 'integrityCheck' | 'close' | 'terminate'
>;

/**
 * The writer for a short command (an export, a report): the call log's own connection in the
 * caller's thread, without a worker and its memory. Writes are as durable (the connection has
 * synchronous=FULL); they only block the thread, which has nothing else to do.
 */
export class InThreadWriter implements LogWriter {
  private readonly statements = new Map<string, Statement>();
  private closed = false;

  constructor(private readonly db: Connection) {}

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private open(): void {
    if (this.closed) throw new Error('the call log writer is closed');
  }

  async run(sql: string, params: Record<string, unknown> = {}): Promise<number> {
    this.open();
    const statement = this.statement(sql);
    return (Object.keys(params).length > 0 ? statement.run(params) : statement.run()).changes;
  }

  async batch(steps: readonly Step[]): Promise<number[]> {
    this.open();
    return this.db.transaction(() =>
      steps.map((step) => {
        const statement = this.statement(step.sql);
        const params = step.params ?? {};
        return (Object.keys(params).length > 0 ? statement.run(params) : statement.run()).changes;
      }),
    )();
  }

  async all(sql: string, params: Record<string, unknown> = {}): Promise<unknown[]> {
    this.open();
    const statement = this.statement(sql);
    return Object.keys(params).length > 0 ? statement.all(params) : statement.all();
  }

  async flush(): Promise<void> {
    this.open();
  }

  async integrityCheck(): Promise<string> {
    this.open();
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.statements.clear();
  }

  async terminate(): Promise<void> {
    await this.close();
  }
}
