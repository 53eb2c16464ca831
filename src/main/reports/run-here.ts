import { AppError } from '../../shared/result';
import { runExportJob, runKpiJob } from './jobs';
import { runMergeJob } from './merge';
import type { ReportJob, RunOptions } from './worker-host';

/**
 * A report job in the caller's own thread, with the same contract as `runReportJob`: for the
 * command line, whose thread has nothing else to do (no second isolate, less memory).
 */
export async function runReportJobHere<T>(job: ReportJob, options: RunOptions<T>): Promise<T> {
  let result: unknown;
  switch (job.kind) {
    case 'export':
      result = await runExportJob(job, options.onProgress);
      break;
    case 'kpi':
      result = runKpiJob(job);
      break;
    case 'merge':
      result = await runMergeJob(job, options.onProgress);
      break;
  }
  const checked = options.result.safeParse(result);
  if (!checked.success) throw new AppError('internal', `a report job answered unexpectedly: ${checked.error.message}`);
  return checked.data;
}
