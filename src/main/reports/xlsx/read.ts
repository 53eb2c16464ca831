import { posix } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { REL_TYPES } from './parts';
import {
  attributeByLocalName,
  decodeXString,
  localName,
  parseXml,
  XmlTokenizer,
  type XmlAttributes,
  type XmlHandler,
} from './xml';
import { readZipDirectory, readZipEntry, readZipText, ZipFormatError, type ZipEntry } from './zip-read';

/**
 * Reading workbooks: ours, and ours after Excel or LibreOffice saved them again (shared strings).
 * Sheets are streamed: the file is read through its ZIP central directory, one sheet part is
 * inflated and tokenized chunk by chunk, rows are yielded as they complete. Only the small parts
 * (workbook, relationships, properties) and the shared strings table are held in memory.
 */

export type XlsxValue = string | number | boolean | null;

export interface XlsxWorkbook {
  /** Sheet names in workbook order. */
  readonly sheets: readonly string[];
  /** Custom document properties (docProps/custom.xml), values as text. */
  readonly properties: Readonly<Record<string, string>>;
  /**
   * The rows of a sheet (by name or index), header included, from row 1: cells by column, gaps
   * as null, trailing empty cells left off; a row missing from the file comes as []. Numbers
   * are raw (dates and durations are Excel serials: see serialToWallClock).
   */
  rows(sheet: string | number): AsyncIterable<XlsxValue[]>;
}

export class XlsxReadError extends Error {
  override readonly name = 'XlsxReadError';
}

/** Parts read whole (everything but the sheets): a generous bound against ZIP bombs. */
const MAX_SMALL_PART = 16 * 1024 * 1024;
/** The shared strings of a very large workbook saved by Excel can be big; still bounded. */
const MAX_SHARED_STRINGS = 512 * 1024 * 1024;

interface Relationship {
  readonly type: string;
  readonly target: string;
}

interface SheetRef {
  readonly name: string;
  readonly path: string;
}

