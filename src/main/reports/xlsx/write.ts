import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { Zip } from 'fflate';
import { deflatingEntry, type DeflateEngine, type DeflateLevel, type DeflatingEntry } from './deflate';
import { EPOCH_MS_RANGE, isWallClock, msToSerial, wallClockMs, ZoneClock, type WallClock } from './dates';
import {
  appPropertiesXml,
  contentTypesXml,
  corePropertiesXml,
  customPropertiesXml,
  rootRelsXml,
  sheetPath,
  STYLE,
  STYLES_XML,
  workbookRelsXml,
  workbookXml,
  XML_DECLARATION,
  type SheetEntry,
} from './parts';
import { escapeXmlText, needsSpacePreserve, sanitizeXmlText } from './xml';

/**
 * A streaming XLSX writer: rows go through deflate to the output as they come, so memory stays
 * flat whatever the row count. Text is always an inline string (`t="inlineStr"`), never a formula:
 * `=1+1` in a text column is the text `=1+1`. A sheet longer than Excel's 1,048,576 rows continues
 * in further sheets (`Anrufe`, `Anrufe (2)`, …), each with the header row again.
 *
 *   const xlsx = new XlsxWriter(createWriteStream(tempFile));
 *   xlsx.startSheet('Anrufe', columns);
 *   for (const row of rows) await xlsx.addRow(row); // a Promise only when the output needs draining
 *   await xlsx.finish();
 */

export const XLSX_COLUMN_TYPES = ['text', 'integer', 'decimal', 'datetime', 'date', 'duration', 'percent'] as const;
export type XlsxColumnType = (typeof XLSX_COLUMN_TYPES)[number];

export interface XlsxColumn {
  /** The property of a row object that holds this column's value. */
  readonly key: string;
  readonly header: string;
  /**
   * - text: a string (at most 32,767 characters, Excel's cell limit);
   * - integer: a safe integer; decimal: a finite number (shown 0.00); percent: a fraction (0.5 = 50.0%);
   * - datetime, date: a WallClock in the sheet's time zone, or an instant (epoch ms or Date) that
   *   is converted to the writer's time zone; a date drops the time of day;
   * - duration: seconds ≥ 0, shown [h]:mm:ss (27:00:00 past a day).
   */
  readonly type: XlsxColumnType;
  /** In characters (Excel's unit); a default by type and header length otherwise. */
  readonly width?: number;
}

export type XlsxCellValue = string | number | Date | WallClock | null | undefined;
export type XlsxRow = readonly XlsxCellValue[] | Readonly<Record<string, XlsxCellValue>>;

export interface XlsxWriterOptions {
  /** The IANA zone instants are shown in (Excel has no time zones). Default Europe/Berlin. */
  readonly timeZone?: string;
  /** Data rows per sheet before the rows continue in a further sheet. Default and maximum 1,048,575. */
  readonly maxRowsPerSheet?: number;
  /** Custom document properties (docProps/custom.xml), e.g. a format version. */
  readonly properties?: Readonly<Record<string, string>>;
  /** The document's creation time (docProps/core.xml, ZIP entry times). Default now. */
  readonly created?: Date;
  readonly title?: string;
  /** docProps creator and application. Default "Hotline Desk". */
  readonly application?: string;
  /** Deflate level 0…9. Default 6. */
  readonly level?: DeflateLevel;
  /** The deflate implementation (see DeflateEngine). Default 'zlib'. */
  readonly engine?: DeflateEngine;
}

export interface XlsxSummary {
  /** The sheet names, in order, continuation sheets included. */
  readonly sheets: string[];
  /** Data rows written, over all sheets (header rows not counted). */
  readonly rows: number;
}

/** Excel: 1,048,576 rows per sheet, one of them the header. */
export const MAX_DATA_ROWS_PER_SHEET = 1_048_575;
export const MAX_COLUMNS = 16_384;
export const MAX_CELL_TEXT = 32_767;
export const MAX_SHEET_NAME = 31;
const DEFAULT_TIME_ZONE = 'Europe/Berlin';

