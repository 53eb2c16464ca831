import { rm } from 'node:fs/promises';
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
import type { Clock } from '../ports';
import { exportFileName } from './export-file';
import { organisationKey } from './pseudonym';
import { runReportJob } from './worker-host';

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

export class ReportsService {
  private exporting = false;

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

  /** Exports to the export folder, or to `target` when given (the CLI's --out). */
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
    this.exporting = true;
    try {
      const access = await callLog.readAccess();
      const file = target ?? join(this.directory(), exportFileName(request, new Date(this.options.clock.now())));
      const result = await (this.options.runJob ?? runReportJob)(
        {
          kind: 'export',
          db: access,
          request,
          form: this.options.form(),
          organisationKey: settings.get('reports.pseudonymKey'),
          target: file,
        },
        { result: exportJobResultSchema, onProgress: (rows) => this.options.progress(rows, false) },
      );
      try {
        await callLog.audit('export', `export:${result.sha256}`, result.columns, {
          format: result.format,
          identified: request.identified,
          ...(request.identified ? { reason: request.reason } : {}),
          range: request.range,
          filter: request.filter,
          rows: result.rows,
          sha256: result.sha256,
          target: result.file,
          installationId: result.installationId,
          pseudonymKey: result.pseudonymKey,
        });
      } catch (error) {
        await rm(result.file, { force: true }).catch(() => undefined);
        this.options.log.error('an export was removed: its audit entry could not be written', {
          error: error instanceof Error ? error.name : 'unknown',
        });
        throw new AppError('unavailable', 'The export could not be recorded in the audit log, so it was removed.');
      }
      this.options.log.info('export written', {
        format: result.format,
        identified: request.identified,
        rows: result.rows,
      });
      this.options.progress(result.rows, true);
      return {
        file: result.file,
        format: result.format,
        identified: request.identified,
        rows: result.rows,
        sha256: result.sha256,
        columns: result.columns,
        pseudonymKey: result.pseudonymKey,
        sheets: result.sheets,
      };
    } finally {
      this.exporting = false;
    }
  }

  async kpi(range: ReportRange, filter: ReportFilter): Promise<KpiReport> {
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
      { result: kpiReportSchema },
    );
  }
}
