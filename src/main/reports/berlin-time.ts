import { REPORT_TIME_ZONE, type ReportRange } from '../../shared/contract/reports';

/**
 * Calendar and clock in Europe/Berlin (REPORT_TIME_ZONE), fast enough for exports of millions of
 * rows.
 *
 * The zone's rules come from the runtime's time-zone data (Intl), never from a rule written here:
 * should the EU stop changing the clocks, new tz data is all it takes. Intl is asked only a few
 * hundred times per calendar year an instant falls in: the year's transitions (the instants the
 * UTC offset changes) are found once and cached, and the stretch of constant offset last used is
 * kept, so an instant costs a comparison or two and some integer arithmetic.
 *
 * Transitions are looked for by sampling the offset a week apart and bisecting between samples
 * that differ: two changes within one week that cancel out would go unseen (Berlin has had none
 * since 1947).
 *
 * Instants are epoch milliseconds. Supported are those from 1000-01-02 to 9999-12-30 (UTC), so the
 * Berlin calendar year always has four digits; others throw a RangeError, as do NaN and ±Infinity.
 * Times are truncated to the second (never rounded up into the next second).
 */

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** How far apart the offset is sampled when a year's transitions are looked for. */
const SAMPLE_STEP_MS = 7 * MS_PER_DAY;

/** A Berlin calendar day. */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A Berlin wall-clock time. */
export interface BerlinParts extends CalendarDay {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 Monday … 6 Sunday. */
  readonly weekday: number;
}

// ---------------------------------------------------------------------------------------------
// Proleptic Gregorian calendar arithmetic (days since 1970-01-01), after Howard Hinnant's
// "chrono-compatible low-level date algorithms". Results of civilFromDays go into the three
// module variables below, so that no object is made per call.

let civilYear = 1970;
let civilMonth = 1;
let civilDay = 1;

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  civilDay = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  civilMonth = mp < 10 ? mp + 3 : mp - 9;
  civilYear = yearOfEra + era * 400 + (civilMonth <= 2 ? 1 : 0);
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

/** 1970-01-01 was a Thursday (3 when Monday is 0). */
function weekdayOfDays(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/** '00' … '99'. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

function two(n: number): string {
  return TWO_DIGITS[n] ?? String(n);
}

// ---------------------------------------------------------------------------------------------
// Instants

const MIN_EPOCH_MS = daysFromCivil(1000, 1, 2) * MS_PER_DAY;
const MAX_EPOCH_MS = daysFromCivil(9999, 12, 31) * MS_PER_DAY; // exclusive: up to 9999-12-30

function checkInstant(epochMs: number): void {
  if (!(epochMs >= MIN_EPOCH_MS && epochMs < MAX_EPOCH_MS)) {
    throw new RangeError(`not a supported instant (epoch ms from 1000-01-02 to 9999-12-30 UTC): ${epochMs}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The UTC offset

let intlFormatter: Intl.DateTimeFormat | undefined;

/** The offset at an instant as Intl knows it (slow: only to find transitions). */
function intlOffsetMs(epochMs: number): number {
  intlFormatter ??= new Intl.DateTimeFormat('en-US', {
    timeZone: REPORT_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of intlFormatter.formatToParts(epochMs)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'second') second = Number(part.value);
  }
  const wallMs =
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND;
  return wallMs - Math.floor(epochMs / MS_PER_SECOND) * MS_PER_SECOND;
}

/** One UTC year: from `starts[i]` on, the offset is `offsets[i]`; starts[0] is the year's start. */
interface YearZone {
  readonly end: number;
  readonly starts: readonly number[];
  readonly offsets: readonly number[];
}

const years = new Map<number, YearZone>();

function yearZone(year: number): YearZone {
  const cached = years.get(year);
  if (cached !== undefined) return cached;
  const start = daysFromCivil(year, 1, 1) * MS_PER_DAY;
  const end = daysFromCivil(year + 1, 1, 1) * MS_PER_DAY;
  const starts = [start];
  const offsets = [intlOffsetMs(start)];
  let before = start;
  let beforeOffset = offsets[0] ?? 0;
  while (before < end - 1) {
    const sample = Math.min(before + SAMPLE_STEP_MS, end - 1);
    const sampleOffset = intlOffsetMs(sample);
    if (sampleOffset !== beforeOffset) {
      // Bisect to the first millisecond with the new offset.
      let low = before;
      let high = sample;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (intlOffsetMs(middle) === beforeOffset) low = middle;
        else high = middle;
      }
      starts.push(high);
      offsets.push(sampleOffset);
    }
    before = sample;
    beforeOffset = sampleOffset;
  }
  const zone: YearZone = { end, starts, offsets };
  years.set(year, zone);
  return zone;
}

/** The stretch of constant offset last looked up: [segmentStart, segmentEnd). */
let segmentStart = 0;
let segmentEnd = 0;
let segmentOffset = 0;

function lookUpOffset(epochMs: number): number {
  checkInstant(epochMs);
  civilFromDays(Math.floor(epochMs / MS_PER_DAY));
  const zone = yearZone(civilYear);
  let index = zone.starts.length - 1;
  while (index > 0 && (zone.starts[index] ?? 0) > epochMs) index -= 1;
  // Kept within the supported instants, so that whether one throws never depends on the cache.
  segmentStart = Math.max(zone.starts[index] ?? 0, MIN_EPOCH_MS);
  segmentEnd = Math.min(zone.starts[index + 1] ?? zone.end, MAX_EPOCH_MS);
  segmentOffset = zone.offsets[index] ?? 0;
  return segmentOffset;
}