/** ZIP without ZIP64 (fflate writes none): every size and offset must stay below 4 GiB. */
const ZIP32_LIMIT = 0xffff_ffff;
/** A sheet's XML is cut (continued in a further sheet) well before its entry reaches 4 GiB. */
const SHEET_BYTE_LIMIT = ZIP32_LIMIT - 64 * 1024 * 1024;
/** Room kept for the parts written at the end and the central directory. */
const ARCHIVE_RESERVE = 16 * 1024 * 1024;
/** Row XML is collected up to this many bytes before it is deflated (see NativeEntry). */
const XML_CHUNK = 256 * 1024;
/** Compressed output is handed to the stream in pieces of at least this size. */
const OUTPUT_CHUNK = 64 * 1024;

const INVALID_SHEET_NAME_CHARACTERS = /[[\]:*?/\\]/;

export class XlsxError extends Error {
  override readonly name = 'XlsxError';
}

/**
 * Why the name cannot be a sheet name, or null: 1…31 characters, none of []:*?/\, not starting
 * or ending with an apostrophe, not "History" (reserved by Excel).
 */
export function sheetNameProblem(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'a sheet name must not be empty';
  if (name.length > MAX_SHEET_NAME) return `a sheet name has at most ${MAX_SHEET_NAME} characters`;
  if (INVALID_SHEET_NAME_CHARACTERS.test(name)) return 'a sheet name must not contain any of [ ] : * ? / \\';
  if (name.startsWith("'") || name.endsWith("'")) return 'a sheet name must not start or end with an apostrophe';
  if (name.toLowerCase() === 'history') return '"History" is reserved by Excel';
  if (sanitizeXmlText(name) !== name) return 'a sheet name must not contain control characters';
  return null;
}

/** Any text made into a valid sheet name (characters replaced, shortened), for names from data. */
export function safeSheetName(text: string): string {
  let name = sanitizeXmlText(text)
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\0-\x1F\uFFFD]/g, '')
    .replace(/[[\]:*?/\\]/g, '_')
    .trim();
  name = Array.from(name).slice(0, MAX_SHEET_NAME).join('');
  while (name.length > MAX_SHEET_NAME) name = Array.from(name).slice(0, -1).join('');
  name = name.replace(/^'+|'+$/g, '');
  if (name.length === 0) return 'Sheet';
  if (name.toLowerCase() === 'history') return `${name}_`;
  return name;
}

/** Column index (0-based) to letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  let n = index + 1;
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

const DEFAULT_WIDTHS: Readonly<Record<XlsxColumnType, number>> = {
  text: 24,
  integer: 10,
  decimal: 12,
  datetime: 20,
  date: 12,
  duration: 11,
  percent: 9,
};

const TYPE_STYLES: Readonly<Record<XlsxColumnType, number>> = {
  text: STYLE.text,
  integer: STYLE.integer,
  decimal: STYLE.decimal,
  datetime: STYLE.datetime,
  date: STYLE.date,
  duration: STYLE.duration,
  percent: STYLE.percent,
};

interface PreparedColumn {
  readonly key: string;
  readonly header: string;
  readonly type: XlsxColumnType;
  readonly letters: string;
  readonly width: number;
  /** `<c r="B`: the cell tag up to its row number. */
  readonly open: string;
  /** After the row number: `" s="6"><v>` for numbers, `" s="2" t="inlineStr"><is><t>` for text. */
  readonly tail: string;
  /** For text with leading or trailing whitespace. */
  readonly preserveTail: string;
}

interface OpenSheet {
  /** The name given to startSheet; continuation sheets are named after it. */
  readonly baseName: string;
  readonly columns: readonly PreparedColumn[];
  readonly keys: ReadonlySet<string>;
  /** Data rows added to this logical sheet so far (over its continuation sheets). */
  dataRows: number;
  /** The physical sheet being written. */
  name: string;
  rowsInPart: number;
  entry: DeflatingEntry;
  /** Uncompressed bytes of the part handed to deflate so far. */
  partBytes: number;
  /** Row XML not yet handed to deflate. */
  readonly chunk: XmlChunk;
}

