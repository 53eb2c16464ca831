/**
 * HID report descriptor parser (pure: bytes in, reports and fields out, no I/O).
 *
 * Walks every short and long item (HID 1.11, section 6.2.2) with the global state (Push/Pop
 * included) and the local state, and lays the Input, Output and Feature items out into reports
 * by report ID and type. Rules worth knowing:
 *
 * - A usage of 16 bits or fewer takes the usage page in effect when its main item is reached
 *   (HID 1.11, 6.2.2.8: the parser "concatenates the last declared Usage Page with a Usage"), so
 *   `09 07 05 09 81 02` is Button 7, not the Telephony page's Programmable Button. A 4-byte usage
 *   carries its own page in its high 16 bits. (Linux differs in one corner: when another usage is
 *   declared after the page change, it keeps the earlier usages on their old page. We follow the
 *   specification; see the headset notes in the report of issue 4.)
 * - Logical Minimum is signed; Logical Maximum is read signed only when the minimum is negative
 *   (as Linux does), so `15 00 25 FF` is 0..255 and `15 FF 25 01` is -1..1.
 * - Usage ranges are kept as ranges (never expanded), so a descriptor cannot make us allocate
 *   much whatever its counts say.
 * - Array fields keep their usage list: the value `logicalMinimum + k` in any element means the
 *   k-th usage of the list is asserted (as Linux reads arrays); see {@link arrayValueUsage}.
 * - Within a Delimiter set only the first usage (or range) counts, as in Linux.
 * - Reserved items and unknown tags are skipped; long items are skipped whole.
 *
 * Problems come in two kinds, both named by the 0-based byte offset and what was expected there:
 *
 * - **Structural** problems make the report layout unknowable, and throw a {@link DescriptorError}
 *   (use {@link tryParseReportDescriptor} for a result instead): an empty descriptor, a truncated
 *   short or long item, End Collection without an open collection or a collection never closed,
 *   Pop without Push, report ID 0 or one wider than a byte, a report ID declared after data went
 *   into a report without one, data without a report ID in a descriptor that uses IDs, a report
 *   longer than {@link MAX_REPORT_DATA_BYTES}, and a usage page wider than 16 bits (a global: it
 *   would put every later usage on an unknown page).
 * - **Field-level** problems concern one main item only, and become
 *   {@link ParsedDescriptor.warnings} (same message text as the error would have had, sorted by
 *   offset): a usage range spanning two usage pages or running backwards, a Usage Minimum without
 *   its Maximum (or the other way round), a second Minimum (or Maximum) before the range closes,
 *   Delimiter sets that are nested, never opened, still open at the main item or with a value
 *   other than 0 or 1, and a data field whose report size is 0 or above
 *   {@link MAX_DATA_FIELD_BITS} or whose logical maximum is below its logical minimum. Real
 *   headsets ship such oddities in vendor collections we ignore anyway (Linux accepts most of
 *   them), and refusing the whole descriptor would cost the device its call control.
 *   The offending Input, Output or Feature item is left out of `fields` (the whole item, not just
 *   its bad usage span: dropping one span would shift every later usage onto the wrong element or
 *   array value), but its `size × count` bits still count in its report, so every later field
 *   keeps its bit offset and the report its length; the structural checks above (report ID,
 *   report length) still apply to those bits. A Collection item with such a problem is kept (the
 *   nesting is structural); its usage is its first declared usage when nothing odd was declared
 *   before it, else null; odd local items before an End Collection are only warned about. Local
 *   items after the last main item describe nothing and are ignored, odd ones included.
 */

/** The most data bytes one report may carry (Linux: HID_MAX_BUFFER_SIZE less the report ID byte). */
export const MAX_REPORT_DATA_BYTES = 16_383;
/** The widest data field element we read: a value must fit a 32-bit integer. */
export const MAX_DATA_FIELD_BITS = 32;

export type ReportType = 'input' | 'output' | 'feature';

export interface Usage {
  readonly page: number;
  readonly id: number;
}

