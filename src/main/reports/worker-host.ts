import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { ERROR_CODES, AppError } from '../../shared/result';
import type { ExportJob, KpiJob } from './jobs';
import type { MergeJob } from './merge';

/**
 * Runs one report job in a worker thread of its own and settles with its result.
 *
 * Where the worker's code is: built (electron-vite, `out/main/reports-worker.js`, an entry of
 * its own next to the other entries; this module may sit in `out/main/chunks/`), or, running from
 * source in the tests, `worker.ts` beside this file, loaded through jiti (a dev dependency).
 * Electron loads worker scripts from inside the app's asar archive.
 */

export type ReportJob = ExportJob | KpiJob | MergeJob;

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('progress'), rows: z.number().int().nonnegative() }),
  z.object({ type: z.literal('done'), result: z.unknown() }),
  z.object({ type: z.literal('failed'), code: z.enum(ERROR_CODES), message: z.string() }),
]);

function builtWorker(): URL | null {
  for (const relative of ['./reports-worker.js', '../reports-worker.js']) {
    const url = new URL(relative, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** From source: worker.ts through jiti, which compiles TypeScript on the fly. */
const SOURCE_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { createJiti } = require(workerData.jiti);
createJiti(workerData.entry).import(workerData.entry).catch((error) => {
  require('node:worker_threads').parentPort.postMessage({ type: 'failed', code: 'internal', message: String(error && error.stack || error) });
});
`;

/**
 * The worker's heap is bounded: a small young generation (collected often, cheaply: faster for a
 * stream of short-lived rows, and memory stays flat) and an old generation far above what a
 * report keeps.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 };

function startWorker(job: ReportJob): Worker {
  const built = builtWorker();
  if (built !== null) return new Worker(built, { workerData: { job }, resourceLimits: RESOURCE_LIMITS });
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) throw new AppError('internal', 'the reports worker is missing from this build');
  const entry = here.replace(/worker-host\.ts$/, 'worker.ts');
  const jiti = createRequire(import.meta.url).resolve('jiti');
  return new Worker(SOURCE_BOOTSTRAP, {
    eval: true,
    workerData: { job, entry, jiti },
    resourceLimits: RESOURCE_LIMITS,
  });
}

export interface RunOptions<T> {
  readonly onProgress?: (rows: number) => void;
  /** Checks the worker's result (it crossed a thread boundary). */
  readonly result: z.ZodType<T>;
  /** Stops the job (the app quits): the worker is ended, and the promise rejects. */
  readonly signal?: AbortSignal;
  /**
   * A worker that says nothing (no progress, no result) for this long is taken as stuck: ended,
   * and the job fails, so that nothing waits for it forever. Default 10 minutes.
   */
  readonly silenceMs?: number;
}

export const DEFAULT_SILENCE_MS = 10 * 60_000;

export function runReportJob<T>(job: ReportJob, options: RunOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let worker: Worker;
    try {
      worker = startWorker(job);
    } catch (error) {
      reject(
        error instanceof AppError
          ? error
          : new AppError('internal', `the reports worker did not start: ${String(error)}`),
      );
      return;
    }
    let ready = false;
    let stopping = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      options.signal?.removeEventListener('abort', abort);
      outcome();
    };
    // A thread may only be ended once SQLite's native module has loaded (else the whole process
    // aborts): before 'ready', the stop waits for it.
    const abort = () => {
      stopping = true;
      settle(() => reject(new AppError('unavailable', 'The report was stopped: the app is closing.')));
      if (ready) void worker.terminate();
    };
    if (options.signal?.aborted === true) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
    let watchdog: NodeJS.Timeout | undefined;
    const listen = () => {
      clearTimeout(watchdog);
      if (settled) return;
      watchdog = setTimeout(() => {
        stopping = true;
        settle(() => reject(new AppError('internal', 'the reports worker stopped answering; the report was given up')));
        if (ready) void worker.terminate();
      }, options.silenceMs ?? DEFAULT_SILENCE_MS);
      watchdog.unref();
    };
    listen();
    worker.on('message', (raw: unknown) => {
      listen();
      const message = messageSchema.safeParse(raw);
      if (!message.success) {
        settle(() => reject(new AppError('internal', 'the reports worker sent a message that is not one of its own')));
        if (ready) void worker.terminate();
        return;
      }
      switch (message.data.type) {
        case 'ready':
          ready = true;
          if (stopping) void worker.terminate();
          return;
        case 'progress':
          options.onProgress?.(message.data.rows);
          return;
        case 'done': {
          const result = options.result.safeParse(message.data.result);
          settle(() =>
            result.success
              ? resolve(result.data)
              : reject(new AppError('internal', `the reports worker answered unexpectedly: ${result.error.message}`)),
          );
          void worker.terminate();
          return;
        }
        case 'failed': {
          const { code, message: text } = message.data;
          settle(() => reject(new AppError(code, text)));
          void worker.terminate();
          return;
        }
      }
    });
    worker.on('error', (error) =>
      settle(() => reject(new AppError('internal', `the reports worker failed: ${error.message}`))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(new AppError('internal', `the reports worker stopped (exit code ${code}) before it finished`)),
      ),
    );
  });
}