type State = 'ready' | 'sheet' | 'finishing' | 'finished' | 'failed';

export class XlsxWriter {
  private readonly zip: Zip;
  private readonly clock: ZoneClock;
  private readonly maxRowsPerSheet: number;
  private readonly properties: Readonly<Record<string, string>>;
  private readonly created: Date;
  private readonly title: string | undefined;
  private readonly application: string;
  private readonly level: DeflateLevel;
  private readonly engine: DeflateEngine;
  private readonly sheets: SheetEntry[] = [];
  private readonly usedNames = new Set<string>();
  /** Aborted on failure: every wait of the writer ends with it. */
  private readonly stop = new AbortController();
  /** Sheet parts closed but perhaps still being compressed. */
  private closing: DeflatingEntry[] = [];
  private state: State = 'ready';
  private sheet: OpenSheet | null = null;
  private totalRows = 0;
  private failure: Error | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private bytesOut = 0;
  private roomWait: Promise<void> | null = null;
  private zipEnded: (() => void) | null = null;
  private readonly onStreamError = (error: Error): void => this.fail(error);
  private readonly onStreamClose = (): void => {
    this.fail(new XlsxError('the XLSX output stream closed before the workbook was complete'));
  };

  constructor(
    private readonly out: Writable,
    options: XlsxWriterOptions = {},
  ) {
    this.clock = new ZoneClock(options.timeZone ?? DEFAULT_TIME_ZONE);
    const maxRows = options.maxRowsPerSheet ?? MAX_DATA_ROWS_PER_SHEET;
    if (!Number.isSafeInteger(maxRows) || maxRows < 1 || maxRows > MAX_DATA_ROWS_PER_SHEET) {
      throw new XlsxError(`maxRowsPerSheet must be an integer from 1 to ${MAX_DATA_ROWS_PER_SHEET}, not ${maxRows}`);
    }
    this.maxRowsPerSheet = maxRows;
    const properties = options.properties ?? {};
    for (const [name, value] of Object.entries(properties)) {
      if (name.length === 0 || name.length > 255) throw new XlsxError('a custom property name has 1 to 255 characters');
      if (typeof value !== 'string') throw new XlsxError(`custom property "${name}" must be a string`);
    }
    this.properties = { ...properties };
    this.created = options.created ?? new Date();
    const year = this.created.getFullYear();
    // ZIP entry times (DOS format) cover 1980…2099.
    if (Number.isNaN(year) || year < 1980 || year > 2099) throw new XlsxError('created must be a Date in 1980…2099');
    this.title = options.title;
    this.application = options.application ?? 'Hotline Desk';
    this.level = options.level ?? 6;
    if (!Number.isInteger(this.level) || this.level < 0 || this.level > 9) throw new XlsxError('level must be 0…9');
    this.engine = options.engine ?? 'zlib';
    if (this.engine !== 'zlib' && this.engine !== 'fflate') throw new XlsxError('engine must be "zlib" or "fflate"');
    this.zip = new Zip((error, chunk, final) => {
      if (error) this.fail(error);
      else this.output(chunk, final);
    });
    out.on('error', this.onStreamError);
    out.on('close', this.onStreamClose);
  }

  /** Starts a sheet (the previous one must be ended): header row, frozen pane, autofilter, widths. */
  startSheet(name: string, columns: readonly XlsxColumn[]): void {
    this.check();
    if (this.state === 'sheet') {
      throw new XlsxError(`sheet "${this.sheet?.baseName}" is not ended yet (await endSheet())`);
    }
    if (this.state !== 'ready') throw new XlsxError('the workbook is already finished');
    const problem = sheetNameProblem(name);
    if (problem) throw new XlsxError(`invalid sheet name ${JSON.stringify(name)}: ${problem}`);
    if (this.usedNames.has(name.toLowerCase())) throw new XlsxError(`duplicate sheet name ${JSON.stringify(name)}`);
    const prepared = prepareColumns(name, columns);
    const part = this.openPart(name, prepared);
    this.sheet = {
      baseName: name,
      columns: prepared,
      keys: new Set(prepared.map((column) => column.key)),
      dataRows: 0,
      name,
      rowsInPart: 0,
      entry: part.entry,
      partBytes: part.bytes,
      chunk: new XmlChunk(),
    };
    this.state = 'sheet';
  }