/** One Usage item (`first === last`) or one Usage Minimum/Maximum pair, resolved to its page. */
export interface UsageSpan {
  readonly page: number;
  readonly first: number;
  readonly last: number;
}

export interface FieldFlags {
  /** Bit 0: constant (padding or a fixed value), not data. */
  readonly constant: boolean;
  /** Bit 1: each element is its own variable; clear means an array of usage selectors. */
  readonly variable: boolean;
  /** Bit 2: the value is a change (a pulse), not a state. */
  readonly relative: boolean;
  readonly wrap: boolean;
  readonly nonLinear: boolean;
  readonly noPreferredState: boolean;
  readonly nullState: boolean;
  readonly volatile: boolean;
  readonly bufferedBytes: boolean;
}

interface FieldBase {
  readonly reportType: ReportType;
  /** 0 when the descriptor declares no report IDs. */
  readonly reportId: number;
  /** Offset of the first element, in bits from the first data byte (after the report ID byte). */
  readonly bitOffset: number;
  /** Report Size: bits per element. */
  readonly size: number;
  /** Report Count: number of elements. */
  readonly count: number;
  readonly flags: FieldFlags;
  readonly logicalMinimum: number;
  readonly logicalMaximum: number;
  /** The main item's usages in declaration order. */
  readonly usages: readonly UsageSpan[];
  /** Index into {@link ParsedDescriptor.collections} of the innermost enclosing collection. */
  readonly collection: number | null;
  /** Byte offset of the main item in the descriptor. */
  readonly itemOffset: number;
}

/** Element `i` carries the i-th usage of the list (the last one repeats when there are fewer). */
export interface VariableField extends FieldBase {
  readonly kind: 'variable';
}

/**
 * Each element holds a selector: `logicalMinimum + k` means usage `k` of the list is asserted;
 * a value outside that range (the "null" value) selects nothing.
 */
export interface ArrayField extends FieldBase {
  readonly kind: 'array';
}

export type Field = VariableField | ArrayField;

export interface Report {
  readonly type: ReportType;
  /** 0 when the descriptor declares no report IDs. */
  readonly id: number;
  readonly bitLength: number;
  /** Data bytes, without the report ID byte. */
  readonly byteLength: number;
  readonly fields: readonly Field[];
}

export const COLLECTION_TYPES = [
  'physical',
  'application',
  'logical',
  'report',
  'named array',
  'usage switch',
  'usage modifier',
] as const;
export type CollectionTypeName = (typeof COLLECTION_TYPES)[number] | 'reserved' | 'vendor';

export interface Collection {
  readonly type: number;
  readonly typeName: CollectionTypeName;
  readonly usage: Usage | null;
  readonly parent: number | null;
  readonly depth: number;
  readonly itemOffset: number;
}

/** A field-level problem: the Input, Output or Feature item it concerns is left out (see the top of this file). */
export interface DescriptorWarning {
  /** The 0-based byte the problem is at (always inside the descriptor). */
  readonly offset: number;
  /** `descriptor byte N: problem`, as a {@link DescriptorError}'s message reads. */
  readonly message: string;
}

export interface ParsedDescriptor {
  readonly byteLength: number;
  readonly usesReportIds: boolean;
  /** Every report with at least one bit, in order of first appearance. */
  readonly reports: readonly Report[];
  /** Every field in descriptor order. */
  readonly fields: readonly Field[];
  readonly collections: readonly Collection[];
  /** Field-level problems, by offset; empty for a well-formed descriptor. */
  readonly warnings: readonly DescriptorWarning[];
}

function problemMessage(offset: number, problem: string): string {
  return `descriptor byte ${offset}: ${problem}`;
}

/** A malformed descriptor: `offset` is the 0-based byte where the problem is. */
export class DescriptorError extends Error {
  readonly offset: number;
  readonly problem: string;

  constructor(offset: number, problem: string) {
    super(problemMessage(offset, problem));
    this.name = 'DescriptorError';
    this.offset = offset;
    this.problem = problem;
  }
}

