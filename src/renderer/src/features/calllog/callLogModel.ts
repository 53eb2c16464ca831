import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemoteParty } from '../../../../shared/calls';
import type { CallLogQuery, CallRecord } from '../../../../shared/contract/calllog';
import { formatDuration } from '../calls/useCalls';

/** Rows are loaded in pages of this many, newest first. */
export const PAGE_SIZE = 100;

/** Name and number as the call log shows them (the calls view's wording, with "Anonym"). */
export function callerText(remote: RemoteParty, t: TFunction): string {
  if (remote.anonymous) return t('calllog.anonymous');
  const number = remote.number ?? t('calls.noNumber');
  return remote.name ? `${remote.name} (${number})` : number;
}

/** The number to call back: only for a missed call whose number is known and not withheld. */
export function callbackNumber(record: CallRecord): string | null {
  if (record.outcome !== 'missed' || record.remote.anonymous) return null;
  const number = record.remote.number?.trim();
  return number ? number : null;
}

/** A length in ms as m:ss or h:mm:ss. */
export function formatMs(ms: number): string {
  return formatDuration(Math.max(0, Math.round(ms / 1000)));
}

/** The outcome as a translation key: a call still up has none yet ("läuft"). */
export function outcomeKey(record: CallRecord): NonNullable<CallRecord['outcome']> | 'running' {
  return record.outcome ?? 'running';
}

export function isEmptyQuery(query: CallLogQuery): boolean {
  return (
    query.search === '' &&
    query.from === undefined &&
    query.to === undefined &&
    query.outcomes.length === 0 &&
    (query.disposition ?? '') === ''
  );
}

/** Newest first, as main's keyset pages are: by start time, then by id. */
function comesBefore(a: CallRecord, b: CallRecord): boolean {
  return a.startedAt > b.startedAt || (a.startedAt === b.startedAt && a.id > b.id);
}

/**
 * Folds a `calllog.changed` record into the loaded rows: a loaded row is replaced in place; a new
 * one is inserted (in order) only when `mayInsert` (the query is empty and the user is at the top)
 * and it falls within what is loaded. Otherwise the rows stay as they are; a reload shows it.
 */
export function mergeChanged(
  rows: readonly CallRecord[],
  hasMore: boolean,
  record: CallRecord,
  mayInsert: boolean,
): readonly CallRecord[] {
  const index = rows.findIndex((row) => row.id === record.id);
  if (index >= 0) {
    const copy = rows.slice();
    copy[index] = record;
    return copy;
  }
  if (!mayInsert) return rows;
  const at = rows.findIndex((row) => comesBefore(record, row));
  if (at === -1) return hasMore ? rows : [...rows, record];
  return [...rows.slice(0, at), record, ...rows.slice(at)];
}

export interface CallLogFormats {
  readonly locale: string;
  /** Date and time for a row: 12.03.2025, 14:05 / 12/03/2025, 14:05. */
  dateTime(ms: number): string;
  /** Date and time with seconds and weekday, for the detail pane. */
  fullDateTime(ms: number): string;
  number(value: number, fractionDigits?: number): string;
}

/** Date, time and number formats in the interface language (de-DE or en-GB). */
export function useCallLogFormats(): CallLogFormats {
  const { i18n } = useTranslation();
  const locale = i18n.language.startsWith('en') ? 'en-GB' : 'de-DE';
  return useMemo(() => {
    const short = new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    const full = new Intl.DateTimeFormat(locale, {
      weekday: 'short',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const numbers = new Map<number, Intl.NumberFormat>();
    return {
      locale,
      dateTime: (ms) => short.format(ms),
      fullDateTime: (ms) => full.format(ms),
      number: (value, fractionDigits = 0) => {
        let format = numbers.get(fractionDigits);
        if (!format) {
          format = new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits });
          numbers.set(fractionDigits, format);
        }
        return format.format(value);
      },
    };
  }, [locale]);
}