  /**
   * Adds a data row: an array in column order (shorter is fine: empty cells), or an object by
   * column key (a key that is no column is an error; a missing key is an empty cell). A row
   * with a wrong value throws and is not written. Returns a Promise only when the compressor or
   * the output stream is full: `const wait = xlsx.addRow(row); if (wait) await wait;`.
   */
  addRow(values: XlsxRow): Promise<void> | undefined {
    this.check();
    const sheet = this.sheet;
    if (this.state !== 'sheet' || sheet === null) throw new XlsxError('addRow outside a sheet (startSheet first)');
    const full = sheet.rowsInPart >= this.maxRowsPerSheet || sheet.partBytes + sheet.chunk.bytes > SHEET_BYTE_LIMIT;
    // Built (and checked) before anything changes: a wrong row leaves no trace.
    const xml = this.rowXml(sheet, values, full ? 2 : sheet.rowsInPart + 2);
    if (full) this.continueSheet(sheet);
    if (typeof xml === 'string') sheet.chunk.add(xml);
    else sheet.chunk.addSegments(xml);
    sheet.rowsInPart += 1;
    sheet.dataRows += 1;
    this.totalRows += 1;
    if (sheet.chunk.bytes >= XML_CHUNK) this.flushXml(sheet, false);
    return this.out.writableNeedDrain || sheet.entry.needsDrain ? this.waitForRoom() : undefined;
  }

  /** Adds rows from any (async) iterable, honouring backpressure. */
  async addRows(rows: Iterable<XlsxRow> | AsyncIterable<XlsxRow>): Promise<void> {
    for await (const row of rows) {
      const wait = this.addRow(row);
      if (wait) await wait;
    }
  }

  /** Ends the sheet (autofilter over header and data) and waits until it is compressed. */
  async endSheet(): Promise<void> {
    this.check();
    const sheet = this.sheet;
    if (this.state !== 'sheet' || sheet === null) throw new XlsxError('endSheet without an open sheet');
    this.closePart(sheet);
    this.sheet = null;
    this.state = 'ready';
    await this.settle();
  }

  /** A whole sheet at once: startSheet, addRows, endSheet (the small tables of a KPI report). */
  async writeSheet(
    name: string,
    columns: readonly XlsxColumn[],
    rows: Iterable<XlsxRow> | AsyncIterable<XlsxRow>,
  ): Promise<void> {
    this.startSheet(name, columns);
    await this.addRows(rows);
    await this.endSheet();
  }

  /**
   * Ends an open sheet, writes the workbook parts, closes the ZIP, ends the stream and waits
   * until it has flushed (and closed, for a file stream).
   */
  async finish(): Promise<XlsxSummary> {
    this.check();
    if (this.state === 'sheet') await this.endSheet();
    if (this.state !== 'ready') throw new XlsxError('the workbook is already finished');
    if (this.sheets.length === 0) throw new XlsxError('a workbook needs at least one sheet');
    this.state = 'finishing';
    const custom = Object.keys(this.properties).length > 0;
    this.addPart('xl/workbook.xml', workbookXml(this.sheets));
    this.addPart('xl/_rels/workbook.xml.rels', workbookRelsXml(this.sheets.length));
    this.addPart('xl/styles.xml', STYLES_XML);
    this.addPart('docProps/core.xml', corePropertiesXml(this.created, this.application, this.title));
    this.addPart('docProps/app.xml', appPropertiesXml(this.application));
    if (custom) this.addPart('docProps/custom.xml', customPropertiesXml(this.properties));
    this.addPart('_rels/.rels', rootRelsXml(custom));
    this.addPart('[Content_Types].xml', contentTypesXml(this.sheets.length, custom));
    const ended = new Promise<void>((resolve) => (this.zipEnded = resolve));
    this.zip.end();
    await ended;
    this.check();
    await this.waitForRoom();
    // From here on `finished` watches the stream (its 'close' is expected now).
    this.detach();
    this.out.end();
    try {
      await finished(this.out);
    } catch (error) {
      this.fail(error instanceof Error ? error : new XlsxError(String(error)));
    }
    this.check();
    this.state = 'finished';
    return { sheets: this.sheets.map((sheet) => sheet.name), rows: this.totalRows };
  }