export type DescriptorResult =
  | { readonly ok: true; readonly value: ParsedDescriptor }
  | { readonly ok: false; readonly error: { readonly offset: number; readonly message: string } };

// ── item codes (prefix byte with its size bits cleared) ───────────────────────────────────────

const MAIN_INPUT = 0x80;
const MAIN_OUTPUT = 0x90;
const MAIN_COLLECTION = 0xa0;
const MAIN_FEATURE = 0xb0;
const MAIN_END_COLLECTION = 0xc0;

const GLOBAL_USAGE_PAGE = 0x04;
const GLOBAL_LOGICAL_MINIMUM = 0x14;
const GLOBAL_LOGICAL_MAXIMUM = 0x24;
const GLOBAL_PHYSICAL_MINIMUM = 0x34;
const GLOBAL_PHYSICAL_MAXIMUM = 0x44;
const GLOBAL_UNIT_EXPONENT = 0x54;
const GLOBAL_UNIT = 0x64;
const GLOBAL_REPORT_SIZE = 0x74;
const GLOBAL_REPORT_ID = 0x84;
const GLOBAL_REPORT_COUNT = 0x94;
const GLOBAL_PUSH = 0xa4;
const GLOBAL_POP = 0xb4;

const LOCAL_USAGE = 0x08;
const LOCAL_USAGE_MINIMUM = 0x18;
const LOCAL_USAGE_MAXIMUM = 0x28;
const LOCAL_DELIMITER = 0xa8;

const LONG_ITEM_PREFIX = 0xfe;

const TYPE_MAIN = 0;
const TYPE_GLOBAL = 1;
const TYPE_LOCAL = 2;

interface GlobalState {
  readonly usagePage: number;
  readonly logicalMinimum: number;
  /** Kept both ways: which one applies depends on the minimum in effect at the main item. */
  readonly logicalMaximum: { readonly unsigned: number; readonly signed: number };
  readonly reportSize: number;
  readonly reportId: number;
  readonly reportCount: number;
}

const INITIAL_GLOBALS: GlobalState = {
  usagePage: 0,
  logicalMinimum: 0,
  logicalMaximum: { unsigned: 0, signed: 0 },
  reportSize: 0,
  reportId: 0,
  reportCount: 0,
};

/** A Usage, Usage Minimum or Usage Maximum as declared: 16-bit ones get their page at the main item. */
interface DeclaredUsage {
  readonly value: number;
  readonly extended: boolean;
  readonly offset: number;
}

type DeclaredEntry =
  | { readonly kind: 'single'; readonly usage: DeclaredUsage }
  | { readonly kind: 'range'; readonly minimum: DeclaredUsage; readonly maximum: DeclaredUsage };

/** A field-level problem found while reading the local items, reported at the next main item. */
interface Problem {
  readonly offset: number;
  readonly problem: string;
}

interface LocalState {
  entries: DeclaredEntry[];
  minimum: DeclaredUsage | null;
  maximum: DeclaredUsage | null;
  /** Byte offset of the open Delimiter set, or null. */
  delimiterOpenedAt: number | null;
  /** Inside a delimiter set, only its first usage (or range) counts. */
  delimiterSetUsed: boolean;
  /** Odd local items (a second range end, Delimiter misuse): the next main item is left out. */
  problems: Problem[];
}

function emptyLocals(): LocalState {
  return {
    entries: [],
    minimum: null,
    maximum: null,
    delimiterOpenedAt: null,
    delimiterSetUsed: false,
    problems: [],
  };
}

/** Where a declared usage entry starts (a range's ends may come in either order). */
function entryOffset(entry: DeclaredEntry): number {
  return entry.kind === 'single' ? entry.usage.offset : Math.min(entry.minimum.offset, entry.maximum.offset);
}

function hex(value: number, digits = 2): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
}

