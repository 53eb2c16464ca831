import { LOGGED_OUTCOMES, type LoggedOutcome } from '../../../../shared/contract/calllog';
import type {
  ExportFormat,
  ExportRequest,
  KpiFigures,
  KpiReport,
  ReportFilter,
  ReportRange,
} from '../../../../shared/contract/reports';
import type { LocalizedText } from '../../../../shared/intake/form';

/**
 * The Reports view's pure logic: the range and filters as typed into the form and what they ask of
 * main, the checks before a request goes out, and the KPI report as rows, levels and text.
 */

export type Language = keyof LocalizedText;

/** The contract's limits (reportFilterSchema, exportRequestSchema). */
export const MAX_DISPOSITION = 100;
export const MAX_AGENT = 64;
export const MIN_REASON = 5;
export const MAX_REASON = 500;
/** Days in the default range: today and the six days before it. */
export const DEFAULT_DAYS = 7;

export type Direction = '' | 'inbound' | 'outbound';

/** The range and filters as the form holds them: empty text means "any". */
export interface ReportDraft {
  readonly from: string;
  readonly to: string;
  readonly direction: Direction;
  readonly outcomes: readonly LoggedOutcome[];
  readonly disposition: string;
  readonly agent: string;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** A local calendar day as YYYY-MM-DD (the form of `<input type="date">`). */
export function localDay(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, '0')}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The last seven days up to today, in the computer's local days. */
export function defaultRange(now: Date = new Date()): ReportRange {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (DEFAULT_DAYS - 1));
  return { from: localDay(from), to: localDay(now) };
}

export function initialDraft(now: Date = new Date()): ReportDraft {
  return { ...defaultRange(now), direction: '', outcomes: [], disposition: '', agent: '' };
}

/** YYYY-MM-DD and a real day (not 2025-02-30). */
export function isDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** What is wrong with a range: a day missing (or not a day), or the end before the start. */
export type RangeProblem = 'missing_from' | 'missing_to' | 'reversed';

export function rangeProblem(from: string, to: string): RangeProblem | null {
  if (!isDay(from)) return 'missing_from';
  if (!isDay(to)) return 'missing_to';
  // YYYY-MM-DD compares as text in calendar order.
  return from <= to ? null : 'reversed';
}

/** The filter main is asked for: empty fields left out, outcomes in the contract's order. */
export function draftFilter(draft: ReportDraft): ReportFilter {
  const disposition = draft.disposition.trim().slice(0, MAX_DISPOSITION);
  const agent = draft.agent.trim().slice(0, MAX_AGENT);
  return {
    ...(draft.direction !== '' ? { direction: draft.direction } : {}),
    outcomes: LOGGED_OUTCOMES.filter((outcome) => draft.outcomes.includes(outcome)),
    ...(disposition !== '' ? { disposition } : {}),
    ...(agent !== '' ? { agent } : {}),
  };
}

export type KpiQuery = { range: ReportRange; filter: ReportFilter };

/** The `reports.kpi` input, or what stops it. */
export function kpiQuery(draft: ReportDraft): { ok: true; query: KpiQuery } | { ok: false; problem: RangeProblem } {
  const problem = rangeProblem(draft.from, draft.to);
  if (problem) return { ok: false, problem };
  return { ok: true, query: { range: { from: draft.from, to: draft.to }, filter: draftFilter(draft) } };
}

export interface ExportChoice {
  readonly format: ExportFormat;
  readonly identified: boolean;
  readonly reason: string;
}

export type ExportProblem = RangeProblem | 'reason';

/** The `reports.export` input, or every problem that stops it (the range first). */
export function exportRequest(
  draft: ReportDraft,
  choice: ExportChoice,
): { ok: true; request: ExportRequest } | { ok: false; problems: ExportProblem[] } {
  const problems: ExportProblem[] = [];
  const range = rangeProblem(draft.from, draft.to);
  if (range) problems.push(range);
  const reason = choice.reason.trim();
  if (choice.identified && reason.length < MIN_REASON) problems.push('reason');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: {
      range: { from: draft.from, to: draft.to },
      filter: draftFilter(draft),
      format: choice.format,
      identified: choice.identified,
      ...(choice.identified ? { reason: reason.slice(0, MAX_REASON) } : {}),
    },
  };
}

/** A whole number of seconds as m:ss, or h:mm:ss from an hour on (the same in German and English). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** A rate from 0 to 1 as a percentage with one decimal in the language's format: 87,5 % / 87.5%. */
export function formatRate(rate: number, language: string): string {
  return new Intl.NumberFormat(language, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(rate);
}

/** A count in the language's format: 12.345 / 12,345. */
export function formatCount(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(value);
}

/** A stored day (YYYY-MM-DD) in the language's date format: 07.03.2025 / 07/03/2025. */
export function formatDay(day: string, language: string): string {
  if (!isDay(day)) return day;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language === 'de' ? 'de-DE' : language, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(year, month - 1, date));
}

/** The weekday names Monday … Sunday (the heat map's rows), long or short. */
export function weekdayNames(language: string, width: 'long' | 'short'): string[] {
  const format = new Intl.DateTimeFormat(language, { weekday: width, timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, index) => format.format(Date.UTC(2024, 0, 1 + index)));
}

// ---- The heat map -------------------------------------------------------------------------------

/**
 * The heat map's colours: level 0 (no calls, white with a grey outline) and five levels from few
 * to most, light to dark blue. Each level is clearly darker than the one before (contrast 1.3–2 : 1
 * between neighbours), the darkest 13 : 1 against the page; every count is also written in its cell
 * (in a colour that reads on it), in the cell's title and in the table.
 */