  /** Stops writing: the ZIP is abandoned and the stream destroyed (the caller removes the file). */
  abort(error: Error = new XlsxError('the XLSX export was aborted')): void {
    if (this.state === 'finished') return;
    this.fail(error);
  }

  // -------------------------------------------------------------------------------------------

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.state = 'failed';
    this.sheet = null;
    this.pending = [];
    this.pendingBytes = 0;
    this.stop.abort(error);
    try {
      this.zip.terminate();
    } catch {
      // Nothing more to stop.
    }
    this.detach();
    // Keep an error listener: a late 'error' from the destroyed stream must not go unhandled.
    this.out.on('error', () => undefined);
    this.out.destroy();
    this.zipEnded?.();
  }

  private detach(): void {
    this.out.off('error', this.onStreamError);
    this.out.off('close', this.onStreamClose);
  }

  /** Waits until the compressor and the output stream can take more (shared by concurrent callers). */
  private waitForRoom(): Promise<void> {
    this.roomWait ??= this.room().finally(() => {
      this.roomWait = null;
    });
    return this.roomWait;
  }

  private async room(): Promise<void> {
    const signal = this.stop.signal;
    try {
      for (;;) {
        this.check();
        const entry = this.sheet?.entry;
        if (entry?.needsDrain) await entry.drained(signal);
        else if (this.out.writableNeedDrain) await once(this.out, 'drain', { signal });
        else return;
      }
    } catch (error) {
      throw this.failure ?? error;
    }
  }

  /** Waits until the closed parts are compressed and the output can take more. */
  private async settle(): Promise<void> {
    const closing = this.closing;
    this.closing = [];
    try {
      for (const entry of closing) await entry.done(this.stop.signal);
    } catch (error) {
      throw this.failure ?? error;
    }
    await this.waitForRoom();
  }

  /** Opens a sheet part and writes its head and header row. */
  private openPart(name: string, columns: readonly PreparedColumn[]): { entry: DeflatingEntry; bytes: number } {
    const index = this.sheets.length;
    this.usedNames.add(name.toLowerCase());
    this.sheets.push({ name, filterRef: '' });
    const entry = deflatingEntry(this.engine, sheetPath(index), this.level, this.created);
    this.zip.add(entry.file);
    let head =
      XML_DECLARATION +
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' +
      ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      `<sheetViews><sheetView${index === 0 ? ' tabSelected="1"' : ''} workbookViewId="0">` +
      '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
      '</sheetView></sheetViews>' +
      '<sheetFormatPr defaultRowHeight="15"/><cols>';
    columns.forEach((column, i) => {
      head += `<col min="${i + 1}" max="${i + 1}" width="${column.width}" customWidth="1"/>`;
    });
    head += '</cols><sheetData><row r="1">';
    for (const column of columns) {
      head += `<c r="${column.letters}1" s="${STYLE.header}" t="inlineStr">${inlineString(column.header)}</c>`;
    }
    head += '</row>';
    const bytes = Buffer.from(head, 'utf8');
    entry.push(bytes, false);
    this.check();
    return { entry, bytes: bytes.length };
  }

  private closePart(sheet: OpenSheet): void {
    const lastColumn = sheet.columns.at(-1)!.letters;
    const filterRef = `A1:${lastColumn}${sheet.rowsInPart + 1}`;
    sheet.chunk.add(`</sheetData><autoFilter ref="${filterRef}"/></worksheet>`);
    this.sheets[this.sheets.length - 1] = { name: sheet.name, filterRef };
    this.flushXml(sheet, true);
    this.closing.push(sheet.entry);
  }

  /** Continues the rows of a full sheet in a new one, header repeated. */
  private continueSheet(sheet: OpenSheet): void {
    this.closePart(sheet);
    let n = 2;
    let name = continuationName(sheet.baseName, n);
    while (this.usedNames.has(name.toLowerCase())) {
      n += 1;
      name = continuationName(sheet.baseName, n);
    }
    const part = this.openPart(name, sheet.columns);
    sheet.entry = part.entry;
    sheet.name = name;
    sheet.rowsInPart = 0;
    sheet.partBytes = part.bytes;
  }

  private flushXml(sheet: OpenSheet, final: boolean): void {
    const bytes = sheet.chunk.take();
    sheet.partBytes += bytes.length;
    if (sheet.partBytes >= ZIP32_LIMIT) {
      this.fail(new XlsxError('a sheet grew past 4 GiB (the ZIP format without ZIP64)'));
      this.check();
    }
    sheet.entry.push(bytes, final);
    this.check();
  }

  /** A small part, compressed at once (fflate, synchronously). */
  private addPart(path: string, xml: string): void {
    const entry = deflatingEntry('fflate', path, this.level, this.created);
    this.zip.add(entry.file);
    entry.push(Buffer.from(xml, 'utf8'), true);
    this.check();
  }

  /** Compressed data from the ZIP: collected, then written in larger pieces. */
  private output(chunk: Uint8Array, final: boolean): void {
    if (this.failure) return;
    this.bytesOut += chunk.length;
    if (this.bytesOut > ZIP32_LIMIT - (this.state === 'finishing' ? 0 : ARCHIVE_RESERVE)) {
      this.fail(new XlsxError('the workbook grew past 4 GiB (the ZIP format without ZIP64): export fewer rows'));
      return;
    }
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    if (final || this.pendingBytes >= OUTPUT_CHUNK) this.flushOutput();
    if (final) this.zipEnded?.();
  }

  private flushOutput(): void {
    if (this.pendingBytes === 0 || this.failure) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    // Backpressure: addRow waits (waitForRoom) while the stream wants to drain.
    this.out.write(data);
  }

  /**
   * A row's XML: a string, or (when a text holds characters beyond Latin-1) segments that
   * alternate between such XML and the wide texts, see XmlChunk.
   */
  private rowXml(sheet: OpenSheet, values: XlsxRow, rowNumber: number): string | string[] {
    const columns = sheet.columns;
    const dataRow = sheet.dataRows + 1;
    let list: readonly XlsxCellValue[] | null = null;
    let record: Readonly<Record<string, XlsxCellValue>> | null = null;
    if (Array.isArray(values)) {
      if (values.length > columns.length) {
        throw new XlsxError(
          `sheet "${sheet.baseName}", data row ${dataRow}: ${values.length} values for ${columns.length} columns`,
        );
      }
      list = values as readonly XlsxCellValue[];
    } else if (typeof values === 'object' && values !== null) {
      record = values as Readonly<Record<string, XlsxCellValue>>;
      for (const key in record) {
        if (!sheet.keys.has(key)) {
          throw new XlsxError(`sheet "${sheet.baseName}", data row ${dataRow}: "${key}" is not a column key`);
        }
      }
    } else {
      throw new XlsxError(`sheet "${sheet.baseName}", data row ${dataRow}: a row is an array or an object`);
    }
    let segments: string[] | null = null;
    const row = String(rowNumber);
    let xml = `<row r="${row}">`;
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i]!;
      const value = list === null ? record![column.key] : list[i];
      if (value === null || value === undefined) continue;
      switch (column.type) {
        case 'text': {
          if (typeof value !== 'string') throw this.cellError(sheet, dataRow, column, 'a string', value);
          if (value.length > MAX_CELL_TEXT) {
            throw this.cellError(sheet, dataRow, column, `a text of at most ${MAX_CELL_TEXT} characters`, value);
          }
          const escaped = escapeXmlText(value);
          xml += column.open + row + (needsSpacePreserve(value) ? column.preserveTail : column.tail);
          if (WIDE.test(escaped)) {
            segments ??= [];
            segments.push(xml, escaped);
            xml = '</t></is></c>';
          } else {
            xml += `${escaped}</t></is></c>`;
          }
          break;
        }
        case 'integer': {
          if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
            throw this.cellError(sheet, dataRow, column, 'a (safe) integer', value);
          }
          xml += `${column.open}${row}${column.tail}${value}</v></c>`;
          break;
        }
        case 'decimal':
        case 'percent': {
          if (typeof value !== 'number' || !Number.isFinite(value)) {
            throw this.cellError(sheet, dataRow, column, 'a finite number', value);
          }
          xml += `${column.open}${row}${column.tail}${value}</v></c>`;
          break;
        }
        case 'duration': {
          if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
            throw this.cellError(sheet, dataRow, column, 'a number of seconds ≥ 0', value);
          }
          xml += `${column.open}${row}${column.tail}${roundSerial(value / 86_400)}</v></c>`;
          break;
        }
        case 'datetime':
        case 'date': {
          xml += `${column.open}${row}${column.tail}${this.dateSerial(sheet, dataRow, column, value)}</v></c>`;
          break;
        }
      }
    }
    xml += '</row>';
    if (segments === null) return xml;
    segments.push(xml);
    return segments;
  }

  private dateSerial(sheet: OpenSheet, dataRow: number, column: PreparedColumn, value: XlsxCellValue): number {
    const expected = 'a WallClock {year, month, day, hour?, minute?, second?}, epoch milliseconds or a Date';
    let wall: number | string;
    if (typeof value === 'number' || value instanceof Date) {
      const epoch = typeof value === 'number' ? value : value.getTime();
      if (!Number.isFinite(epoch) || epoch < EPOCH_MS_RANGE.min || epoch > EPOCH_MS_RANGE.max) {
        throw this.cellError(sheet, dataRow, column, 'an instant within 1900-03-01…9999-12-31', value);
      }
      wall = this.clock.wallMs(epoch);
    } else if (isWallClock(value)) {
      wall = wallClockMs(value);
      if (typeof wall === 'string') throw this.cellError(sheet, dataRow, column, `a valid date (${wall})`, value);
    } else {
      throw this.cellError(sheet, dataRow, column, expected, value);
    }
    if (column.type === 'date') wall -= ((wall % 86_400_000) + 86_400_000) % 86_400_000;
    const serial = msToSerial(wall);
    if (typeof serial === 'string') throw this.cellError(sheet, dataRow, column, `a date ${serial}`, value);
    return roundSerial(serial);
  }

  private cellError(
    sheet: OpenSheet,
    dataRow: number,
    column: PreparedColumn,
    expected: string,
    value: unknown,
  ): XlsxError {
    return new XlsxError(
      `sheet "${sheet.baseName}", data row ${dataRow}, column "${column.key}" ("${column.header}", ${column.type}): ` +
        `expected ${expected}, got ${describe(value)}`,
    );
  }
}

