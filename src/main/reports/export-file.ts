import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type WriteStream } from 'node:fs';
import { link, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { ExportFormat, ExportRequest } from '../../shared/contract/reports';
import { EXPORT_EXTENSIONS, REPORT_TIME_ZONE } from '../../shared/contract/reports';
import type { FormDefinition } from '../../shared/intake/form';
import { AppError } from '../../shared/result';
import { FolderError, makeFolder } from '../core/folders';
import { csvHeader, csvRowWriter } from './csv';
import { EXPORT_FORMAT_VERSION, planExport, type Cell, type ExportColumn } from './export-rows';
import type { Pseudonymizer } from './pseudonym';
import { XlsxWriter, type XlsxColumn, type XlsxColumnType } from './xlsx/write';

/**
 * Writes one export file from the call log. The rows stream from SQLite (one read transaction: a
 * consistent picture while calls go on) through the format's writer into a temporary file beside
 * the target (`.<name>.<random>.part`, readable by its owner only: it holds health data); the
 * file is flushed to disk and only then renamed to its name, so a reader never sees a partial
 * export under it, and a failure leaves nothing behind. The SHA-256 of the bytes written is
 * computed on the way (CSV) or read back (XLSX) for the audit log.
 */

export interface ExportFileOptions {
  readonly db: Database;
  readonly request: ExportRequest;
  readonly form: FormDefinition;
  readonly installationId: string;
  readonly pseudonyms: Pseudonymizer;
  /** The file to write (its folder is created). */
  readonly target: string;
  /**
   * The temporary file beside it (see temporaryFor); the export stays there, complete and on
   * disk, for the caller to audit and then place (placeExport). Without it, a name is chosen and
   * the file is renamed to the target at once (tests, benchmarks).
   */
  readonly temporary?: string;
  readonly onProgress?: (rows: number) => void;
  /** XLSX: data rows per sheet (Excel's limit by default; smaller in tests). */
  readonly maxRowsPerSheet?: number;
}

export interface ExportFileResult {
  readonly file: string;
  readonly format: ExportFormat;
  readonly rows: number;
  readonly sha256: string;
  readonly columns: string[];
  readonly sheets: number;
}

const PROGRESS_EVERY = 10_000;
/** CSV is collected in buffers of this many bytes before it is written. */
const CSV_CHUNK = 1 << 21;

/** Temporary files of exports: hidden, beside their target, recognisable (stale ones are removed). */
export const TEMPORARY_SUFFIX = '.part';

/** A temporary file for an export to `target`, in the same folder (so that a rename places it). */
export function temporaryFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}${TEMPORARY_SUFFIX}`);
}

/**
 * Puts a finished export under its name. `replace`: an existing file of that name is replaced
 * (the CLI's --out, a nightly export); otherwise never: a file already there keeps its name and
 * the export gets "-2", "-3" … before its extension. Returns where it went.
 */
export async function placeExport(temporary: string, target: string, replace: boolean): Promise<string> {
  if (replace) {
    await rename(temporary, target);
    return target;
  }
  const dot = target.lastIndexOf('.');
  const [stem, extension] = dot > target.lastIndexOf('/') ? [target.slice(0, dot), target.slice(dot)] : [target, ''];
  for (let attempt = 1; attempt < 1000; attempt += 1) {
    const candidate = attempt === 1 ? target : `${stem}-${attempt}${extension}`;
    try {
      // link() fails when the name is taken: nothing is ever overwritten.
      await link(temporary, candidate);
      await unlink(temporary);
      return candidate;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw writeError(target, error);
    }
  }
  throw new AppError('conflict', `cannot place the export: too many files named like ${basename(target)}`);
}

/** Removes temporary export files older than `olderThanMs` from a folder (left by a crash or a kill). */
export async function removeStaleTemporaries(folder: string, olderThanMs: number, now: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith('.') || !name.endsWith(TEMPORARY_SUFFIX)) continue;
    const file = join(folder, name);
    try {
      if (now - (await stat(file)).mtimeMs < olderThanMs) continue;
      await rm(file, { force: true });
      removed += 1;
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** The file name an export gets in the export folder: what, which days, when made. */
export function exportFileName(request: ExportRequest, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const kind = request.identified ? 'identifiziert' : 'pseudonymisiert';
  return `anrufe_${request.range.from}_${request.range.to}_${kind}_${stamp}.${EXPORT_EXTENSIONS[request.format]}`;
}

function writeError(target: string, error: unknown): AppError {
  if (error instanceof FolderError)
    return new AppError(
      'unavailable',
      `cannot write the export to ${target}: the folder ${error.folder} cannot be created (${error.reason}); nothing was written`,
    );
  const code = (error as { code?: string }).code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST'
          ? 'the folder does not exist and cannot be made (is a file in its way?)'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : error instanceof Error
              ? error.message
              : String(error);
  return new AppError('unavailable', `cannot write the export to ${target}: ${reason}; nothing was written`);
}

async function write(stream: WriteStream, data: Buffer): Promise<void> {
  if (!stream.write(data)) await once(stream, 'drain');
}

/** Ends the stream once everything written has reached the file handle. */
async function endStream(stream: WriteStream): Promise<void> {
  if (stream.writableFinished) return;
  const done = once(stream, 'finish');
  stream.end();
  await done;
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const XLSX_TYPES: Record<ExportColumn['kind'], XlsxColumnType> = {
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  datetime: 'datetime',
  date: 'date',
  duration: 'duration',
};

function xlsxDate(value: Cell): Cell | { year: number; month: number; day: number } {
  if (typeof value !== 'string') return value;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : null;
}

export async function writeExportFile(options: ExportFileOptions): Promise<ExportFileResult> {
  const { request, target } = options;
  const plan = planExport({
    form: options.form,
    identified: request.identified,
    range: request.range,
    filter: request.filter,
    installationId: options.installationId,
    pseudonyms: options.pseudonyms,
  });
  const folder = dirname(target);
  const temporary = options.temporary ?? temporaryFor(target);
  try {
    await makeFolder(folder);
  } catch (error) {
    throw writeError(target, error);
  }
  let fileHandle: FileHandle;
  try {
    // 'wx': never onto an existing file; 0600: health data.
    fileHandle = await open(temporary, 'wx', 0o600);
  } catch (error) {
    throw writeError(target, error);
  }
  // The handle stays ours: flushed to disk and closed only after the last write.
  const stream = fileHandle.createWriteStream({ autoClose: false, emitClose: false });
  stream.on('error', () => undefined);

  let rows = 0;
  let sheets = 1;
  let sha256: string;
  try {
    const statement = options.db.prepare(plan.sql).raw(true);
    const iterator = statement.iterate(...plan.params) as IterableIterator<unknown[]>;
    if (request.format === 'xlsx') {
      const xlsx = new XlsxWriter(stream, {
        timeZone: REPORT_TIME_ZONE,
        ...(options.maxRowsPerSheet === undefined ? {} : { maxRowsPerSheet: options.maxRowsPerSheet }),
        properties: {
          'hotline-desk-export': String(EXPORT_FORMAT_VERSION),
          installation_id: options.installationId,
          pseudonymised: String(!request.identified),
          pseudonym_key: options.pseudonyms.source,
          from: request.range.from,
          to: request.range.to,
        },
        title: `Hotline Desk – Anrufe ${request.range.from} bis ${request.range.to}`,
      });
      const columns: XlsxColumn[] = plan.columns.map((column) => ({
        key: column.name,
        header: column.name,
        type: XLSX_TYPES[column.kind],
      }));
      const dateColumns = plan.columns.flatMap((column, index) => (column.kind === 'date' ? [index] : []));
      xlsx.startSheet('Anrufe', columns);
      for (const raw of iterator) {
        const cells: (Cell | { year: number; month: number; day: number })[] = plan.cells(raw);
        for (const index of dateColumns) cells[index] = xlsxDate(cells[index] as Cell);
        const pending = xlsx.addRow(cells);
        if (pending !== undefined) await pending;
        rows += 1;
        if (rows % PROGRESS_EVERY === 0) options.onProgress?.(rows);
      }
      const summary = await xlsx.finish();
      sheets = summary.sheets.length;
      await endStream(stream);
      await fileHandle.sync();
      sha256 = await fileSha256(temporary);
    } else {
      const dialect = request.format === 'csv-de' ? 'de' : 'iso';
      const hash = createHash('sha256');
      const row = csvRowWriter(plan.columns, dialect);
      // Records are encoded straight into a buffer (no long strings to build and flatten); a
      // full buffer goes to the file and a fresh one takes the next records.
      let buffer = Buffer.allocUnsafe(CSV_CHUNK);
      let used = buffer.write(csvHeader(plan.columns, dialect), 0, 'utf8');
      const flush = async () => {
        const bytes = buffer.subarray(0, used);
        buffer = Buffer.allocUnsafe(CSV_CHUNK);
        used = 0;
        hash.update(bytes);
        await write(stream, bytes);
      };
      for (const raw of iterator) {
        const line = row(plan.cells(raw));
        // A record longer than the room left (worst case 3 bytes a character) goes after a flush.
        if (used + line.length * 3 > CSV_CHUNK) {
          await flush();
          if (line.length * 3 > CSV_CHUNK) buffer = Buffer.allocUnsafe(line.length * 3);
        }
        used += buffer.write(line, used, 'utf8');
        rows += 1;
        if (rows % PROGRESS_EVERY === 0) options.onProgress?.(rows);
      }
      await flush();
      await endStream(stream);
      await fileHandle.sync();
      sha256 = hash.digest('hex');
    }
    // The stream lets go of the handle first (a handle with a stream on it does not close).
    stream.destroy();
    await fileHandle.close();
    if (options.temporary === undefined) await rename(temporary, target);
  } catch (error) {
    stream.destroy();
    await fileHandle.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    if (error instanceof AppError) throw error;
    if (typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('E'))
      throw writeError(target, error);
    throw error;
  }
  options.onProgress?.(rows);
  return {
    file: target,
    format: request.format,
    rows,
    sha256,
    columns: plan.columns.map((column) => column.name),
    sheets,
  };
}