export const HEAT_COLOURS = ['#ffffff', '#cfe1f2', '#8fbde0', '#4a90c9', '#1f5c99', '#0b2f5c'] as const;
export const HEAT_LEVELS = HEAT_COLOURS.length - 1;

/** The level of a count (0 for none; 1 … HEAT_LEVELS in equal steps up to the largest count). */
export function heatLevel(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  const level = Math.ceil((Math.min(count, max) * HEAT_LEVELS) / max);
  return Math.min(HEAT_LEVELS, Math.max(1, level));
}

export function heatColour(count: number, max: number): string {
  return HEAT_COLOURS[heatLevel(count, max)] ?? HEAT_COLOURS[0];
}

/** The text colour that reads on a level's fill (4.5 : 1 or more): dark on levels 0–3, white on 4–5. */
export function heatTextColour(level: number): string {
  return level >= 4 ? '#ffffff' : '#1b1f24';
}

export interface HeatLegendEntry {
  readonly level: number;
  readonly colour: string;
  /** The counts of this level, both included. */
  readonly from: number;
  readonly to: number;
}

/** The legend of the levels in use for this largest count (levels no whole count falls into are left out). */
export function heatLegend(max: number): HeatLegendEntry[] {
  const entries: HeatLegendEntry[] = [{ level: 0, colour: HEAT_COLOURS[0], from: 0, to: 0 }];
  if (max <= 0) return entries;
  for (let level = 1; level <= HEAT_LEVELS; level += 1) {
    const from = Math.floor(((level - 1) * max) / HEAT_LEVELS) + 1;
    const to = Math.floor((level * max) / HEAT_LEVELS);
    if (from <= to) entries.push({ level, colour: HEAT_COLOURS[level] ?? HEAT_COLOURS[0], from, to });
  }
  return entries;
}

export interface HeatMapTable {
  /** Weekday 0 (Monday) … 6 (Sunday), each with its 24 hours and its total. */
  readonly rows: readonly { weekday: number; counts: readonly number[]; total: number }[];
  /** Each hour's total over the week. */
  readonly hourTotals: readonly number[];
  readonly total: number;
  readonly max: number;
  /** The busiest hour of the week (the first of equals), null with no calls. */
  readonly busiest: { weekday: number; hour: number; count: number } | null;
}

export function heatMapTable(heatMap: readonly (readonly number[])[]): HeatMapTable {
  const hourTotals = Array.from({ length: 24 }, () => 0);
  const rows: { weekday: number; counts: number[]; total: number }[] = [];
  let total = 0;
  let max = 0;
  let busiest: HeatMapTable['busiest'] = null;
  for (let weekday = 0; weekday < 7; weekday += 1) {
    const counts = Array.from({ length: 24 }, (_, hour) => heatMap[weekday]?.[hour] ?? 0);
    let rowTotal = 0;
    for (let hour = 0; hour < 24; hour += 1) {
      const count = counts[hour] ?? 0;
      rowTotal += count;
      hourTotals[hour] = (hourTotals[hour] ?? 0) + count;
      if (count > max) {
        max = count;
        busiest = { weekday, hour, count };
      }
    }
    total += rowTotal;
    rows.push({ weekday, counts, total: rowTotal });
  }
  return { rows, hourTotals, total, max, busiest };
}

// ---- Counts (call types, triage results) --------------------------------------------------------

export interface CountRow {
  readonly value: string;
  readonly label: string;
  readonly count: number;
  /** Of all counted, 0 … 1. */
  readonly share: number;
}

/** Counts with their labels in the language (the value itself when it has none), most first. */
export function countRows(
  counts: readonly { value: string; count: number }[],
  labels: Readonly<Record<string, LocalizedText>>,
  language: Language,
): CountRow[] {
  const total = counts.reduce((sum, each) => sum + each.count, 0);
  return counts
    .map((each) => ({
      value: each.value,
      label: labels[each.value]?.[language] ?? each.value,
      count: each.count,
      share: total > 0 ? each.count / total : 0,
    }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, language));
}

// ---- Figures and the per-agent table ------------------------------------------------------------

export const FIGURE_KEYS = [
  'offered',
  'answered',
  'missed',
  'rejected',
  'answerRate',
  'placed',
  'averageHandleSeconds',
  'averageRingSeconds',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** One figure as shown, or null when there is none (nothing offered, no call answered). */
export function figureText(figures: KpiFigures, key: FigureKey, language: string): string | null {
  switch (key) {
    case 'answerRate':
      return figures.answerRate === null ? null : formatRate(figures.answerRate, language);
    case 'averageHandleSeconds':
    case 'averageRingSeconds': {
      const seconds = figures[key];
      return seconds === null ? null : formatDuration(seconds);
    }
    default:
      return formatCount(figures[key], language);
  }
}

export interface AgentRow {
  /** null: calls without an agent code. */
  readonly agent: string | null;
  readonly cells: readonly (string | null)[];
}

/** The per-agent table: agents by code, calls without one last; a cell per FIGURE_KEYS. */
export function agentRows(report: Pick<KpiReport, 'agents'>, language: string): AgentRow[] {
  return [...report.agents]
    .sort((a, b) => {
      if (a.agent === null || b.agent === null) return a.agent === b.agent ? 0 : a.agent === null ? 1 : -1;
      return a.agent.localeCompare(b.agent, language, { numeric: true });
    })
    .map(({ agent, figures }) => ({ agent, cells: FIGURE_KEYS.map((key) => figureText(figures, key, language)) }));
}

/** A SHA-256 shortened for the eye (the full one stays in a copyable field): 3f2a9c1d…7b40e2aa. */
export function shortHash(sha256: string): string {
  return sha256.length <= 20 ? sha256 : `${sha256.slice(0, 8)}…${sha256.slice(-8)}`;
}

/** A label cut to fit a chart's margin (the full one is in the bar's title and in the table). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}