/** Berlin's offset from UTC at an instant, in ms (3,600,000 in winter, 7,200,000 in summer). */
export function berlinOffsetMs(epochMs: number): number {
  return epochMs >= segmentStart && epochMs < segmentEnd ? segmentOffset : lookUpOffset(epochMs);
}

/**
 * The instant a Berlin wall-clock time (as ms on a UTC time line) happens. A time that happens
 * twice (the hour repeated in October) is taken at its first; one that does not happen (the hour
 * skipped in March) is moved on by the gap, as Temporal's "compatible" does (02:30 → 03:30 CEST).
 */
function wallToEpoch(wallMs: number): number {
  const before = berlinOffsetMs(wallMs - MS_PER_DAY);
  const after = berlinOffsetMs(wallMs + MS_PER_DAY);
  const early = wallMs - before;
  if (berlinOffsetMs(early) === before) return early;
  const late = wallMs - after;
  if (berlinOffsetMs(late) === after) return late;
  return early;
}

// ---------------------------------------------------------------------------------------------
// Days

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' (a real calendar day, year 1000 or later) as its parts; otherwise a RangeError. */
export function parseDay(text: string): CalendarDay {
  const match = DAY_PATTERN.exec(text);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (match === null || year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(text)}`);
  }
  return { year, month, day };
}

/**
 * The instants a range of Berlin calendar days covers: `start` is `from` at 00:00 (included),
 * `end` the day after `to` at 00:00 (excluded). A day is 23 hours long when the clocks go forward
 * and 25 when they go back.
 */
export function dayRangeToEpoch(range: ReportRange): { start: number; end: number } {
  const from = parseDay(range.from);
  const to = parseDay(range.to);
  const fromDays = daysFromCivil(from.year, from.month, from.day);
  const toDays = daysFromCivil(to.year, to.month, to.day);
  if (toDays < fromDays) throw new RangeError(`the range ends before it starts: ${range.from} … ${range.to}`);
  return { start: wallToEpoch(fromDays * MS_PER_DAY), end: wallToEpoch((toDays + 1) * MS_PER_DAY) };
}

/** The Berlin calendar day of an instant, 'YYYY-MM-DD'. */
export function berlinDay(epochMs: number): string {
  civilFromDays(Math.floor((epochMs + berlinOffsetMs(epochMs)) / MS_PER_DAY));
  return `${civilYear}-${two(civilMonth)}-${two(civilDay)}`;
}

/** Today in Berlin, 'YYYY-MM-DD'. */
export function todayInBerlin(now: number = Date.now()): string {
  return berlinDay(now);
}

// ---------------------------------------------------------------------------------------------
// Wall clock

/** The Berlin wall-clock time of an instant. */
export function berlinParts(epochMs: number): BerlinParts {
  const wallMs = epochMs + berlinOffsetMs(epochMs);
  const days = Math.floor(wallMs / MS_PER_DAY);
  const secondOfDay = Math.floor((wallMs - days * MS_PER_DAY) / MS_PER_SECOND);
  civilFromDays(days);
  return {
    year: civilYear,
    month: civilMonth,
    day: civilDay,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor(secondOfDay / 60) % 60,
    second: secondOfDay % 60,
    weekday: weekdayOfDays(days),
  };
}

/** The hour of the week in Berlin: weekday (0 Monday … 6 Sunday) × 24 + hour; makes no object. */
export function berlinWeekHour(epochMs: number): number {
  const wallMs = epochMs + berlinOffsetMs(epochMs);
  const days = Math.floor(wallMs / MS_PER_DAY);
  return weekdayOfDays(days) * 24 + Math.floor((wallMs - days * MS_PER_DAY) / MS_PER_HOUR);
}

function clock(msOfDay: number): string {
  const secondOfDay = Math.floor(msOfDay / MS_PER_SECOND);
  return `${two(Math.floor(secondOfDay / 3600))}:${two(Math.floor(secondOfDay / 60) % 60)}:${two(secondOfDay % 60)}`;
}

/** The date part of the day last formatted, per format: consecutive rows mostly share a day. */
let germanDays = Number.NaN;
let germanDate = '';
let isoDays = Number.NaN;
let isoDate = '';

/** `dd.MM.yyyy HH:mm:ss`, Berlin time (what German Excel reads as a date and time). */
export function formatGermanDateTime(epochMs: number): string {
  const wallMs = epochMs + berlinOffsetMs(epochMs);
  const days = Math.floor(wallMs / MS_PER_DAY);
  if (days !== germanDays) {
    civilFromDays(days);
    germanDate = `${two(civilDay)}.${two(civilMonth)}.${civilYear} `;
    germanDays = days;
  }
  return germanDate + clock(wallMs - days * MS_PER_DAY);
}

/** `2026-03-29T01:30:00Z`: UTC, to the second. */
export function formatIsoUtc(epochMs: number): string {
  checkInstant(epochMs);
  const days = Math.floor(epochMs / MS_PER_DAY);
  if (days !== isoDays) {
    civilFromDays(days);
    isoDate = `${civilYear}-${two(civilMonth)}-${two(civilDay)}T`;
    isoDays = days;
  }
  return `${isoDate}${clock(epochMs - days * MS_PER_DAY)}Z`;
}

/**
 * A duration in seconds as `h:mm:ss`, rounded to the second; the hours are not padded and go past
 * 24 (`0:01:05`, `27:00:00`). Negative, NaN and infinite durations throw a RangeError.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`not a duration in seconds: ${seconds}`);
  const total = Math.round(seconds);
  return `${Math.floor(total / 3600)}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}
