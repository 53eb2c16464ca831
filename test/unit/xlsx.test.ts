import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { zipSync, strToU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { serialToWallClock, wallClockToSerial, ZoneClock } from '../../src/main/reports/xlsx/dates';
import { openXlsx, XlsxReadError, type XlsxValue } from '../../src/main/reports/xlsx/read';
import {
  columnLetters,
  safeSheetName,
  sheetNameProblem,
  XlsxWriter,
  type XlsxColumn,
  type XlsxRow,
  type XlsxWriterOptions,
} from '../../src/main/reports/xlsx/write';
import { XmlTokenizer, type XmlHandler } from '../../src/main/reports/xlsx/xml';
import { readZipDirectory, readZipText } from '../../src/main/reports/xlsx/zip-read';
import {
  convertWithLibreOffice,
  libreOffice,
  libreOfficeCsvSheets,
  parseCsv,
  XLSX_EXPORT,
} from '../support/libreoffice';
import { tempDir } from '../support/temp';

const CALLS: readonly XlsxColumn[] = [
  { key: 'start', header: 'Beginn', type: 'datetime' },
  { key: 'day', header: 'Tag', type: 'date' },
  { key: 'talk', header: 'Gesprächsdauer', type: 'duration' },
  { key: 'note', header: 'Notiz', type: 'text' },
  { key: 'count', header: 'Anzahl', type: 'integer' },
  { key: 'score', header: 'Wert', type: 'decimal' },
  { key: 'share', header: 'Anteil', type: 'percent' },
];

/** The formula-injection texts: each must stay text, verbatim. */
const INJECTION = ['=1+1', '+49 30 123', '-5', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'];

async function writeWorkbook(
  path: string,
  build: (xlsx: XlsxWriter) => Promise<void>,
  options: XlsxWriterOptions = {},
): Promise<{ sheets: string[]; rows: number }> {
  const xlsx = new XlsxWriter(createWriteStream(path), options);
  await build(xlsx);
  return xlsx.finish();
}

async function allRows(path: string, sheet: string | number): Promise<XlsxValue[][]> {
  const workbook = await openXlsx(path);
  const rows: XlsxValue[][] = [];
  for await (const row of workbook.rows(sheet)) rows.push(row);
  return rows;
}

/** A part of the ZIP as text (for the XML the readers cannot show: panes, filters). */
async function part(path: string, name: string): Promise<string> {
  const entry = (await readZipDirectory(path)).get(name);
  if (!entry) throw new Error(`no ${name}`);
  return readZipText(path, entry, 64 * 1024 * 1024);
}

const berlin = new ZoneClock('Europe/Berlin');
/** The serial of an instant shown in Berlin. */
function berlinSerial(epochMs: number): number {
  const wall = new Date(berlin.wallMs(epochMs));
  return wallClockToSerial({
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  });
}

describe.each(['zlib', 'fflate'] as const)('XLSX writer and reader (%s deflate)', (engine) => {
  it('round-trips typed cells, umlauts, injection texts, nulls, sheets and properties', async () => {
    const dir = await tempDir();
    const file = join(dir, 'calls.xlsx');
    const start = Date.UTC(2026, 2, 29, 1, 30); // 03:30 in Berlin, just after the spring change
    const summary = await writeWorkbook(
      file,
      async (xlsx) => {
        xlsx.startSheet('Anrufe', CALLS);
        await xlsx.addRow({ start, day: start, talk: 3723, note: 'Grüße aus Köln: ÄÖÜ äöü ß €', count: 7 });
        for (const [i, note] of INJECTION.entries()) {
          await xlsx.addRow([{ year: 2026, month: 1, day: i + 1, hour: 8, minute: 5, second: 9 }, null, 0, note, i]);
        }
        await xlsx.addRow({ score: 12.345, share: 0.125, note: '' });
        await xlsx.addRow([]);
        await xlsx.endSheet();
        await xlsx.writeSheet(
          'KPI',
          [
            { key: 'figure', header: 'Kennzahl', type: 'text' },
            { key: 'value', header: 'Wert', type: 'decimal' },
          ],
          [
            ['Anrufe', 1234],
            ['Erreichbarkeit', 0.9312],
          ],
        );
      },
      { engine, properties: { formatVersion: '1', installationId: 'inst-42', Anmerkung: 'für Ämter' } },
    );
    expect(summary).toEqual({ sheets: ['Anrufe', 'KPI'], rows: INJECTION.length + 5 });

    const workbook = await openXlsx(file);
    expect(workbook.sheets).toEqual(['Anrufe', 'KPI']);
    expect(workbook.properties).toEqual({ formatVersion: '1', installationId: 'inst-42', Anmerkung: 'für Ämter' });
    const rows = await allRows(file, 'Anrufe');
    expect(rows[0]).toEqual(CALLS.map((column) => column.header));
    // Serials are written to 1e-10 days (Excel keeps 15 digits anyway).
    expect(rows[1]).toEqual([
      expect.closeTo(berlinSerial(start), 9),
      wallClockToSerial({ year: 2026, month: 3, day: 29 }),
      expect.closeTo(3723 / 86_400, 9),
      'Grüße aus Köln: ÄÖÜ äöü ß €',
      7,
    ]);
    expect(serialToWallClock(rows[1]![0] as number)).toEqual({
      year: 2026,
      month: 3,
      day: 29,
      hour: 3,
      minute: 30,
      second: 0,
    });
    INJECTION.forEach((note, i) => {
      const serial = wallClockToSerial({ year: 2026, month: 1, day: i + 1, hour: 8, minute: 5, second: 9 });
      expect(rows[2 + i]).toEqual([expect.closeTo(serial, 9), null, 0, note, i]);
    });
    expect(rows[2 + INJECTION.length]).toEqual([null, null, null, '', null, 12.345, 0.125]);
    expect(rows[3 + INJECTION.length]).toEqual([]);
    expect(rows).toHaveLength(INJECTION.length + 4);
    expect(await allRows(file, 1)).toEqual([
      ['Kennzahl', 'Wert'],
      ['Anrufe', 1234],
      ['Erreichbarkeit', 0.9312],
    ]);

    // Text is never a formula: inline strings only, no <f> anywhere.
    const sheetXml = await part(file, 'xl/worksheets/sheet1.xml');
    expect(sheetXml).not.toContain('<f>');
    expect(sheetXml).toContain('<c r="D3" s="2" t="inlineStr"><is><t>=1+1</t></is></c>');
    expect(sheetXml).toContain('<t xml:space="preserve">\tx</t>');
    expect(sheetXml).toContain('&#13;x');
  });

  it('continues a long sheet in further sheets, header repeated, rows in order', async () => {
    const dir = await tempDir();
    const file = join(dir, 'split.xlsx');
    const columns: XlsxColumn[] = [
      { key: 'n', header: 'Nr.', type: 'integer' },
      { key: 'who', header: 'Name', type: 'text' },
    ];
    const summary = await writeWorkbook(
      file,
      async (xlsx) => {
        xlsx.startSheet('Anrufe', columns);
        for (let n = 1; n <= 10; n += 1) await xlsx.addRow([n, `Anruf ${n}`]);
        await xlsx.endSheet();
        await xlsx.writeSheet('Summe', [{ key: 'total', header: 'Summe', type: 'integer' }], [[10]]);
      },
      { engine, maxRowsPerSheet: 4 },
    );
    expect(summary).toEqual({ sheets: ['Anrufe', 'Anrufe (2)', 'Anrufe (3)', 'Summe'], rows: 11 });
    const workbook = await openXlsx(file);
    expect(workbook.sheets).toEqual(summary.sheets);
    const seen: XlsxValue[][] = [];
    for (const sheet of ['Anrufe', 'Anrufe (2)', 'Anrufe (3)']) {
      const rows = await allRows(file, sheet);
      expect(rows[0]).toEqual(['Nr.', 'Name']);
      expect(rows.length - 1).toBeLessThanOrEqual(4);
      seen.push(...rows.slice(1));
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, `Anruf ${i + 1}`]));
    const workbookXml = await part(file, 'xl/workbook.xml');
    expect(workbookXml).toContain(
      `<definedName name="_xlnm._FilterDatabase" localSheetId="2" hidden="1">'Anrufe (3)'!$A$1:$B$3</definedName>`,
    );
    expect(await part(file, 'xl/worksheets/sheet3.xml')).toContain('<autoFilter ref="A1:B3"/>');
  });
});

