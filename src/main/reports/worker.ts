import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { AppError } from '../../shared/result';
import { exportJobSchema, kpiJobSchema } from './jobs';
import { mergeJobSchema } from './merge';
import { runJob } from './run-here';

/**
 * The reports worker: one job per thread (an export, the KPIs of the log, or a merge of export
 * files), with its own read-only connection, so that a million rows never hold up SIP or headset
 * events on the main thread. It says `ready` once SQLite's native module is loaded (a thread must
 * not be stopped before that), then `progress` now and then and `done` or `failed` at the end.
 */

const jobSchema = z.discriminatedUnion('kind', [exportJobSchema, kpiJobSchema, mergeJobSchema]);

const port = parentPort;
if (port === null) throw new Error('the reports worker runs in a worker thread');
port.postMessage({ type: 'ready' });

async function run(): Promise<unknown> {
  const job = jobSchema.parse((workerData as { job?: unknown } | null)?.job);
  return runJob(job, (rows) => port!.postMessage({ type: 'progress', rows }));
}

run().then(
  (result) => port.postMessage({ type: 'done', result }),
  (error: unknown) =>
    port.postMessage({
      type: 'failed',
      code: error instanceof AppError ? error.code : error instanceof z.ZodError ? 'invalid_input' : 'internal',
      message: error instanceof Error ? error.message : String(error),
    }),
);
