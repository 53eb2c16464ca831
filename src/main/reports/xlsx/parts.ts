import { escapeXmlAttribute, escapeXmlText } from './xml';

/** The fixed parts of a workbook and their builders; the writer adds them once the sheets are known. */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PACKAGE_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_OFFICE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const REL_TYPES = {
  officeDocument: `${REL_OFFICE}/officeDocument`,
  worksheet: `${REL_OFFICE}/worksheet`,
  styles: `${REL_OFFICE}/styles`,
  sharedStrings: `${REL_OFFICE}/sharedStrings`,
  coreProperties: 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
  extendedProperties: `${REL_OFFICE}/extended-properties`,
  customProperties: `${REL_OFFICE}/custom-properties`,
} as const;

/** Cell styles (indexes into cellXfs of STYLES_XML). */
export const STYLE = {
  general: 0,
  header: 1,
  text: 2,
  integer: 3,
  decimal: 4,
  percent: 5,
  datetime: 6,
  date: 7,
  duration: 8,
} as const;

/** Number formats: the custom ones get ids from 164; 0, 1, 2 and 49 are built in (General, 0, 0.00, @). */
export const NUMBER_FORMATS = {
  datetime: 'dd.mm.yyyy hh:mm:ss',
  date: 'dd.mm.yyyy',
  duration: '[h]:mm:ss',
  percent: '0.0%',
  decimal: '0.00',
} as const;

export const STYLES_XML =
  XML_DECLARATION +
  `<styleSheet xmlns="${NS_MAIN}">` +
  '<numFmts count="4">' +
  `<numFmt numFmtId="164" formatCode="${NUMBER_FORMATS.datetime}"/>` +
  `<numFmt numFmtId="165" formatCode="${NUMBER_FORMATS.date}"/>` +
  `<numFmt numFmtId="166" formatCode="${NUMBER_FORMATS.duration}"/>` +
  `<numFmt numFmtId="167" formatCode="${NUMBER_FORMATS.percent}"/>` +
  '</numFmts>' +
  '<fonts count="2">' +
  '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '</fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="9">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>' +
  // Text cells carry the text format (@): a cell edited later in Excel stays text, never a formula.
  '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '<dxfs count="0"/><tableStyles count="0"/>' +
  '</styleSheet>';

export interface SheetEntry {
  readonly name: string;
  /** The autofilter range, e.g. `A1:L1001`. */
  readonly filterRef: string;
}

export function sheetPath(index: number): string {
  return `xl/worksheets/sheet${index + 1}.xml`;
}

/** A sheet name inside a formula or defined name: always quoted, apostrophes doubled. */
export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** `A1:L1001` → `$A$1:$L$1001`. */
function absoluteRef(ref: string): string {
  return ref
    .split(':')
    .map((cell) => cell.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2'))
    .join(':');
}

export function contentTypesXml(sheetCount: number, withCustomProperties: boolean): string {
  let xml =
    XML_DECLARATION +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>';
  for (let i = 0; i < sheetCount; i += 1) {
    xml += `<Override PartName="/${sheetPath(i)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`;
  }
  xml +=
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>';
  if (withCustomProperties) {
    xml +=
      '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>';
  }
  return `${xml}</Types>`;
}

export function rootRelsXml(withCustomProperties: boolean): string {
  return (
    XML_DECLARATION +
    `<Relationships xmlns="${NS_PACKAGE_RELS}">` +
    `<Relationship Id="rId1" Type="${REL_TYPES.officeDocument}" Target="xl/workbook.xml"/>` +
    `<Relationship Id="rId2" Type="${REL_TYPES.coreProperties}" Target="docProps/core.xml"/>` +
    `<Relationship Id="rId3" Type="${REL_TYPES.extendedProperties}" Target="docProps/app.xml"/>` +
    (withCustomProperties
      ? `<Relationship Id="rId4" Type="${REL_TYPES.customProperties}" Target="docProps/custom.xml"/>`
      : '') +
    '</Relationships>'
  );
}

export function workbookRelsXml(sheetCount: number): string {
  let xml = XML_DECLARATION + `<Relationships xmlns="${NS_PACKAGE_RELS}">`;
  for (let i = 0; i < sheetCount; i += 1) {
    xml += `<Relationship Id="rId${i + 1}" Type="${REL_TYPES.worksheet}" Target="worksheets/sheet${i + 1}.xml"/>`;
  }
  xml += `<Relationship Id="rId${sheetCount + 1}" Type="${REL_TYPES.styles}" Target="styles.xml"/>`;
  return `${xml}</Relationships>`;
}

export function workbookXml(sheets: readonly SheetEntry[]): string {
  let xml =
    XML_DECLARATION +
    `<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_R}">` +
    '<workbookPr/>' +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    '<sheets>';
  sheets.forEach((sheet, i) => {
    xml += `<sheet name="${escapeXmlAttribute(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`;
  });
  xml += '</sheets><definedNames>';
  // Excel keeps an autofilter's range in this hidden name; without it the filter misbehaves.
  sheets.forEach((sheet, i) => {
    xml +=
      `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">` +
      `${escapeXmlText(`${quoteSheetName(sheet.name)}!${absoluteRef(sheet.filterRef)}`)}</definedName>`;
  });
  return `${xml}</definedNames></workbook>`;
}

export function corePropertiesXml(created: Date, creator: string, title: string | undefined): string {
  const when = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    XML_DECLARATION +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"' +
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"' +
    ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (title === undefined ? '' : `<dc:title>${escapeXmlText(title, false)}</dc:title>`) +
    `<dc:creator>${escapeXmlText(creator, false)}</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

export function appPropertiesXml(application: string): string {
  return (
    XML_DECLARATION +
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"' +
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    `<Application>${escapeXmlText(application, false)}</Application>` +
    '</Properties>'
  );
}

/** Custom document properties, all strings (vt:lpwstr); pids start at 2. */
export function customPropertiesXml(properties: Readonly<Record<string, string>>): string {
  let xml =
    XML_DECLARATION +
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"' +
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">';
  let pid = 2;
  for (const [name, value] of Object.entries(properties)) {
    xml +=
      `<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="${pid}" name="${escapeXmlAttribute(name, false)}">` +
      `<vt:lpwstr>${escapeXmlText(value, false)}</vt:lpwstr></property>`;
    pid += 1;
  }
  return `${xml}</Properties>`;
}