describe('XLSX writer', () => {
  it('freezes the header row and sets an autofilter Excel can use', async () => {
    const dir = await tempDir();
    const file = join(dir, 'view.xlsx');
    await writeWorkbook(file, async (xlsx) => {
      xlsx.startSheet("Anrufe's", CALLS);
      for (let i = 0; i < 3; i += 1) await xlsx.addRow({ count: i });
    });
    const sheet = await part(file, 'xl/worksheets/sheet1.xml');
    expect(sheet).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
    expect(sheet).toContain('<autoFilter ref="A1:G4"/>');
    expect(sheet.indexOf('<autoFilter')).toBeGreaterThan(sheet.indexOf('</sheetData>'));
    expect(sheet).toMatch(/<col min="3" max="3" width="18" customWidth="1"\/>/);
    const workbook = await part(file, 'xl/workbook.xml');
    expect(workbook).toContain(
      `<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'Anrufe''s'!$A$1:$G$4</definedName>`,
    );
    const styles = await part(file, 'xl/styles.xml');
    for (const format of ['dd.mm.yyyy hh:mm:ss', 'dd.mm.yyyy', '[h]:mm:ss', '0.0%']) {
      expect(styles).toContain(`formatCode="${format}"`);
    }
    expect(await part(file, '[Content_Types].xml')).toContain('/xl/worksheets/sheet1.xml');
  });

  it('drops what XML 1.0 cannot carry and keeps everything else verbatim', async () => {
    const dir = await tempDir();
    const file = join(dir, 'chars.xlsx');
    const texts = [
      'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg',
      'lone \uD800 surrogate \uDC00, pair 😀',
      'not a char: \uFFFE \uFFFF',
      'tags <b>&amp;</b> "quoted" \'single\' ]]>',
      'line\r\nbreaks\nand\rcr',
      '_x0041_ and _x005F_ stay literal',
      '  spaces  ',
      'Ελληνικά русский 中文 العربية',
    ];
    await writeWorkbook(file, async (xlsx) => {
      xlsx.startSheet('Zeichen', [{ key: 't', header: 'Text <&>', type: 'text' }]);
      for (const text of texts) await xlsx.addRow([text]);
    });
    expect((await allRows(file, 0)).slice(1)).toEqual([
      ['a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg'],
      ['lone \uFFFD surrogate \uFFFD, pair 😀'],
      ['not a char: \uFFFD \uFFFD'],
      [texts[3]],
      [texts[4]],
      [texts[5]],
      [texts[6]],
      [texts[7]],
    ]);
    expect((await allRows(file, 0))[0]).toEqual(['Text <&>']);
  });

  it('names the column and the row of a wrong value, and writes the rows around it', async () => {
    const dir = await tempDir();
    const file = join(dir, 'wrong.xlsx');
    const xlsx = new XlsxWriter(createWriteStream(file));
    xlsx.startSheet('Anrufe', CALLS);
    await xlsx.addRow({ count: 1 });
    expect(() => xlsx.addRow({ count: 1, talk: '12:00' })).toThrow(
      /sheet "Anrufe", data row 2, column "talk" \("Gesprächsdauer", duration\): expected a number of seconds ≥ 0, got a string \(5 characters\)/,
    );
    expect(() => xlsx.addRow({ count: 1.5 })).toThrow(/data row 2, column "count" .*integer/);
    expect(() => xlsx.addRow({ note: 42 as unknown as string })).toThrow(/column "note" .*expected a string, got a/);
    expect(() => xlsx.addRow({ start: { year: 2026, month: 2, day: 30 } })).toThrow(
      /column "start" .*day 30 does not exist in 2026-02/,
    );
    expect(() => xlsx.addRow({ start: Number.NaN })).toThrow(/column "start"/);
    expect(() => xlsx.addRow({ day: new Date(Number.NaN) })).toThrow(/column "day" .*invalid Date/);
    expect(() => xlsx.addRow({ share: Infinity })).toThrow(/column "share" .*got Infinity/);
    expect(() => xlsx.addRow({ talk: -1 })).toThrow(/column "talk" .*negative/);
    expect(() => xlsx.addRow({ caller: '030 123' } as XlsxRow)).toThrow(/data row 2: "caller" is not a column key/);
    expect(() => xlsx.addRow(new Array(8).fill(null))).toThrow(/8 values for 7 columns/);
    // No personal data in error messages: the value itself is never quoted.
    let message = '';
    try {
      xlsx.addRow({ count: 'Erika Mustermann' as unknown as number });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/column "count" .*got a string \(16 characters\)/);
    expect(message).not.toContain('Mustermann');
    await xlsx.addRow({ count: 3 });
    await xlsx.finish();
    expect(await allRows(file, 0)).toEqual([
      CALLS.map((column) => column.header),
      [null, null, null, null, 1],
      [null, null, null, null, 3],
    ]);
  });

  it('refuses bad sheets and columns with clear errors', async () => {
    const dir = await tempDir();
    const xlsx = new XlsxWriter(createWriteStream(join(dir, 'bad.xlsx')));
    expect(() => xlsx.startSheet('Anrufe', [{ key: 'a', header: 'A', type: 'money' as 'text' }])).toThrow(
      /column 1 \("a"\): unknown column type "money" \(one of text, integer, decimal, datetime, date, duration, percent\)/,
    );
    expect(() => xlsx.startSheet('Anrufe', [])).toThrow(/at least one column/);
    expect(() =>
      xlsx.startSheet('Anrufe', [
        { key: 'a', header: 'A', type: 'text' },
        { key: 'a', header: 'B', type: 'text' },
      ]),
    ).toThrow(/duplicate key "a"/);
    expect(() => xlsx.startSheet('Anrufe/März', CALLS)).toThrow(/must not contain any of/);
    expect(() => xlsx.startSheet('x'.repeat(32), CALLS)).toThrow(/at most 31 characters/);
    expect(() => xlsx.startSheet('', CALLS)).toThrow(/must not be empty/);
    expect(() => xlsx.addRow([])).toThrow(/startSheet first/);
    xlsx.startSheet('Anrufe', CALLS);
    expect(() => xlsx.startSheet('Weitere', CALLS)).toThrow(/not ended yet/);
    await xlsx.endSheet();
    expect(() => xlsx.startSheet('ANRUFE', CALLS)).toThrow(/duplicate sheet name/);
    await xlsx.finish();
    expect(() => new XlsxWriter(new Writable(), { timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
    expect(() => new XlsxWriter(new Writable(), { maxRowsPerSheet: 1_048_576 })).toThrow(/maxRowsPerSheet/);
  });

  it('has sheet-name helpers', () => {
    expect(sheetNameProblem('Anrufe (2)')).toBeNull();
    expect(sheetNameProblem('History')).toMatch(/reserved/);
    expect(sheetNameProblem("'quoted'")).toMatch(/apostrophe/);
    expect(safeSheetName('Anrufe: 01/2026 [alle]?')).toBe('Anrufe_ 01_2026 _alle__');
    expect(safeSheetName('x'.repeat(40))).toHaveLength(31);
    expect(sheetNameProblem(safeSheetName("'History'"))).toBeNull();
    expect([0, 25, 26, 701, 702, 16_383].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA', 'XFD']);
  });

  it('applies backpressure: a slow output never holds more than a bounded amount', async () => {
    let maxBuffered = 0;
    let written = 0;
    let waits = 0;
    const out = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        // Everything queued behind this write: its peak is what the writer let pile up.
        maxBuffered = Math.max(maxBuffered, out.writableLength);
        setTimeout(callback, 1);
      },
    });
    // Stored (level 0): the output is as large as the XML, some 6.5 MB.
    const xlsx = new XlsxWriter(out, { level: 0 });
    xlsx.startSheet('Anrufe', CALLS);
    for (let i = 0; i < 40_000; i += 1) {
      const wait = xlsx.addRow({ start: Date.UTC(2026, 0, 1) + i * 60_000, note: `Notiz ${i}`, count: i });
      if (wait) {
        waits += 1;
        await wait;
      }
    }
    await xlsx.finish();
    expect(written).toBeGreaterThan(5_000_000);
    expect(waits).toBeGreaterThan(3);
    expect(maxBuffered).toBeLessThan(1_500_000);
  });

  it('fails cleanly when the output fails, and when aborted', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const xlsx = new XlsxWriter(failing, { level: 0 });
    const run = async (): Promise<void> => {
      xlsx.startSheet('Anrufe', CALLS);
      for (let i = 0; i < 20_000; i += 1) await xlsx.addRow({ note: 'x'.repeat(100) });
      await xlsx.finish();
    };
    await expect(run()).rejects.toThrow('disk full');
    expect(() => xlsx.addRow({})).toThrow('disk full');

    const slow = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, callback) {
        setTimeout(callback, 50);
      },
    });
    const aborted = new XlsxWriter(slow, { level: 0 });
    aborted.startSheet('Anrufe', CALLS);
    let wait: Promise<void> | undefined;
    for (let i = 0; i < 10_000 && !wait; i += 1) wait = aborted.addRow({ note: 'y'.repeat(100) });
    expect(wait).toBeInstanceOf(Promise);
    aborted.abort(new Error('cancelled by the user'));
    await expect(wait).rejects.toThrow('cancelled by the user');
    expect(() => aborted.addRow({})).toThrow('cancelled by the user');
    expect(slow.destroyed).toBe(true);
  });

  it('writes 200,000 rows that the streaming reader counts back', async () => {
    const dir = await tempDir();
    const file = join(dir, 'big.xlsx');
    const total = 200_000;
    const start = Date.UTC(2026, 0, 1);
    await writeWorkbook(file, async (xlsx) => {
      xlsx.startSheet('Anrufe', CALLS);
      for (let i = 0; i < total; i += 1) {
        const wait = xlsx.addRow({
          start: start + i * 30_000,
          day: start + i * 30_000,
          talk: i % 4000,
          note: i % 3 === 0 ? `Rückruf erbeten – Vorgang ${i}` : 'erledigt',
          count: i,
          score: (i % 100) / 10,
          share: (i % 1000) / 1000,
        });
        if (wait) await wait;
      }
    });
    const workbook = await openXlsx(file);
    let count = 0;
    let last: XlsxValue[] = [];
    for await (const row of workbook.rows('Anrufe')) {
      count += 1;
      last = row;
    }
    expect(count).toBe(total + 1);
    expect(last[4]).toBe(total - 1);
    expect(last[3]).toBe('erledigt');
  }, 60_000);
});