function readUnsigned(bytes: Uint8Array, start: number, size: number): number {
  let value = 0;
  for (let index = size - 1; index >= 0; index -= 1) value = value * 256 + (bytes[start + index] ?? 0);
  return value;
}

function toSigned(value: number, size: number): number {
  if (size === 0) return 0;
  const bits = size * 8;
  const half = 2 ** (bits - 1);
  return value >= half ? value - 2 ** bits : value;
}

function flagsFrom(value: number): FieldFlags {
  const bit = (index: number) => (value & (1 << index)) !== 0;
  return {
    constant: bit(0),
    variable: bit(1),
    relative: bit(2),
    wrap: bit(3),
    nonLinear: bit(4),
    noPreferredState: bit(5),
    nullState: bit(6),
    volatile: bit(7),
    bufferedBytes: bit(8),
  };
}

function collectionTypeName(type: number): CollectionTypeName {
  if (type >= 0x80) return 'vendor';
  return COLLECTION_TYPES[type] ?? 'reserved';
}

const MAIN_ITEM_NAMES: Record<number, string> = {
  [MAIN_INPUT]: 'Input',
  [MAIN_OUTPUT]: 'Output',
  [MAIN_FEATURE]: 'Feature',
};

const REPORT_TYPES: Record<number, ReportType> = {
  [MAIN_INPUT]: 'input',
  [MAIN_OUTPUT]: 'output',
  [MAIN_FEATURE]: 'feature',
};

interface ReportBuilder {
  readonly type: ReportType;
  readonly id: number;
  bitLength: number;
  readonly fields: Field[];
}

/**
 * Parses a report descriptor; throws {@link DescriptorError} (and nothing else) when it is
 * structurally malformed, and lists field-level problems in `warnings` (see the top of this file).
 */