/** Opens a workbook; throws XlsxReadError ('not an XLSX workbook: …') for anything else. */
export async function openXlsx(path: string): Promise<XlsxWorkbook> {
  let entries: Map<string, ZipEntry>;
  try {
    entries = await readZipDirectory(path);
  } catch (error) {
    if (error instanceof ZipFormatError) throw new XlsxReadError(`not an XLSX workbook: ${error.message}`);
    throw error;
  }
  // Part names are case-insensitive (OPC).
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries.values()) byName.set(entry.name.toLowerCase(), entry);
  const find = (part: string): ZipEntry | undefined => byName.get(part.toLowerCase());
  const text = async (part: string, maxBytes = MAX_SMALL_PART): Promise<string | null> => {
    const entry = find(part);
    if (!entry) return null;
    try {
      return await readZipText(path, entry, maxBytes);
    } catch (error) {
      throw new XlsxReadError(`broken XLSX workbook: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const parse = (part: string, xml: string, handler: XmlHandler): void => {
    try {
      parseXml(xml, handler);
    } catch (error) {
      throw new XlsxReadError(
        `broken XLSX workbook: ${part}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  const rootRelsXml = await text('_rels/.rels');
  const rootRels = rootRelsXml === null ? new Map<string, Relationship>() : relationships(rootRelsXml, '', parse);
  const workbookPath =
    [...rootRels.values()].find((rel) => rel.type === REL_TYPES.officeDocument)?.target ?? 'xl/workbook.xml';
  const workbookXml = await text(workbookPath);
  if (workbookXml === null) throw new XlsxReadError(`not an XLSX workbook: no workbook part (${workbookPath})`);
  const workbookDir = posix.dirname(workbookPath);
  const workbookRelsPath = posix.join(workbookDir, '_rels', `${posix.basename(workbookPath)}.rels`);
  const workbookRelsXml = await text(workbookRelsPath);
  const workbookRels =
    workbookRelsXml === null ? new Map<string, Relationship>() : relationships(workbookRelsXml, workbookDir, parse);

  const sheets: SheetRef[] = [];
  parse(workbookPath, workbookXml, {
    open(name, attributes) {
      if (localName(name) !== 'sheet') return;
      const sheetName = decodeXString(attributes.name ?? '');
      const id = attributeByLocalName(attributes, 'id');
      const rel = id === undefined ? undefined : workbookRels.get(id);
      if (!rel) throw new XlsxReadError(`broken XLSX workbook: sheet "${sheetName}" has no part`);
      sheets.push({ name: sheetName, path: rel.target });
    },
    close() {},
    text() {},
  });
  if (sheets.length === 0) throw new XlsxReadError('not an XLSX workbook: no sheets');
  const sharedStringsPath = [...workbookRels.values()].find((rel) => rel.type === REL_TYPES.sharedStrings)?.target;

  const customPath =
    [...rootRels.values()].find((rel) => rel.type === REL_TYPES.customProperties)?.target ?? 'docProps/custom.xml';
  const customXml = await text(customPath);
  const properties =
    customXml === null ? {} : customProperties(customXml, (xml, handler) => parse(customPath, xml, handler));

  let sharedStrings: Promise<readonly string[]> | null = null;
  const loadSharedStrings = (): Promise<readonly string[]> => {
    sharedStrings ??= (async () => {
      const entry = sharedStringsPath === undefined ? undefined : find(sharedStringsPath);
      if (entry === undefined) return [];
      const handler = new SharedStringsHandler();
      try {
        await parsePart(path, entry, handler, MAX_SHARED_STRINGS);
      } catch (error) {
        throw new XlsxReadError(
          `broken XLSX workbook: ${entry.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return handler.strings;
    })();
    return sharedStrings;
  };

  const sheetNames = sheets.map((sheet) => sheet.name);
  return {
    sheets: sheetNames,
    properties,
    rows(sheet: string | number): AsyncIterable<XlsxValue[]> {
      const ref = typeof sheet === 'number' ? sheets[sheet] : sheets.find((candidate) => candidate.name === sheet);
      if (!ref) {
        throw new XlsxReadError(`no sheet ${JSON.stringify(sheet)} (the sheets: ${sheetNames.join(', ')})`);
      }
      const entry = find(ref.path);
      if (!entry) throw new XlsxReadError(`broken XLSX workbook: the part of sheet "${ref.name}" is missing`);
      return sheetRows(path, ref, entry, loadSharedStrings);
    },
  };
}

/** Relationships by id, targets resolved to part names. */
function relationships(
  xml: string,
  baseDir: string,
  parse: (part: string, xml: string, handler: XmlHandler) => void,
): Map<string, Relationship> {
  const rels = new Map<string, Relationship>();
  parse('relationships', xml, {
    open(name, attributes) {
      if (localName(name) !== 'Relationship' || attributes.TargetMode === 'External') return;
      const { Id: id, Type: type, Target: target } = attributes;
      if (id === undefined || type === undefined || target === undefined) return;
      rels.set(id, { type, target: resolveTarget(baseDir, target) });
    },
    close() {},
    text() {},
  });
  return rels;
}

function resolveTarget(baseDir: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : posix.join(baseDir, target);
  return posix.normalize(path).replace(/^(\.\.\/)+/, '');
}

function customProperties(xml: string, parse: (xml: string, handler: XmlHandler) => void): Record<string, string> {
  const properties: Record<string, string> = Object.create(null) as Record<string, string>;
  let current: string | null = null;
  let depth = 0;
  let value = '';
  parse(xml, {
    open(name, attributes) {
      if (localName(name) === 'property') {
        current = attributes.name ?? null;
        depth = 0;
        value = '';
      } else if (current !== null) {
        depth += 1;
      }
    },
    close(name) {
      if (localName(name) === 'property') {
        if (current !== null) properties[current] = value;
        current = null;
      } else if (current !== null) {
        depth -= 1;
      }
    },
    text(text) {
      if (current !== null && depth > 0) value += text;
    },
  });
  return { ...properties };
}

/**
 * Collects the text of a rich or plain string (`<si>` or `<is>`): the `<t>` elements, leaving
 * out phonetic runs (`<rPh>`).
 */
class StringCollector {
  private inT = false;
  private phonetic = 0;
  value = '';

  open(local: string): void {
    if (local === 't' && this.phonetic === 0) this.inT = true;
    else if (local === 'rPh') this.phonetic += 1;
  }

  close(local: string): void {
    if (local === 't') this.inT = false;
    else if (local === 'rPh') this.phonetic -= 1;
  }

  text(text: string): void {
    if (this.inT) this.value += text;
  }

  take(): string {
    const value = decodeXString(this.value);
    this.value = '';
    this.inT = false;
    this.phonetic = 0;
    return value;
  }
}

/** The shared strings table (`<sst>`), read as a stream. */
class SharedStringsHandler implements XmlHandler {
  readonly strings: string[] = [];
  private inItem = false;
  private readonly collector = new StringCollector();

  open(name: string): void {
    const local = localName(name);
    if (local === 'si') this.inItem = true;
    else if (this.inItem) this.collector.open(local);
  }

  close(name: string): void {
    const local = localName(name);
    if (local === 'si') {
      this.strings.push(this.collector.take());
      this.inItem = false;
    } else if (this.inItem) {
      this.collector.close(local);
    }
  }

  text(text: string): void {
    if (this.inItem) this.collector.text(text);
  }
}

/** Streams a part through the tokenizer. */
async function parsePart(path: string, entry: ZipEntry, handler: XmlHandler, maxBytes: number): Promise<void> {
  const tokenizer = new XmlTokenizer(handler);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of readZipEntry(path, entry, { maxBytes })) tokenizer.write(decoder.write(chunk));
  tokenizer.write(decoder.end());
  tokenizer.end();
}

/** `C5` → 2; null when the reference has no column letters. */
function columnIndex(ref: string): number | null {
  let index = 0;
  let i = 0;
  for (; i < ref.length; i += 1) {
    const code = ref.charCodeAt(i);
    if (code >= 65 && code <= 90) index = index * 26 + (code - 64);
    else if (code >= 97 && code <= 122) index = index * 26 + (code - 96);
    else break;
  }
  return i === 0 ? null : index - 1;
}

/** The sheet XML, turned into rows as the tokenizer goes. */
class SheetHandler implements XmlHandler {
  /** Completed rows not yet yielded. */
  readonly ready: XlsxValue[][] = [];
  private nextRow = 1;
  private row: XlsxValue[] | null = null;
  private column = -1;
  private type = 'n';
  private inValue = false;
  private value = '';
  private hasValue = false;
  private inInline = false;
  private readonly inline = new StringCollector();

  constructor(
    private readonly sharedStrings: readonly string[],
    private readonly sheetName: string,
  ) {}

  open(name: string, attributes: XmlAttributes): void {
    const local = name.includes(':') ? localName(name) : name;
    switch (local) {
      case 'row': {
        const r = attributes.r === undefined ? this.nextRow : Number.parseInt(attributes.r, 10);
        if (!Number.isSafeInteger(r) || r < this.nextRow) throw this.error(`rows out of order at row ${attributes.r}`);
        while (this.nextRow < r) {
          this.ready.push([]);
          this.nextRow += 1;
        }
        this.row = [];
        this.column = -1;
        break;
      }
      case 'c': {
        const ref = attributes.r;
        const column = ref === undefined ? this.column + 1 : columnIndex(ref);
        if (column === null || column <= this.column) throw this.error(`cells out of order at ${ref}`);
        this.column = column;
        this.type = attributes.t ?? 'n';
        this.value = '';
        this.hasValue = false;
        break;
      }
      case 'v':
        this.inValue = true;
        this.hasValue = true;
        break;
      case 'is':
        this.inInline = true;
        this.hasValue = true;
        break;
      default:
        if (this.inInline) this.inline.open(local);
    }
  }

  close(name: string): void {
    const local = name.includes(':') ? localName(name) : name;
    switch (local) {
      case 'v':
        this.inValue = false;
        break;
      case 'is':
        this.inInline = false;
        break;
      case 'c': {
        const row = this.row;
        if (row === null) throw this.error('a cell outside a row');
        const value = this.cellValue();
        if (value !== null) {
          while (row.length < this.column) row.push(null);
          row.push(value);
        }
        break;
      }
      case 'row':
        if (this.row !== null) this.ready.push(this.row);
        this.row = null;
        this.nextRow += 1;
        break;
      default:
        if (this.inInline) this.inline.close(local);
    }
  }

  text(text: string): void {
    if (this.inValue) this.value += text;
    else if (this.inInline) this.inline.text(text);
  }

  private cellValue(): XlsxValue {
    if (!this.hasValue) return null;
    switch (this.type) {
      case 'inlineStr':
        return this.inline.take();
      case 's': {
        const index = Number(this.value);
        const shared = this.sharedStrings[index];
        if (!Number.isInteger(index) || shared === undefined) throw this.error(`no shared string ${this.value}`);
        return shared;
      }
      case 'str':
        return decodeXString(this.value);
      case 'b':
        return this.value.trim() === '1' || this.value.trim() === 'true';
      case 'e':
      case 'd':
        return this.value;
      default: {
        const trimmed = this.value.trim();
        if (trimmed === '') return null;
        const number = Number(trimmed);
        return Number.isNaN(number) ? trimmed : number;
      }
    }
  }

  private error(message: string): XlsxReadError {
    return new XlsxReadError(`broken XLSX workbook: sheet "${this.sheetName}": ${message}`);
  }
}

async function* sheetRows(
  path: string,
  ref: SheetRef,
  entry: ZipEntry,
  loadSharedStrings: () => Promise<readonly string[]>,
): AsyncGenerator<XlsxValue[], void, undefined> {
  const handler = new SheetHandler(await loadSharedStrings(), ref.name);
  const tokenizer = new XmlTokenizer(handler);
  const decoder = new StringDecoder('utf8');
  const wrap = (error: unknown): unknown =>
    error instanceof XlsxReadError
      ? error
      : new XlsxReadError(
          `broken XLSX workbook: sheet "${ref.name}": ${error instanceof Error ? error.message : String(error)}`,
        );
  try {
    for await (const chunk of readZipEntry(path, entry)) {
      tokenizer.write(decoder.write(chunk));
      if (handler.ready.length > 0) {
        const rows = handler.ready.splice(0);
        for (const row of rows) yield row;
      }
    }
    tokenizer.write(decoder.end());
    tokenizer.end();
  } catch (error) {
    throw wrap(error);
  }
  for (const row of handler.ready.splice(0)) yield row;
}