describe('XLSX reader', () => {
  it('refuses what is not a workbook', async () => {
    const dir = await tempDir();
    const text = join(dir, 'calls.xlsx');
    await writeFile(text, 'Beginn;Dauer\n01.01.2026;1:00\n');
    await expect(openXlsx(text)).rejects.toThrow(XlsxReadError);
    await expect(openXlsx(text)).rejects.toThrow(/^not an XLSX workbook: /);
    const zip = join(dir, 'other.xlsx');
    await writeFile(zip, zipSync({ 'readme.txt': strToU8('hello'), 'word/document.xml': strToU8('<w/>') }));
    await expect(openXlsx(zip)).rejects.toThrow('not an XLSX workbook: no workbook part (xl/workbook.xml)');
    const empty = join(dir, 'empty.xlsx');
    await writeFile(empty, '');
    await expect(openXlsx(empty)).rejects.toThrow(/^not an XLSX workbook: /);
    await expect(openXlsx(join(dir, 'missing.xlsx'))).rejects.toThrow(/ENOENT/);
  });

  it('reads shared strings, booleans, str cells, gaps and missing rows', async () => {
    const dir = await tempDir();
    const file = join(dir, 'excel.xlsx');
    const main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    await writeFile(
      file,
      zipSync({
        '[Content_Types].xml': strToU8('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        '_rels/.rels': strToU8(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
        ),
        'xl/workbook.xml': strToU8(
          `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${rel}"><x:sheets><x:sheet name="Tabelle1" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`,
        ),
        'xl/_rels/workbook.xml.rels': strToU8(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId8" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
        ),
        'xl/sharedStrings.xml': strToU8(
          `<sst ${main}><si><t>Grüße</t></si><si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>ignored</t></rPh></si><si><t>cr_x000D_lf</t></si></sst>`,
        ),
        'xl/worksheets/sheet1.xml': strToU8(
          `<?xml version="1.0"?><worksheet ${main}><sheetData>` +
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>' +
            '<row r="3"><c r="B3" t="b"><v>1</v></c><c r="C3" t="str"><f>A1&amp;"!"</f><v>Grüße!</v></c><c r="D3" t="e"><v>#DIV/0!</v></c></row>' +
            '<row r="4"><c t="s"><v>2</v></c><c><v>1.5E3</v></c><c s="1"/><c r="E4"><v>-0.25</v></c></row>' +
            '</sheetData></worksheet>',
        ),
      }),
    );
    const workbook = await openXlsx(file);
    expect(workbook.sheets).toEqual(['Tabelle1']);
    expect(workbook.properties).toEqual({});
    expect(await allRows(file, 'Tabelle1')).toEqual([
      ['Grüße', null, 'rich text'],
      [],
      [null, true, 'Grüße!', '#DIV/0!'],
      ['cr\rlf', 1500, null, null, -0.25],
    ]);
    expect(() => workbook.rows('Tabelle2')).toThrow('no sheet "Tabelle2" (the sheets: Tabelle1)');
  });
});

