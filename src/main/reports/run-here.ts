import { AppError } from '../../shared/result';
import { runExportJob, runKpiJob } from './jobs';
import { runMergeJob } from './merge';
import type { ReportJob, RunOptions } from './worker-host';

/**
 * A report job in the caller's own thread, with the same contract as `runReportJob`: for the
 * command line, whose thread has nothing else to do (no second isolate, less memory).
 */
export async function runReportJobHere<T>(job: ReportJob, options: RunOptions<T>): Promise<T> {
  const result = await runJob(job, options.onProgress);
  const checked = options.result.safeParse(result);
  if (!checked.success) throw new AppError('internal', `a report job answered unexpectedly: ${checked.error.message}`);
  return checked.data;
}

/** Runs a job of any kind, here: the one place that knows which function does which kind. */
export async function runJob(job: ReportJob, onProgress?: (rows: number) => void): Promise<unknown> {
  switch (job.kind) {
    case 'export':
      return runExportJob(job, onProgress);
    case 'kpi':
      return runKpiJob(job);
    case 'merge':
      return runMergeJob(job, onProgress);
  }
}