export function parseReportDescriptor(bytes: Uint8Array): ParsedDescriptor {
  if (bytes.length === 0) throw new DescriptorError(0, 'expected an item, the descriptor is empty');

  let globals: GlobalState = INITIAL_GLOBALS;
  const globalStack: GlobalState[] = [];
  let locals = emptyLocals();

  const collections: Collection[] = [];
  const openCollections: number[] = [];
  const fields: Field[] = [];
  const reports = new Map<string, ReportBuilder>();
  const warnings: DescriptorWarning[] = [];
  let usesReportIds = false;
  /** Offset of the first main item that put bits into a report without an ID. */
  let firstUnnumberedField: number | null = null;

  const warn = (problems: readonly Problem[]) => {
    for (const { offset, problem } of problems) warnings.push({ offset, message: problemMessage(offset, problem) });
  };

  const resolve = (usage: DeclaredUsage): Usage =>
    usage.extended
      ? { page: Math.floor(usage.value / 0x10000), id: usage.value % 0x10000 }
      : { page: globals.usagePage, id: usage.value };

  /** Each declared entry in order, resolved to a span, or null with its problem. */
  const resolveEntry = (entry: DeclaredEntry): { span: UsageSpan } | { span: null; problem: Problem } => {
    if (entry.kind === 'single') {
      const usage = resolve(entry.usage);
      return { span: { page: usage.page, first: usage.id, last: usage.id } };
    }
    const minimum = resolve(entry.minimum);
    const maximum = resolve(entry.maximum);
    const at = entry.maximum.offset;
    if (minimum.page !== maximum.page)
      return {
        span: null,
        problem: {
          offset: at,
          problem: `usage range ${hex(minimum.page, 4)}:${hex(minimum.id, 4)}..${hex(maximum.page, 4)}:${hex(maximum.id, 4)} spans two usage pages`,
        },
      };
    if (maximum.id < minimum.id)
      return {
        span: null,
        problem: {
          offset: at,
          problem: `usage maximum ${hex(maximum.id, 4)} is below usage minimum ${hex(minimum.id, 4)}`,
        },
      };
    return { span: { page: minimum.page, first: minimum.id, last: maximum.id } };
  };

  /**
   * The field-level problems of the local items a main item closes: odd local items, a Delimiter
   * set still open, a dangling range end. `starts` holds where each one's local items begin.
   */
  const localProblems = (offset: number): { problems: Problem[]; starts: number[] } => {
    const problems = [...locals.problems];
    const starts = locals.problems.map((problem) => problem.offset);
    if (locals.delimiterOpenedAt !== null) {
      problems.push({
        offset,
        problem: `expected a closing Delimiter before this main item (set opened at byte ${locals.delimiterOpenedAt})`,
      });
      starts.push(locals.delimiterOpenedAt);
    }
    const dangling = locals.minimum ?? locals.maximum;
    if (dangling !== null) {
      problems.push({
        offset: dangling.offset,
        problem:
          locals.minimum !== null ? 'usage minimum without a usage maximum' : 'usage maximum without a usage minimum',
      });
      starts.push(dangling.offset);
    }
    return { problems, starts };
  };

  /**
   * The usages of an Input, Output, Feature or Collection item and all its field-level problems.
   * `firstUsage` is the first declared usage when nothing odd was declared before it, else null.
   */
  const takeUsages = (offset: number): { usages: UsageSpan[]; problems: Problem[]; firstUsage: Usage | null } => {
    const { problems, starts } = localProblems(offset);
    const usages: UsageSpan[] = [];
    let firstUsage: Usage | null = null;
    for (const [index, entry] of locals.entries.entries()) {
      const resolved = resolveEntry(entry);
      if (resolved.span === null) {
        problems.push(resolved.problem);
        starts.push(entryOffset(entry));
        continue;
      }
      usages.push(resolved.span);
      if (index === 0) firstUsage = { page: resolved.span.page, id: resolved.span.first };
    }
    // A first usage declared after something odd (a dangling Usage Minimum, say) may not be the
    // one the device meant first.
    const first = locals.entries[0];
    if (first !== undefined && starts.some((start) => start < entryOffset(first))) firstUsage = null;
    return { usages, problems, firstUsage };
  };

  const addUsageEntry = (entry: DeclaredEntry) => {
    if (locals.delimiterOpenedAt !== null) {
      if (locals.delimiterSetUsed) return;
      locals.delimiterSetUsed = true;
    }
    locals.entries.push(entry);
  };

  const addRangeEnd = (end: 'minimum' | 'maximum', usage: DeclaredUsage) => {
    if (locals.delimiterOpenedAt !== null && locals.delimiterSetUsed) return;
    if (locals[end] !== null)
      // The later one replaces the earlier (as Linux does); the main item is left out anyway.
      locals.problems.push({
        offset: usage.offset,
        problem: `a second usage ${end} before the usage ${end === 'minimum' ? 'maximum' : 'minimum'} that closes the range`,
      });
    locals[end] = usage;
    if (locals.minimum !== null && locals.maximum !== null) {
      const entry: DeclaredEntry = { kind: 'range', minimum: locals.minimum, maximum: locals.maximum };
      locals.minimum = null;
      locals.maximum = null;
      addUsageEntry(entry);
    }
  };

  const addField = (tag: number, offset: number, flagBits: number) => {
    const itemName = MAIN_ITEM_NAMES[tag] ?? 'main item';
    const type = REPORT_TYPES[tag];
    const { usages, problems } = takeUsages(offset);
    if (type === undefined) return;
    const flags = flagsFrom(flagBits);
    const { reportSize: size, reportCount: count } = globals;
    if (count === 0) {
      warn(problems);
      return;
    }
    const logicalMinimum = globals.logicalMinimum;
    const logicalMaximum = logicalMinimum < 0 ? globals.logicalMaximum.signed : globals.logicalMaximum.unsigned;
    if (!flags.constant) {
      if (size === 0) problems.push({ offset, problem: `${itemName} data field has report size 0` });
      if (size > MAX_DATA_FIELD_BITS)
        problems.push({
          offset,
          problem: `${itemName} data field has report size ${size}, expected at most ${MAX_DATA_FIELD_BITS} bits`,
        });
      if (size !== 0 && logicalMaximum < logicalMinimum)
        problems.push({
          offset,
          problem: `${itemName} data field has logical maximum ${logicalMaximum} below logical minimum ${logicalMinimum}`,
        });
    }
    warn(problems);
    if (size === 0) return;
    // From here on the item has bits: they count in their report even when the field is left out,
    // so the structural checks apply to it all the same.
    const reportId = globals.reportId;
    if (usesReportIds && reportId === 0)
      throw new DescriptorError(
        offset,
        `${itemName} item has no report ID in a descriptor that uses report IDs (a Pop restored a state without one)`,
      );
    if (reportId === 0 && firstUnnumberedField === null) firstUnnumberedField = offset;

    const key = `${type}:${reportId}`;
    let report = reports.get(key);
    if (report === undefined) {
      report = { type, id: reportId, bitLength: 0, fields: [] };
      reports.set(key, report);
    }
    const bitOffset = report.bitLength;
    const bitLength = bitOffset + size * count;
    if (bitLength > MAX_REPORT_DATA_BYTES * 8)
      throw new DescriptorError(
        offset,
        `${itemName} item makes ${type} report ${reportId} ${Math.ceil(bitLength / 8)} bytes long, expected at most ${MAX_REPORT_DATA_BYTES}`,
      );
    report.bitLength = bitLength;
    if (problems.length > 0) return;
    const field: Field = {
      kind: flags.variable ? 'variable' : 'array',
      reportType: type,
      reportId,
      bitOffset,
      size,
      count,
      flags,
      logicalMinimum,
      logicalMaximum,
      usages,
      collection: openCollections.at(-1) ?? null,
      itemOffset: offset,
    };
    report.fields.push(field);
    fields.push(field);
  };

  let offset = 0;
  while (offset < bytes.length) {
    const prefix = bytes[offset] ?? 0;
    if (prefix === LONG_ITEM_PREFIX) {
      const left = bytes.length - offset - 1;
      if (left < 2)
        throw new DescriptorError(
          offset,
          `long item needs a data size and a tag byte, ${left} byte${left === 1 ? '' : 's'} left`,
        );
      const dataSize = bytes[offset + 1] ?? 0;
      if (left - 2 < dataSize)
        throw new DescriptorError(offset, `long item needs ${dataSize} data bytes, ${left - 2} left`);
      offset += 3 + dataSize;
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const left = bytes.length - offset - 1;
    if (left < size)
      throw new DescriptorError(offset, `item needs ${size} data byte${size === 1 ? '' : 's'}, ${left} left`);
    const unsigned = readUnsigned(bytes, offset + 1, size);
    const signed = toSigned(unsigned, size);
    const type = (prefix >> 2) & 0x03;
    const tag = prefix & 0xfc;

    if (type === TYPE_MAIN) {
      switch (tag) {
        case MAIN_INPUT:
        case MAIN_OUTPUT:
        case MAIN_FEATURE:
          addField(tag, offset, unsigned);
          break;
        case MAIN_COLLECTION: {
          // The nesting is structural: the collection is kept whatever its usages are.
          const { problems, firstUsage } = takeUsages(offset);
          warn(problems);
          const parent = openCollections.at(-1) ?? null;
          collections.push({
            type: unsigned,
            typeName: collectionTypeName(unsigned),
            usage: firstUsage,
            parent,
            depth: openCollections.length,
            itemOffset: offset,
          });
          openCollections.push(collections.length - 1);
          break;
        }
        case MAIN_END_COLLECTION:
          // Usages mean nothing here; only odd local items are worth a warning.
          warn(localProblems(offset).problems);
          if (openCollections.pop() === undefined)
            throw new DescriptorError(offset, 'End Collection without an open collection');
          break;
        default:
          // Reserved main item tags carry nothing we can use (Linux skips them too).
          warn(localProblems(offset).problems);
          break;
      }
      locals = emptyLocals();
    } else if (type === TYPE_GLOBAL) {
      switch (tag) {
        case GLOBAL_USAGE_PAGE:
          if (unsigned > 0xffff)
            throw new DescriptorError(offset, `usage page ${hex(unsigned, 8)} does not fit 16 bits`);
          globals = { ...globals, usagePage: unsigned };
          break;
        case GLOBAL_LOGICAL_MINIMUM:
          globals = { ...globals, logicalMinimum: signed };
          break;
        case GLOBAL_LOGICAL_MAXIMUM:
          globals = { ...globals, logicalMaximum: { unsigned, signed } };
          break;
        case GLOBAL_REPORT_SIZE:
          globals = { ...globals, reportSize: unsigned };
          break;
        case GLOBAL_REPORT_COUNT:
          globals = { ...globals, reportCount: unsigned };
          break;
        case GLOBAL_REPORT_ID:
          if (unsigned === 0) throw new DescriptorError(offset, 'report ID 0 is reserved, expected 1 to 255');
          if (unsigned > 0xff) throw new DescriptorError(offset, `report ID ${unsigned} does not fit one byte`);
          if (firstUnnumberedField !== null)
            throw new DescriptorError(
              offset,
              `report ID declared after the main item at byte ${firstUnnumberedField} put data in a report without an ID`,
            );
          usesReportIds = true;
          globals = { ...globals, reportId: unsigned };
          break;
        case GLOBAL_PUSH:
          globalStack.push(globals);
          break;
        case GLOBAL_POP: {
          const saved = globalStack.pop();
          if (saved === undefined) throw new DescriptorError(offset, 'Pop without a matching Push');
          globals = saved;
          break;
        }
        case GLOBAL_PHYSICAL_MINIMUM:
        case GLOBAL_PHYSICAL_MAXIMUM:
        case GLOBAL_UNIT_EXPONENT:
        case GLOBAL_UNIT:
        default:
          // Physical extents and units do not change where a usage sits; reserved tags are skipped.
          break;
      }
    } else if (type === TYPE_LOCAL) {
      const declared: DeclaredUsage = { value: unsigned, extended: size === 4, offset };
      switch (tag) {
        case LOCAL_USAGE:
          addUsageEntry({ kind: 'single', usage: declared });
          break;
        case LOCAL_USAGE_MINIMUM:
          addRangeEnd('minimum', declared);
          break;
        case LOCAL_USAGE_MAXIMUM:
          addRangeEnd('maximum', declared);
          break;
        case LOCAL_DELIMITER:
          // Delimiters only choose among a main item's usages, never its bits: misuse leaves that
          // main item out (the odd Delimiter itself is ignored) rather than the whole descriptor.
          if (unsigned === 1) {
            if (locals.delimiterOpenedAt !== null)
              locals.problems.push({
                offset,
                problem: `Delimiter opens a set inside the set opened at byte ${locals.delimiterOpenedAt}`,
              });
            else {
              locals.delimiterOpenedAt = offset;
              locals.delimiterSetUsed = false;
            }
          } else if (unsigned === 0) {
            if (locals.delimiterOpenedAt === null)
              locals.problems.push({ offset, problem: 'Delimiter closes a set that was never opened' });
            locals.delimiterOpenedAt = null;
          } else
            locals.problems.push({ offset, problem: `Delimiter value ${unsigned}, expected 1 (open) or 0 (close)` });
          break;
        default:
          // Designators and strings do not change where a usage sits; reserved tags are skipped.
          break;
      }
    }
    // Type 3 (reserved) short items are skipped, as the specification asks.
    offset += 1 + size;
  }

  const innermost = openCollections.at(-1);
  if (innermost !== undefined) {
    const opened = collections[innermost]?.itemOffset ?? 0;
    throw new DescriptorError(
      bytes.length,
      `expected End Collection for the collection opened at byte ${opened}, the descriptor ends (${openCollections.length} open)`,
    );
  }
  // Local items after the last main item describe nothing; they are ignored like Linux does (odd
  // ones included: their problems are only reported at a main item).

  const builtReports: Report[] = [...reports.values()].map((report) => ({
    type: report.type,
    id: report.id,
    bitLength: report.bitLength,
    byteLength: Math.ceil(report.bitLength / 8),
    fields: report.fields,
  }));
  // Usage problems are found at the main item but named at their local item: put them in byte order.
  warnings.sort((a, b) => a.offset - b.offset);
  return { byteLength: bytes.length, usesReportIds, reports: builtReports, fields, collections, warnings };
}

/** {@link parseReportDescriptor} as a result: never throws. */
export function tryParseReportDescriptor(bytes: Uint8Array): DescriptorResult {
  try {
    return { ok: true, value: parseReportDescriptor(bytes) };
  } catch (error) {
    if (error instanceof DescriptorError) return { ok: false, error: { offset: error.offset, message: error.message } };
    throw error;
  }
}

// ── reading fields ────────────────────────────────────────────────────────────────────────────

/** How many usages the field's list holds (ranges counted out). */
export function usageListLength(field: Pick<Field, 'usages'>): number {
  return field.usages.reduce((total, span) => total + span.last - span.first + 1, 0);
}

/** The k-th usage of the field's list (ranges counted out), or null past its end. */
export function usageAt(field: Pick<Field, 'usages'>, index: number): Usage | null {
  if (!Number.isInteger(index) || index < 0) return null;
  let remaining = index;
  for (const span of field.usages) {
    const length = span.last - span.first + 1;
    if (remaining < length) return { page: span.page, id: span.first + remaining };
    remaining -= length;
  }
  return null;
}

/** The usage of element `index` of a variable field: the last usage repeats past the end of the list. */
export function variableElementUsage(field: VariableField, index: number): Usage | null {
  if (!Number.isInteger(index) || index < 0 || index >= field.count) return null;
  const length = usageListLength(field);
  if (length === 0) return null;
  return usageAt(field, Math.min(index, length - 1));
}

/** The usage an array element's value selects, or null for a value outside the list (the null value). */
export function arrayValueUsage(field: ArrayField, value: number): Usage | null {
  if (value < field.logicalMinimum || value > field.logicalMaximum) return null;
  return usageAt(field, value - field.logicalMinimum);
}

/** Index of the first occurrence of `usage` in the field's list, or -1. */
export function usageIndex(field: Pick<Field, 'usages'>, usage: Usage): number {
  let base = 0;
  for (const span of field.usages) {
    if (span.page === usage.page && usage.id >= span.first && usage.id <= span.last)
      return base + usage.id - span.first;
    base += span.last - span.first + 1;
  }
  return -1;
}

/**
 * Reads `size` bits (at most 32) starting `bitOffset` bits into `data`, little-endian as HID
 * packs them; sign-extended when `signed`. Bits past the end of `data` read as 0.
 */
export function readBits(data: Uint8Array, bitOffset: number, size: number, signed: boolean): number {
  let value = 0;
  for (let bit = size - 1; bit >= 0; bit -= 1) {
    const position = bitOffset + bit;
    const byte = data[Math.floor(position / 8)] ?? 0;
    value = value * 2 + ((byte >> (position % 8)) & 1);
  }
  if (signed && size > 0 && value >= 2 ** (size - 1)) value -= 2 ** size;
  return value;
}

/** Writes the low `size` bits (at most 32) of `value` (two's complement when negative) at `bitOffset`. */
export function writeBits(data: Uint8Array, bitOffset: number, size: number, value: number): void {
  let remaining = value < 0 ? value + 2 ** size : value;
  for (let bit = 0; bit < size; bit += 1) {
    const position = bitOffset + bit;
    const index = Math.floor(position / 8);
    const mask = 1 << (position % 8);
    const current = data[index];
    if (current === undefined) return;
    data[index] = remaining % 2 === 1 ? current | mask : current & ~mask;
    remaining = Math.floor(remaining / 2);
  }
}