describe('XML tokenizer', () => {
  const document =
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->' +
    '<root a="1" b=\'x &amp; &quot;y&quot; &#x41;&#66;\' c = "tab\tnew\nline">' +
    '<item>text &lt;&gt;&amp; ä 😀 &#13;</item><empty/><![CDATA[<raw> & ]]>\r\nafter</root>';

  function events(chunks: readonly string[]): string[] {
    const seen: string[] = [];
    const handler: XmlHandler = {
      open: (name, attributes) => seen.push(`<${name} ${JSON.stringify({ ...attributes })}>`),
      close: (name) => seen.push(`</${name}>`),
      text: (text) => seen.push(`"${text}"`),
    };
    const tokenizer = new XmlTokenizer(handler);
    for (const chunk of chunks) tokenizer.write(chunk);
    tokenizer.end();
    // Text may arrive in pieces: join neighbouring text events.
    return seen.reduce<string[]>((joined, event) => {
      const previous = joined.at(-1);
      if (previous?.startsWith('"') && event.startsWith('"'))
        joined[joined.length - 1] = `${previous.slice(0, -1)}${event.slice(1)}`;
      else joined.push(event);
      return joined;
    }, []);
  }

  it('tokenizes whatever the chunk boundaries', () => {
    const whole = events([document]);
    expect(whole).toEqual([
      '<root {"a":"1","b":"x & \\"y\\" AB","c":"tab new line"}>',
      '<item {}>',
      '"text <>& ä 😀 \r"',
      '</item>',
      '<empty {}>',
      '</empty>',
      '"<raw> & \nafter"',
      '</root>',
    ]);
    for (let cut = 1; cut < document.length; cut += 1) {
      expect(events([document.slice(0, cut), document.slice(cut)])).toEqual(whole);
    }
    expect(events(Array.from(document))).toEqual(whole);
  });

  it('refuses broken or dangerous XML', () => {
    expect(() => events(['<a><b></a>'])).toThrow(/mismatched tags/);
    expect(() => events(['<a>'])).toThrow(/not closed/);
    expect(() => events(['<a>&bogus;</a>'])).toThrow(/unknown entity/);
    expect(() => events(['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'])).toThrow(/DOCTYPE/);
    expect(() => events(['<a/><b/>'])).toThrow(/second root/);
    expect(() => events([''])).toThrow(/empty/);
  });
});

