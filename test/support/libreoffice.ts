import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { executable, requirement } from './requirements';

/**
 * Headless LibreOffice as an independent reader (and writer) of our export files: a workbook is
 * converted to CSV as LibreOffice shows it. Each conversion gets its own profile directory, so
 * conversions never share (or wait for) a running instance.
 */

export const SOFFICE_PATH = '/usr/bin/soffice';

export const libreOffice = requirement(
  `LibreOffice (${SOFFICE_PATH})`,
  executable(SOFFICE_PATH),
  'Install the Debian package: apt-get install libreoffice-calc.',
);

/**
 * CSV export filter "Text - txt - csv (StarCalc)" with its tokens: 44 comma, 34 double quote,
 * 76 UTF-8, 1 (first line), no column formats, 0 language, false (do not quote every text
 * cell), true, true = save cell contents as shown (formatted: dates as dd.mm.yyyy hh:mm:ss), false
 * (no formulas), false, -1 = every sheet, each to `<name>-<sheet>.csv` (LibreOffice 7.2 and later).
 */
export const CSV_ALL_SHEETS = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1';

/** Excel 2007–365 (.xlsx) as LibreOffice saves it (shared strings and all). */
export const XLSX_EXPORT = 'xlsx:Calc MS Excel 2007 XML';

/** CSV import as our CSV exports are written: semicolon, double quote, UTF-8, German (1031). */
export const CSV_IMPORT_GERMAN = 'CSV:59,34,76,1,,1031';

export interface ConvertOptions {
  /** `--convert-to` argument. Default: CSV_ALL_SHEETS. */
  readonly convertTo?: string;
  /** `--infilter` argument, for CSV input (e.g. CSV_IMPORT_GERMAN). */
  readonly infilter?: string;
  readonly timeoutMs?: number;
}

export interface ConvertedFile {
  /** The output file's name (LibreOffice's choice: `<input>-<sheet>.csv` for all sheets). */
  readonly file: string;
  readonly data: Buffer;
  /** The data as UTF-8 text. */
  readonly text: string;
}

/** Converts one file; returns every output file LibreOffice wrote, sorted by name. */
export async function convertWithLibreOffice(input: string, options: ConvertOptions = {}): Promise<ConvertedFile[]> {
  const profile = await mkdtemp(join(tmpdir(), 'hotline-desk-lo-profile-'));
  const outDir = await mkdtemp(join(tmpdir(), 'hotline-desk-lo-out-'));
  try {
    const args = [
      `-env:UserInstallation=${pathToFileURL(profile).href}`,
      '--headless',
      '--norestore',
      '--nolockcheck',
      ...(options.infilter === undefined ? [] : [`--infilter=${options.infilter}`]),
      '--convert-to',
      options.convertTo ?? CSV_ALL_SHEETS,
      '--outdir',
      outDir,
      input,
    ];
    const { stdout, stderr } = await run(SOFFICE_PATH, args, options.timeoutMs ?? 120_000);
    const files = (await readdir(outDir)).sort();
    if (files.length === 0) {
      throw new Error(`LibreOffice wrote nothing for ${input}.\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    return await Promise.all(
      files.map(async (file) => {
        const data = await readFile(join(outDir, file));
        return { file, data, text: data.toString('utf8') };
      }),
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * A workbook's sheets as LibreOffice shows them, as CSV text by sheet name (from the output
 * names `<input>-<sheet>.csv`).
 */
export async function libreOfficeCsvSheets(
  input: string,
  options: Omit<ConvertOptions, 'convertTo'> = {},
): Promise<Map<string, string>> {
  const prefix = `${basename(input, extname(input))}-`;
  const sheets = new Map<string, string>();
  for (const { file, text } of await convertWithLibreOffice(input, { ...options, convertTo: CSV_ALL_SHEETS })) {
    const stem = basename(file, '.csv');
    sheets.set(stem.startsWith(prefix) ? stem.slice(prefix.length) : stem, text);
  }
  return sheets;
}

/** RFC 4180 CSV (quoted fields may hold separators, quotes and line breaks) to rows of fields. */
export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field.length === 0) {
      quoted = true;
    } else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, SAL_USE_VCLPLUGIN: 'svp' },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}