/**
 * A day fraction to 1e-10 days (under 9 µs): Excel keeps 15 significant digits anyway, and the
 * shorter numbers make the XML smaller and faster to compress.
 */
function roundSerial(days: number): number {
  return Math.round(days * 1e10) / 1e10;
}

/** A character beyond Latin-1: V8 keeps such strings two bytes per character. */
const WIDE = /[^\0-\xFF]/;

/** Row XML is written into buffers of this size (a larger one for an outsized row). */
const CHUNK_CAPACITY = XML_CHUNK + 16 * 1024;

/**
 * Row XML on its way to deflate, UTF-8 in a buffer: each row string is written straight in, no
 * chunk-sized string is ever built. V8 stores a string of Latin-1 characters one byte per
 * character, and one wide character makes a whole concatenation two-byte and several times
 * slower to flatten; so a text with wide characters comes as its own segment, written on its own.
 */
class XmlChunk {
  private buffer = Buffer.allocUnsafe(CHUNK_CAPACITY);
  private length = 0;

  /** The bytes held. */
  get bytes(): number {
    return this.length;
  }

  add(xml: string): void {
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    const room = xml.length * 3;
    if (this.length + room > this.buffer.length) this.grow(room);
    this.length += this.buffer.write(xml, this.length, 'utf8');
  }

