import { describe, expect, it } from 'vitest';
import {
  berlinDay,
  berlinOffsetMs,
  berlinParts,
  berlinWeekHour,
  dayRangeToEpoch,
  formatDuration,
  formatGermanDateTime,
  formatIsoUtc,
  parseDay,
  todayInBerlin,
} from '../../src/main/reports/berlin-time';
import { seededRandom } from '../support/random';

const HOUR = 3_600_000;

const intl = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
});
const GERMAN_WEEKDAYS = ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'];

/** What Intl says: the parts, and the German date and time built from them. */
function reference(epochMs: number): { parts: Record<string, number>; german: string } {
  const raw: Record<string, string> = {};
  for (const part of intl.formatToParts(epochMs)) raw[part.type] = part.value;
  const text = (type: string): string => raw[type] ?? '?';
  return {
    parts: {
      year: Number(text('year')),
      month: Number(text('month')),
      day: Number(text('day')),
      hour: Number(text('hour')),
      minute: Number(text('minute')),
      second: Number(text('second')),
      weekday: GERMAN_WEEKDAYS.indexOf(text('weekday').replace('.', '')),
    },
    german: `${text('day')}.${text('month')}.${text('year')} ${text('hour')}:${text('minute')}:${text('second')}`,
  };
}

/** A seeded generator (mulberry32): the same instants on every run. */
const random = (seed: number): (() => number) => seededRandom(seed).next;

function expectLikeIntl(epochMs: number): void {
  const { parts, german } = reference(epochMs);
  expect(berlinParts(epochMs), new Date(epochMs).toISOString()).toEqual(parts);
  expect(formatGermanDateTime(epochMs), new Date(epochMs).toISOString()).toBe(german);
  expect(berlinWeekHour(epochMs)).toBe((parts.weekday ?? 0) * 24 + (parts.hour ?? 0));
  expect(formatIsoUtc(epochMs)).toBe(`${new Date(epochMs).toISOString().slice(0, 19)}Z`);
}

/** The last Sunday of a month, 01:00 UTC: when the EU changes the clocks. */
function lastSundayOneUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0, 1));
  return last.getTime() - last.getUTCDay() * 24 * HOUR;
}

describe('Berlin wall clock', () => {
  it('agrees with Intl for 40,000 random instants from 2000 to 2040', () => {
    const next = random(20260329);
    const from = Date.UTC(2000, 0, 1);
    const to = Date.UTC(2041, 0, 1);
    for (let i = 0; i < 40_000; i += 1) expectLikeIntl(from + Math.floor(next() * (to - from)));
  });

  it('agrees with Intl for random instants in random order from 1900 to 2100 (cache misses)', () => {
    const next = random(1893);
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 5_000; i += 1) expectLikeIntl(from + Math.floor(next() * (to - from)));
  });

  it('agrees with Intl around every transition from 2000 to 2040, to the millisecond', () => {
    for (let year = 2000; year <= 2040; year += 1) {
      for (const transition of [lastSundayOneUtc(year, 3), lastSundayOneUtc(year, 10)]) {
        for (const delta of [-HOUR, -1000, -1, 0, 1, 999, 1000, HOUR]) expectLikeIntl(transition + delta);
        expect(berlinOffsetMs(transition - 1)).not.toBe(berlinOffsetMs(transition));
      }
    }
  });

  it('changes the clocks in 2026 on 29 March and 25 October at 01:00 UTC', () => {
    const spring = Date.UTC(2026, 2, 29, 1);
    const autumn = Date.UTC(2026, 9, 25, 1);
    expect(formatGermanDateTime(spring - 1000)).toBe('29.03.2026 01:59:59');
    expect(formatGermanDateTime(spring)).toBe('29.03.2026 03:00:00');
    expect(formatGermanDateTime(spring + 1000)).toBe('29.03.2026 03:00:01');
    expect(formatGermanDateTime(autumn - 1000)).toBe('25.10.2026 02:59:59');
    expect(formatGermanDateTime(autumn)).toBe('25.10.2026 02:00:00');
    expect(formatGermanDateTime(autumn + 1000)).toBe('25.10.2026 02:00:01');
    expect([berlinOffsetMs(spring - 1), berlinOffsetMs(spring)]).toEqual([HOUR, 2 * HOUR]);
    expect([berlinOffsetMs(autumn - 1), berlinOffsetMs(autumn)]).toEqual([2 * HOUR, HOUR]);
    expect(berlinParts(spring)).toEqual({ year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0, weekday: 6 });
  });

  it('truncates to the second and handles the turn of the year', () => {
    expect(formatGermanDateTime(Date.UTC(2026, 11, 31, 22, 59, 59, 999))).toBe('31.12.2026 23:59:59');
    expect(formatGermanDateTime(Date.UTC(2026, 11, 31, 23))).toBe('01.01.2027 00:00:00');
    expect(formatIsoUtc(Date.UTC(2026, 2, 29, 1, 30, 0, 999))).toBe('2026-03-29T01:30:00Z');
    expect(berlinDay(Date.UTC(2026, 11, 31, 23))).toBe('2027-01-01');
    expect(todayInBerlin(Date.UTC(2026, 5, 30, 22, 30))).toBe('2026-07-01');
    expect(todayInBerlin()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('puts Berlin midnight on the next weekday while UTC is still on Sunday', () => {
    const mondayMidnight = Date.UTC(2026, 10, 29, 23); // Sunday 23:00 UTC
    expect(berlinParts(mondayMidnight - 1).weekday).toBe(6);
    expect(berlinParts(mondayMidnight)).toMatchObject({ day: 30, hour: 0, weekday: 0 });
    expect(berlinWeekHour(mondayMidnight - 1)).toBe(6 * 24 + 23);
    expect(berlinWeekHour(mondayMidnight)).toBe(0);
  });

  it('refuses instants it cannot format', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity, 8.64e15, Date.UTC(999, 0, 1), Date.UTC(10000, 0, 1)]) {
      expect(() => formatGermanDateTime(bad)).toThrow(RangeError);
      expect(() => formatIsoUtc(bad)).toThrow(RangeError);
      expect(() => berlinParts(bad)).toThrow(RangeError);
    }
  });
});

