/**
 * Dates for spreadsheets. Excel has no time zones: a cell holds a wall-clock time as a serial
 * number (days since 1899-12-30, the time as the fraction of the day). Instants (epoch ms) are
 * turned into the wall-clock time of one IANA time zone, DST included.
 */

/** A wall-clock time in the sheet's time zone; the time of day is optional (midnight). */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour?: number;
  readonly minute?: number;
  /** May carry milliseconds as a fraction. */
  readonly second?: number;
}

const MS_PER_DAY = 86_400_000;
/** Day 0 of the 1900 date system as Excel counts after 1900-02-28 (its 1900 leap-year bug). */
const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** Excel's 1900 date system is right from 1900-03-01 (serial 61) to 9999-12-31. */
const FIRST_MS = Date.UTC(1900, 2, 1);
const END_MS = Date.UTC(10000, 0, 1);

/** Instants (epoch ms) worth converting: a day's margin either side of the serial range. */
export const EPOCH_MS_RANGE = { min: FIRST_MS - 2 * MS_PER_DAY, max: END_MS + 2 * MS_PER_DAY } as const;

export function isWallClock(value: unknown): value is WallClock {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    typeof (value as { year?: unknown }).year === 'number' &&
    typeof (value as { month?: unknown }).month === 'number' &&
    typeof (value as { day?: unknown }).day === 'number'
  );
}

/**
 * The wall-clock time as milliseconds on a UTC time line (the time zone's offset already applied),
 * or a reason it is not a valid time.
 */
export function wallClockMs(value: WallClock): number | string {
  const { year, month, day, hour = 0, minute = 0, second = 0 } = value;
  if (!Number.isInteger(year) || year < 1900 || year > 9999) return `year ${year} is outside 1900…9999`;
  if (!Number.isInteger(month) || month < 1 || month > 12) return `month ${month} is not 1…12`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth) {
    return `day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  }
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) return `hour ${hour} is not 0…23`;
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) return `minute ${minute} is not 0…59`;
  if (typeof second !== 'number' || !Number.isFinite(second) || second < 0 || second >= 60) {
    return `second ${second} is not 0…59`;
  }
  return Date.UTC(year, month - 1, day, hour, minute) + Math.round(second * 1000);
}

/** Wall-clock milliseconds (see wallClockMs) as an Excel serial, or a reason it has none. */
export function msToSerial(ms: number): number | string {
  if (ms < FIRST_MS || ms >= END_MS) return 'outside the dates a spreadsheet can show (1900-03-01…9999-12-31)';
  return (ms - SERIAL_EPOCH_MS) / MS_PER_DAY;
}

/** The Excel serial of a wall-clock time; throws on an invalid time. */
export function wallClockToSerial(value: WallClock): number {
  const ms = wallClockMs(value);
  if (typeof ms === 'string') throw new RangeError(`invalid date: ${ms}`);
  const serial = msToSerial(ms);
  if (typeof serial === 'string') throw new RangeError(`invalid date: ${serial}`);
  return serial;
}

/** The wall-clock time of an Excel serial (1900 date system), to the millisecond. */
export function serialToWallClock(serial: number): Required<WallClock> {
  if (!Number.isFinite(serial)) throw new RangeError(`not a date serial: ${serial}`);
  const date = new Date(SERIAL_EPOCH_MS + Math.round(serial * MS_PER_DAY));
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds() + date.getUTCMilliseconds() / 1000,
  };
}

const MS_PER_HOUR = 3_600_000;
const CACHE_LIMIT = 8192;

/**
 * Instants to wall-clock times of one IANA zone. Intl is slow, so the UTC offset is cached per
 * hour of the time line: an hour whose start and end have the same offset has it throughout (no
 * zone changes its offset twice within an hour); a transition hour is computed per instant.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone: ${JSON.stringify(timeZone)}`);
    }
  }

  /** The wall-clock time of the instant, as milliseconds on a UTC time line (see wallClockMs). */
  wallMs(epochMs: number): number {
    const hour = Math.floor(epochMs / MS_PER_HOUR);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const start = this.offsetAt(hour * MS_PER_HOUR);
      const end = this.offsetAt((hour + 1) * MS_PER_HOUR - 1000);
      if (start !== end) return epochMs + this.offsetAt(epochMs);
      if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
      this.offsets.set(hour, start);
      offset = start;
    }
    return epochMs + offset;
  }

  /** The zone's UTC offset in ms at the instant. */
  private offsetAt(epochMs: number): number {
    const whole = Math.floor(epochMs / 1000) * 1000;
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(whole)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    return wall - whole;
  }
}