describe('time zones', () => {
  it('turns instants into Berlin wall time across both DST changes', () => {
    const wall = (iso: string): string => new Date(berlin.wallMs(Date.parse(iso))).toISOString().slice(0, 19);
    expect(wall('2026-03-29T00:59:59Z')).toBe('2026-03-29T01:59:59');
    expect(wall('2026-03-29T01:00:00Z')).toBe('2026-03-29T03:00:00');
    expect(wall('2026-03-29T01:30:00Z')).toBe('2026-03-29T03:30:00');
    expect(wall('2026-10-25T00:30:00Z')).toBe('2026-10-25T02:30:00');
    expect(wall('2026-10-25T00:59:59Z')).toBe('2026-10-25T02:59:59');
    expect(wall('2026-10-25T01:00:00Z')).toBe('2026-10-25T02:00:00');
    expect(wall('2026-10-25T01:30:00Z')).toBe('2026-10-25T02:30:00');
    expect(wall('2026-07-01T12:00:00.250Z')).toBe('2026-07-01T14:00:00');
    expect(new ZoneClock('UTC').wallMs(0)).toBe(0);
  });

  it('converts serials both ways', () => {
    expect(wallClockToSerial({ year: 1900, month: 3, day: 1 })).toBe(61);
    expect(wallClockToSerial({ year: 2026, month: 3, day: 29, hour: 12 })).toBe(46110.5);
    expect(serialToWallClock(46110.5)).toEqual({ year: 2026, month: 3, day: 29, hour: 12, minute: 0, second: 0 });
    expect(() => wallClockToSerial({ year: 1899, month: 12, day: 31 })).toThrow(/outside/);
  });
});