  /** XML and wide texts alternating, starting and ending with XML (see rowXml). */
  addSegments(segments: readonly string[]): void {
    for (const segment of segments) this.add(segment);
  }

  /** Everything held; the chunk is empty afterwards (the bytes stay with the caller). */
  take(): Uint8Array {
    const data = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(CHUNK_CAPACITY);
    this.length = 0;
    return data;
  }

  private grow(room: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + room));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

function inlineString(text: string): string {
  const escaped = escapeXmlText(text);
  return needsSpacePreserve(text) ? `<is><t xml:space="preserve">${escaped}</t></is>` : `<is><t>${escaped}</t></is>`;
}

function continuationName(base: string, n: number): string {
  const suffix = ` (${n})`;
  const room = MAX_SHEET_NAME - suffix.length;
  let head = base;
  if (head.length > room) {
    head = Array.from(head).slice(0, room).join('');
    while (head.length > room) head = Array.from(head).slice(0, -1).join('');
    head = head.replace(/'+$/, '');
  }
  return `${head}${suffix}`;
}

function prepareColumns(sheetName: string, columns: readonly XlsxColumn[]): PreparedColumn[] {
  if (columns.length === 0) {
    throw new XlsxError(`sheet ${JSON.stringify(sheetName)}: at least one column is needed`);
  }
  if (columns.length > MAX_COLUMNS)
    throw new XlsxError(`sheet ${JSON.stringify(sheetName)}: at most ${MAX_COLUMNS} columns`);
  const keys = new Set<string>();
  return columns.map((column, i) => {
    const where = `sheet ${JSON.stringify(sheetName)}, column ${i + 1}`;
    if (typeof column !== 'object' || column === null) throw new XlsxError(`${where}: not a column definition`);
    const { key, header, type, width } = column;
    if (typeof key !== 'string' || key.length === 0)
      throw new XlsxError(`${where}: the key must be a non-empty string`);
    if (keys.has(key)) throw new XlsxError(`${where}: duplicate key "${key}"`);
    keys.add(key);
    if (typeof header !== 'string') throw new XlsxError(`${where} ("${key}"): the header must be a string`);
    if (header.length > MAX_CELL_TEXT) throw new XlsxError(`${where} ("${key}"): the header is too long`);
    if (!(XLSX_COLUMN_TYPES as readonly string[]).includes(type)) {
      throw new XlsxError(
        `${where} ("${key}"): unknown column type ${JSON.stringify(type)} (one of ${XLSX_COLUMN_TYPES.join(', ')})`,
      );
    }
    if (width !== undefined && (typeof width !== 'number' || !Number.isFinite(width) || width < 1 || width > 255)) {
      throw new XlsxError(`${where} ("${key}"): the width must be a number from 1 to 255`);
    }
    // Room for the header and its filter button.
    const fitted = Math.min(60, Math.max(DEFAULT_WIDTHS[type], header.length + 4));
    const letters = columnLetters(i);
    const style = TYPE_STYLES[type];
    return {
      key,
      header,
      type,
      letters,
      width: Math.round((width ?? fitted) * 100) / 100,
      open: `<c r="${letters}`,
      tail: type === 'text' ? `" s="${style}" t="inlineStr"><is><t>` : `" s="${style}"><v>`,
      preserveTail: `" s="${style}" t="inlineStr"><is><t xml:space="preserve">`,
    };
  });
}

/**
 * What a wrong value is, without the value itself: error messages end up in logs, and a call
 * log's cells are personal data.
 */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date out of range';
  switch (typeof value) {
    case 'string':
      return `a string (${value.length} characters)`;
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      if (!Number.isSafeInteger(value))
        return value < 0 ? 'a negative fractional or huge number' : 'a fractional or huge number';
      return value < 0 ? 'a negative integer' : 'an integer';
    case 'object':
      return Array.isArray(value) ? 'an array' : `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
    default:
      return `a ${typeof value}`;
  }
}
