import { rm, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import {
  exportFormatSchema,
  kpiReportSchema,
  type ExportRequest,
  type ExportResult,
  type KpiReport,
  type ReportFilter,
  type ReportRange,
  type ReportsInfo,
} from '../../shared/contract/reports';
import type { FormDefinition } from '../../shared/intake/form';
import { AppError } from '../../shared/result';
import type { SettingKey, SettingValue } from '../../shared/settings';
import type { CallLog } from '../calllog/call-log';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import { exportFileName, fileSha256, placeExport, removeStaleTemporaries, temporaryFor } from './export-file';
import { organisationKey } from './pseudonym';
import { runReportJob } from './worker-host';
import { Sequencer } from '../core/sequencer';
import { bestEffort } from '../core/errors';

/**
 * Reports in the app: what the Reports view may offer, exports (one at a time), the KPIs. The
 * work itself runs in a worker thread (worker-host.ts); here are the rules around it:
 * - the formats policy allows (`reports.formats`);
 * - identified exports for team leads only, with a reason;
 * - the file goes to the export folder (`reports.directory`, else the host's default);
 * - every export is audited (who, when, filter, columns, rows, SHA-256, target); when the audit
 *   entry cannot be written the file is removed again: no export without its entry.
 */

export interface ReportsServiceOptions {
  readonly callLog: CallLog;
  readonly settings: { get<K extends SettingKey>(key: K): SettingValue<K> };
  readonly form: () => FormDefinition;
  readonly isTeamLead: () => Promise<boolean>;
  readonly defaultDirectory: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly progress: (rows: number, done: boolean) => void;
  /**
   * Where a job runs: a worker thread of its own (the app: calls and headsets must not wait), or
   * the caller's thread (the CLI, which has nothing else to do and saves the thread's memory).
   */
  readonly runJob?: typeof runReportJob;
}

const exportJobResultSchema = z.object({
  file: z.string(),
  format: exportFormatSchema,
  rows: z.number().int().nonnegative(),
  sha256: z.string(),
  columns: z.array(z.string()),
  sheets: z.number().int().positive(),
  pseudonymKey: z.enum(['organisation', 'installation']),
  installationId: z.string(),
});

/** KPI reports running or waiting at once, from every window together. */
export const KPI_QUEUE_LIMIT = 4;

export class ReportsService {
  private exporting = false;
  private closing = false;
  /** One KPI job at a time. */
  private readonly kpiQueue = new Sequencer();
  /** KPI jobs asked for and not finished (running or waiting their turn). */
  private kpiPending = 0;
  private readonly running = new Set<{ controller: AbortController; done: Promise<void> }>();

  constructor(private readonly options: ReportsServiceOptions) {}

  directory(): string {
    const chosen = this.options.settings.get('reports.directory');
    return chosen !== '' && isAbsolute(chosen) ? chosen : this.options.defaultDirectory;
  }

  private keySource(): 'organisation' | 'installation' {
    return organisationKey(this.options.settings.get('reports.pseudonymKey')) === null
      ? 'installation'
      : 'organisation';
  }

  async info(): Promise<ReportsInfo> {
    return {
      teamLead: await this.options.isTeamLead(),
      directory: this.directory(),
      formats: this.options.settings.get('reports.formats'),
      pseudonymKey: this.keySource(),
    };
  }

  /**
   * Exports to the export folder (never over an existing file), or to `target` when given (the
   * CLI's --out, replaced if there). The file is complete on disk and audited before it gets its
   * name: a crash in between leaves an audited temporary file (removed later), never an export
   * nobody recorded. A failure, or the app closing, removes the temporary file.
   */
  async export(request: ExportRequest, target?: string): Promise<ExportResult> {
    const { settings, callLog } = this.options;
    if (!settings.get('reports.formats').includes(request.format))
      throw new AppError(
        'forbidden',
        `format: ${request.format} exports are not allowed by your organisation’s policy`,
      );
    if (request.identified && !(await this.options.isTeamLead()))
      throw new AppError('forbidden', 'Only a team lead may export identified data (names and numbers).');
    if (this.exporting) throw new AppError('conflict', 'An export is already running; wait until it is done.');
    if (this.closing) throw new AppError('unavailable', 'The app is closing.');
    this.exporting = true;
    const file = target ?? join(this.directory(), exportFileName(request, new Date(this.options.clock.now())));
    const temporary = temporaryFor(file);
    try {
      return await this.track(async (signal) => {
        const access = await callLog.readAccess();
        const result = await (this.options.runJob ?? runReportJob)(
          {
            kind: 'export',
            db: access,
            request,
            form: this.options.form(),
            organisationKey: settings.get('reports.pseudonymKey'),
            target: file,
            temporary,
          },
          { result: exportJobResultSchema, onProgress: (rows) => this.options.progress(rows, false), signal },
        );
        const details = {
          format: result.format,
          identified: request.identified,
          ...(request.identified ? { reason: request.reason } : {}),
          range: request.range,
          filter: request.filter,
          rows: result.rows,
          sha256: result.sha256,
          target: file,
          installationId: result.installationId,
          pseudonymKey: result.pseudonymKey,
        };
        try {
          await callLog.audit('export', `export:${result.sha256}`, result.columns, details);
        } catch {
          this.options.log.error('an export was removed: its audit entry could not be written');
          throw new AppError('unavailable', 'The export could not be recorded in the audit log, so it was removed.');
        }
        const placed = await placeExport(temporary, file, target !== undefined);
        // Retention removes it with the calls it holds (removeExpiredExports).
        await callLog
          .recordExportFile(placed, result.sha256, this.options.clock.now())
          .catch(() => this.options.log.error('an export file could not be recorded for retention'));
        // Another file had taken the name meanwhile: the audit log says where this one went.
        if (placed !== file)
          await callLog.audit('export', `export:${result.sha256}`, [], {
            ...details,
            target: placed,
            renamedFrom: file,
          });
        this.options.log.info('export written', {
          format: result.format,
          identified: request.identified,
          rows: result.rows,
        });
        this.options.progress(result.rows, true);
        return {
          file: placed,
          format: result.format,
          identified: request.identified,
          rows: result.rows,
          sha256: result.sha256,
          columns: result.columns,
          pseudonymKey: result.pseudonymKey,
          sheets: result.sheets,
        };
      });
    } catch (error) {
      await bestEffort(
        rm(temporary, { force: true }),
        this.options.log,
        'a temporary export file could not be removed',
      );
      throw error;
    } finally {
      this.exporting = false;
    }
  }

  /** Runs a job that `close` can stop, and waits for. */
  private async track<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const done = work(controller.signal);
    const entry = {
      controller,
      done: done.then(
        () => undefined,
        () => undefined,
      ),
    };
    this.running.add(entry);
    try {
      return await done;
    } finally {
      this.running.delete(entry);
    }
  }

  /**
   * At start: temporary export files a crash or kill left in the export folder (a day old: the
   * folder may be shared, and another laptop's export may be under way).
   */
  async removeStaleTemporaries(): Promise<void> {
    const removed = await removeStaleTemporaries(this.directory(), 86_400_000, this.options.clock.now());
    if (removed > 0) this.options.log.info('stale temporary export files removed', { count: removed });
  }

  /**
   * Retention for the export files the console wrote: each one `days` after it was written is
   * removed, if it is still where it was written and unchanged (its SHA-256 as written); a file
   * someone moved is no longer the console's to remove, one someone changed is left alone. Every
   * removal is audited. Copies made elsewhere are out of reach (the admin guide says so).
   */
  async removeExpiredExports(days: number): Promise<{ removed: number; missing: number; changed: number }> {
    const { callLog, clock, log } = this.options;
    const counts = { removed: 0, missing: 0, changed: 0 };
    const expired = await callLog.exportFilesWrittenBefore(clock.now() - days * 86_400_000);
    for (const file of expired) {
      let sha: string | null;
      try {
        sha = await fileSha256(file.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A share that is not there right now: try again at the next run.
        if (code !== 'ENOENT' && code !== 'ENOTDIR') {
          log.warn('an expired export could not be read; trying again at the next run', { code: code ?? 'unknown' });
          continue;
        }
        sha = null;
      }
      const outcome = sha === null ? 'missing' : sha === file.sha256 ? 'removed' : 'changed';
      if (outcome === 'removed') {
        try {
          await unlink(file.path);
        } catch (error) {
          log.warn('an expired export could not be removed; trying again at the next run', {
            code: (error as NodeJS.ErrnoException).code ?? 'unknown',
          });
          continue;
        }
        await callLog.audit('erase', `export:${file.sha256}`, ['file'], {
          target: file.path,
          writtenAt: new Date(file.writtenAt).toISOString(),
          days,
        });
      }
      await callLog.closeExportFile(file.id, outcome);
      counts[outcome] += 1;
    }
    if (expired.length > 0) log.info('retention: expired export files', counts);
    return counts;
  }

  /** Stops the jobs under way (their temporary files go) and waits until they have: the app quits. */
  async close(): Promise<void> {
    this.closing = true;
    for (const entry of this.running) entry.controller.abort();
    await Promise.all([...this.running].map((entry) => entry.done));
  }

  async kpi(range: ReportRange, filter: ReportFilter): Promise<KpiReport> {
    if (this.closing) throw new AppError('unavailable', 'The app is closing.');
    // One KPI job at a time (several windows asking at once wait their turn, not one thread
    // each), and only a few waiting: a window that asks in a loop cannot pile up work for hours.
    if (this.kpiPending >= KPI_QUEUE_LIMIT)
      throw new AppError(
        'unavailable',
        `${KPI_QUEUE_LIMIT} reports are being worked out already; try again when one is done.`,
      );
    this.kpiPending += 1;
    try {
      return await this.queuedKpi(range, filter);
    } finally {
      this.kpiPending -= 1;
    }
  }

  private async queuedKpi(range: ReportRange, filter: ReportFilter): Promise<KpiReport> {
    const teamLead = await this.options.isTeamLead();
    const report = await this.kpiQueue.run(() =>
      this.track(async (signal) => {
        const access = await this.options.callLog.readAccess();
        return (this.options.runJob ?? runReportJob)(
          {
            kind: 'kpi',
            db: access,
            range,
            filter,
            form: this.options.form(),
            generatedAt: this.options.clock.now(),
          },
          { result: kpiReportSchema, signal },
        );
      }),
    );
    // Figures per agent measure people: for team leads only.
    return teamLead ? report : { ...report, agents: [], agentsWithheld: true };
  }
}