describe.skipIf(libreOffice.skip)('LibreOffice opens our workbooks', () => {
  beforeAll(() => libreOffice.assert());

  it('shows dates, durations, umlauts and injection texts as written', async () => {
    const dir = await tempDir();
    const file = join(dir, 'export.xlsx');
    const instants = [
      '2026-03-29T00:30:00Z', // 01:30 CET
      '2026-03-29T01:30:00Z', // 03:30 CEST: the hour 02:00–03:00 does not exist
      '2026-10-25T00:30:00Z', // 02:30 CEST
      '2026-10-25T01:30:00Z', // 02:30 CET: the hour 02:00–03:00 happens twice
      '2026-12-31T23:59:59Z', // 00:59:59 on New Year's Day
    ];
    const durations = [3723, 97_200, 0, 59, 360_000];
    const notes = ['Grüße, Herr Müller – ÄÖÜß', ...INJECTION.slice(0, 4)];
    await writeWorkbook(file, async (xlsx) => {
      xlsx.startSheet('Anrufe', CALLS);
      for (const [i, iso] of instants.entries()) {
        await xlsx.addRow({
          start: Date.parse(iso),
          day: Date.parse(iso),
          talk: durations[i],
          note: notes[i],
          count: i,
        });
      }
      await xlsx.addRow({ note: '\tx' });
      await xlsx.addRow({ note: '\rx' });
      await xlsx.endSheet();
      await xlsx.writeSheet('Übersicht', [{ key: 'k', header: 'Kennzahl', type: 'text' }], [['ä']]);
    });
    const sheets = await libreOfficeCsvSheets(file);
    expect([...sheets.keys()].sort()).toEqual(['Anrufe', 'Übersicht']);
    const rows = parseCsv(sheets.get('Anrufe')!);
    expect(rows).toHaveLength(1 + instants.length + 2);
    expect(rows[0]).toEqual(CALLS.map((column) => column.header));
    expect(rows.slice(1, 1 + instants.length).map((row) => row.slice(0, 5))).toEqual([
      ['29.03.2026 01:30:00', '29.03.2026', '1:02:03', 'Grüße, Herr Müller – ÄÖÜß', '0'],
      ['29.03.2026 03:30:00', '29.03.2026', '27:00:00', '=1+1', '1'],
      ['25.10.2026 02:30:00', '25.10.2026', '0:00:00', '+49 30 123', '2'],
      ['25.10.2026 02:30:00', '25.10.2026', '0:00:59', '-5', '3'],
      ['01.01.2027 00:59:59', '01.01.2027', '100:00:00', '@SUM(A1)', '4'],
    ]);
    expect(rows[1 + instants.length]![3]).toBe('\tx');
    expect(rows[2 + instants.length]![3]).toBe('\rx');
    expect(parseCsv(sheets.get('Übersicht')!)).toEqual([['Kennzahl'], ['ä']]);
  }, 120_000);

  it('reads our workbook back after LibreOffice saved it again (shared strings)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'ours.xlsx');
    const notes = ['Grüße – ÄÖÜß', ...INJECTION, '_x0041_ literal', 'line\nbreak'];
    await writeWorkbook(
      file,
      async (xlsx) => {
        await xlsx.writeSheet(
          'Anrufe',
          CALLS,
          notes.map((note, i) => ({
            note,
            count: i,
            talk: i * 3600,
            start: { year: 2026, month: 10, day: 25, hour: 2, minute: i },
          })),
        );
        await xlsx.writeSheet('KPI', [{ key: 'k', header: 'Kennzahl', type: 'text' }], [['Anrufe gesamt']]);
      },
      { properties: { formatVersion: '1' } },
    );
    const [converted] = await convertWithLibreOffice(file, { convertTo: XLSX_EXPORT });
    const resaved = join(dir, 'resaved.xlsx');
    await writeFile(resaved, converted!.data);
    expect(await part(resaved, 'xl/sharedStrings.xml')).toContain('Grüße');
    const workbook = await openXlsx(resaved);
    expect(workbook.sheets).toEqual(['Anrufe', 'KPI']);
    expect(workbook.properties).toMatchObject({ formatVersion: '1' });
    const ours = await allRows(file, 'Anrufe');
    const theirs = await allRows(resaved, 'Anrufe');
    expect(theirs).toHaveLength(ours.length);
    theirs.forEach((row, r) => {
      const expected = ours[r]!.map((value) => (typeof value === 'number' ? expect.closeTo(value, 9) : value));
      expect(row).toEqual(expected);
    });
    expect(await allRows(resaved, 'KPI')).toEqual([['Kennzahl'], ['Anrufe gesamt']]);
  }, 120_000);
});
