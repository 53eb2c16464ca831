/**
 * XML for the XLSX writer and reader: escaping on the way out, a small streaming tokenizer on
 * the way in (no DOM: a sheet of a million rows is read tag by tag).
 */

/** Characters XML 1.0 forbids (C0 controls other than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex -- matching the characters XML 1.0 forbids is the point
const XML_INVALID = /[\0-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/** What the escapers must look at at all; anything else is copied as it is. */
// eslint-disable-next-line no-control-regex -- matching the characters XML 1.0 forbids is the point
const TEXT_SPECIAL = /[&<>\r\0-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/u;
const TEXT_REPLACE = /[&<>\r]|_x[0-9A-Fa-f]{4}_/g;
const PLAIN_TEXT_REPLACE = /[&<>\r]/g;
// eslint-disable-next-line no-control-regex -- matching the characters XML 1.0 forbids is the point
const ATTR_SPECIAL = /[&<>"\t\n\r\0-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/u;
const ATTR_REPLACE = /[&<>"\t\n\r]|_x[0-9A-Fa-f]{4}_/g;
const PLAIN_ATTR_REPLACE = /[&<>"\t\n\r]/g;

/** What replaces a character XML 1.0 cannot carry. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** The text with every character XML 1.0 forbids replaced by U+FFFD. */
export function sanitizeXmlText(text: string): string {
  return text.replace(XML_INVALID, REPLACEMENT_CHARACTER);
}

function textEntity(match: string): string {
  switch (match) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '\r':
      // A raw CR would become LF in any conforming parser (end-of-line handling); a character
      // reference survives.
      return '&#13;';
    default:
      // A literal `_xHHHH_`: Excel would decode it (ST_Xstring), so escape its underscore.
      return `_x005F_${match.slice(1)}`;
  }
}

function attributeEntity(match: string): string {
  switch (match) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case '\t':
    case '\n':
    case '\r':
      // Attribute values are whitespace-normalized by parsers: keep tab, LF and CR as references.
      return `&#${match.charCodeAt(0)};`;
    default:
      return `_x005F_${match.slice(1)}`;
  }
}

/**
 * Text content: escaped for XML, CR kept as a reference, characters XML 1.0 forbids replaced by
 * U+FFFD. `xstring` (the default) is for the OOXML string type (cell text, sheet names, formulas):
 * Excel decodes `_xHHHH_` there as an escaped character, so a literal one gets its underscore
 * escaped (`_x005F_`) and comes back verbatim. Dublin Core and docProps values are plain strings.
 */
export function escapeXmlText(text: string, xstring = true): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return sanitizeXmlText(text).replace(xstring ? TEXT_REPLACE : PLAIN_TEXT_REPLACE, textEntity);
}

/** An attribute value (between double quotes); `xstring` as for escapeXmlText. */
export function escapeXmlAttribute(value: string, xstring = true): string {
  if (!ATTR_SPECIAL.test(value)) return value;
  return sanitizeXmlText(value).replace(xstring ? ATTR_REPLACE : PLAIN_ATTR_REPLACE, attributeEntity);
}

/** Whether a `<t>` element needs `xml:space="preserve"`: leading or trailing whitespace. */
export function needsSpacePreserve(text: string): boolean {
  if (text.length === 0) return false;
  return isXmlSpace(text.charCodeAt(0)) || isXmlSpace(text.charCodeAt(text.length - 1));
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Decodes the `_xHHHH_` escapes of the OOXML string type (ST_Xstring), as Excel does. */
export function decodeXString(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

// ---------------------------------------------------------------------------------------------
// Reading

export type XmlAttributes = Readonly<Record<string, string>>;

export interface XmlHandler {
  /** A start tag (or an empty-element tag, then `close` follows at once). Names keep their prefix. */
  open(name: string, attributes: XmlAttributes): void;
  close(name: string): void;
  /** Character data between tags, entities decoded (may arrive in several pieces). */
  text(text: string): void;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{1,10});/g, (_match, entity: string) => {
    if (entity.startsWith('#')) {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number.parseInt(entity.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) {
        throw new XmlError(`invalid character reference &${entity};`);
      }
      return String.fromCodePoint(code);
    }
    const decoded = PREDEFINED_ENTITIES[entity];
    if (decoded === undefined) throw new XmlError(`unknown entity &${entity};`);
    return decoded;
  });
}

/** End-of-line handling (XML 1.0 §2.11): CRLF and lone CR become LF; references are not affected. */
function normalizeLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** The attributes in `source[from, to)` (the tag after its name). */
function parseAttributes(source: string, from: number, to: number): XmlAttributes {
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = from;
  while (i < to) {
    const eq = source.indexOf('=', i);
    if (eq === -1 || eq >= to) {
      if (source.slice(i, to).trim().length > 0) throw new XmlError('an attribute without a value');
      break;
    }
    const name = source.slice(i, eq).trim();
    if (name.length === 0) throw new XmlError('an attribute without a name');
    let q = eq + 1;
    while (q < to && isXmlSpace(source.charCodeAt(q))) q += 1;
    const quote = source.charCodeAt(q);
    if (quote !== 0x22 && quote !== 0x27) throw new XmlError(`attribute ${name} without quotes`);
    const close = source.indexOf(quote === 0x22 ? '"' : "'", q + 1);
    if (close === -1 || close >= to) throw new XmlError(`attribute ${name} is not terminated`);
    let value = source.slice(q + 1, close);
    // Attribute-value normalization: literal whitespace characters become spaces.
    if (value.includes('\t') || value.includes('\n') || value.includes('\r')) value = value.replace(/[\t\n\r]/g, ' ');
    attributes[name] = decodeEntities(value);
    i = close + 1;
  }
  return attributes;
}

const NO_ATTRIBUTES: XmlAttributes = Object.freeze(Object.create(null) as Record<string, string>);

/** No single token (tag, text run, comment) of an XLSX part is anywhere near this long. */
const MAX_PENDING = 32 * 1024 * 1024;

/**
 * A streaming XML tokenizer: feed it text in pieces of any size, it calls the handler for each
 * complete tag and text run. Enough XML for OOXML parts: elements, attributes, the predefined and
 * numeric entities, comments, CDATA and processing instructions. A DOCTYPE is refused (OOXML has
 * none, and refusing it rules out entity expansion games). Nesting is checked.
 */
export class XmlTokenizer {
  private buffer = '';
  private readonly stack: string[] = [];
  private sawRoot = false;

  constructor(private readonly handler: XmlHandler) {}

  write(chunk: string): void {
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    const rest = this.scan(this.buffer);
    this.buffer = rest === 0 ? this.buffer : this.buffer.slice(rest);
    if (this.buffer.length > MAX_PENDING) throw new XmlError('malformed XML: a token longer than 32 MB');
  }

  end(): void {
    if (this.buffer.trim().length > 0) throw new XmlError('truncated XML: unfinished markup at the end');
    if (this.stack.length > 0) throw new XmlError(`truncated XML: <${this.stack.at(-1)}> is not closed`);
    if (!this.sawRoot) throw new XmlError('empty XML document');
  }

  /** Consumes every complete token; returns how many characters were consumed. */
  private scan(buf: string): number {
    const handler = this.handler;
    let pos = 0;
    const length = buf.length;
    while (pos < length) {
      const lt = buf.indexOf('<', pos);
      if (lt === -1) {
        // Text may continue in the next chunk: keep it until its end is known.
        return pos;
      }
      if (lt > pos) {
        const raw = buf.slice(pos, lt);
        if (this.stack.length > 0) handler.text(decodeEntities(normalizeLineEnds(raw)));
        else if (raw.trim().length > 0) throw new XmlError('text outside the root element');
      }
      pos = lt;
      if (lt + 1 >= length) return pos;
      const next = buf.charCodeAt(lt + 1);
      if (next === 0x21 /* ! */) {
        if (buf.startsWith('<!--', lt)) {
          const end = buf.indexOf('-->', lt + 4);
          if (end === -1) return pos;
          pos = end + 3;
        } else if (buf.startsWith('<![CDATA[', lt)) {
          const end = buf.indexOf(']]>', lt + 9);
          if (end === -1) return pos;
          if (this.stack.length === 0) throw new XmlError('CDATA outside the root element');
          handler.text(normalizeLineEnds(buf.slice(lt + 9, end)));
          pos = end + 3;
        } else if (length - lt < 9) {
          return pos;
        } else {
          throw new XmlError('a DOCTYPE or other declaration: not accepted in OOXML parts');
        }
        continue;
      }
      if (next === 0x3f /* ? */) {
        const end = buf.indexOf('?>', lt + 2);
        if (end === -1) return pos;
        pos = end + 2;
        continue;
      }
      const gt = findTagEnd(buf, lt + 1);
      if (gt === -1) return pos;
      if (next === 0x2f /* / */) {
        const name = buf.slice(lt + 2, gt).trim();
        const open = this.stack.pop();
        if (open !== name) {
          throw new XmlError(
            open === undefined ? `unexpected </${name}>` : `mismatched tags: <${open}> closed by </${name}>`,
          );
        }
        handler.close(name);
      } else {
        const selfClosing = buf.charCodeAt(gt - 1) === 0x2f;
        const bodyEnd = selfClosing ? gt - 1 : gt;
        let nameEnd = lt + 1;
        while (nameEnd < bodyEnd && !isXmlSpace(buf.charCodeAt(nameEnd))) nameEnd += 1;
        const name = buf.slice(lt + 1, nameEnd);
        if (name.length === 0) throw new XmlError('a tag without a name');
        if (this.stack.length === 0) {
          if (this.sawRoot) throw new XmlError('a second root element');
          this.sawRoot = true;
        }
        handler.open(name, nameEnd === bodyEnd ? NO_ATTRIBUTES : parseAttributes(buf, nameEnd, bodyEnd));
        if (selfClosing) handler.close(name);
        else this.stack.push(name);
      }
      pos = gt + 1;
    }
    return pos;
  }
}

/** The index of the `>` that ends the tag starting before `from`, skipping quoted attribute values. */
function findTagEnd(buf: string, from: number): number {
  const length = buf.length;
  for (let i = from; i < length; i += 1) {
    const code = buf.charCodeAt(i);
    if (code === 0x3e /* > */) return i;
    if (code === 0x22 /* " */ || code === 0x27 /* ' */) {
      const close = buf.indexOf(code === 0x22 ? '"' : "'", i + 1);
      if (close === -1) return -1;
      i = close;
    }
  }
  return -1;
}

/** The element name without its namespace prefix. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** An attribute by local name (`r:id` for `id`), whatever its prefix. */
export function attributeByLocalName(attributes: XmlAttributes, local: string): string | undefined {
  const direct = attributes[local];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(attributes)) {
    if (localName(key) === local) return attributes[key];
  }
  return undefined;
}

/** Parses a whole (small) XML document with the streaming tokenizer. */
export function parseXml(text: string, handler: XmlHandler): void {
  const tokenizer = new XmlTokenizer(handler);
  tokenizer.write(text);
  tokenizer.end();
}