describe('Berlin day ranges', () => {
  it('covers 23 hours on the day the clocks go forward and 25 on the day they go back', () => {
    expect(dayRangeToEpoch({ from: '2026-03-29', to: '2026-03-29' })).toEqual({
      start: Date.UTC(2026, 2, 28, 23),
      end: Date.UTC(2026, 2, 29, 22),
    });
    expect(dayRangeToEpoch({ from: '2026-10-25', to: '2026-10-25' })).toEqual({
      start: Date.UTC(2026, 9, 24, 22),
      end: Date.UTC(2026, 9, 25, 23),
    });
    const spring = dayRangeToEpoch({ from: '2026-03-29', to: '2026-03-29' });
    const autumn = dayRangeToEpoch({ from: '2026-10-25', to: '2026-10-25' });
    expect(spring.end - spring.start).toBe(23 * HOUR);
    expect(autumn.end - autumn.start).toBe(25 * HOUR);
  });

  it('covers one winter day from midnight to midnight', () => {
    const range = dayRangeToEpoch({ from: '2026-11-29', to: '2026-11-29' });
    expect(range).toEqual({ start: Date.UTC(2026, 10, 28, 23), end: Date.UTC(2026, 10, 29, 23) });
    expect(formatGermanDateTime(range.start)).toBe('29.11.2026 00:00:00');
    expect(formatGermanDateTime(range.end - 1)).toBe('29.11.2026 23:59:59');
    expect(formatGermanDateTime(range.end)).toBe('30.11.2026 00:00:00');
  });

  it('starts and ends every day of 2000 to 2040 at Berlin midnight', () => {
    let total = 0;
    for (let day = Date.UTC(2000, 0, 1); day < Date.UTC(2041, 0, 1); day += 24 * HOUR) {
      const text = new Date(day).toISOString().slice(0, 10);
      const { start, end } = dayRangeToEpoch({ from: text, to: text });
      expect(reference(start).parts).toMatchObject({ hour: 0, minute: 0, second: 0 });
      expect(berlinDay(start)).toBe(text);
      expect(berlinDay(start - 1)).not.toBe(text);
      expect(berlinDay(end - 1)).toBe(text);
      expect([23 * HOUR, 24 * HOUR, 25 * HOUR]).toContain(end - start);
      total += end - start;
    }
    expect(total).toBe(Date.UTC(2041, 0, 1) - Date.UTC(2000, 0, 1));
  });

  it('spans a year of 365 × 24 hours', () => {
    const { start, end } = dayRangeToEpoch({ from: '2026-01-01', to: '2026-12-31' });
    expect(end - start).toBe(365 * 24 * HOUR);
  });

  it('refuses days that do not exist and ranges that run backwards', () => {
    expect(parseDay('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-4-1', '26-04-01', ' 2026-04-01']) {
      expect(() => parseDay(bad), bad).toThrow(RangeError);
    }
    expect(() => dayRangeToEpoch({ from: '2026-04-02', to: '2026-04-01' })).toThrow(RangeError);
  });
});

describe('durations', () => {
  it('formats h:mm:ss with hours past 24', () => {
    expect(formatDuration(0)).toBe('0:00:00');
    expect(formatDuration(65)).toBe('0:01:05');
    expect(formatDuration(3599.4)).toBe('0:59:59');
    expect(formatDuration(3599.5)).toBe('1:00:00');
    expect(formatDuration(27 * 3600)).toBe('27:00:00');
    expect(formatDuration(100 * 3600 + 61)).toBe('100:01:01');
  });

  it('refuses negative and non-finite durations', () => {
    for (const bad of [-1, -0.4, Number.NaN, Infinity, -Infinity]) {
      expect(() => formatDuration(bad), String(bad)).toThrow(RangeError);
    }
  });
});
