import { describe, expect, it } from 'vitest';
import {
  exportRequestSchema,
  kpiReportSchema,
  reportFilterSchema,
  reportsRequests,
  type KpiFigures,
  type KpiReport,
} from '../../src/shared/contract/reports';
import {
  agentRows,
  clip,
  countRows,
  defaultRange,
  draftFilter,
  exportRequest,
  figureText,
  formatCount,
  formatDay,
  formatDuration,
  formatRate,
  HEAT_COLOURS,
  HEAT_LEVELS,
  heatColour,
  heatLegend,
  heatLevel,
  heatMapTable,
  heatTextColour,
  initialDraft,
  isDay,
  kpiQuery,
  localDay,
  rangeProblem,
  shortHash,
  weekdayNames,
  type ReportDraft,
} from '../../src/renderer/src/features/reports/reportsModel';

/** Intl puts a no-break space (U+00A0) or a narrow one (U+202F) where German writes a space. */
const spaces = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

const emptyHeatMap = (): number[][] => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));

function figures(change: Partial<KpiFigures> = {}): KpiFigures {
  return {
    offered: 0,
    answered: 0,
    missed: 0,
    rejected: 0,
    answerRate: null,
    placed: 0,
    averageHandleSeconds: null,
    averageRingSeconds: null,
    heatMap: emptyHeatMap(),
    dispositions: [],
    triage: [],
    ...change,
  };
}

const draft = (change: Partial<ReportDraft> = {}): ReportDraft => ({
  from: '2025-03-01',
  to: '2025-03-07',
  direction: '',
  outcomes: [],
  disposition: '',
  agent: '',
  ...change,
});

describe('the range', () => {
  it('defaults to the last seven local days up to today, across month and year ends', () => {
    expect(defaultRange(new Date(2025, 2, 12, 9, 30))).toEqual({ from: '2025-03-06', to: '2025-03-12' });
    expect(defaultRange(new Date(2025, 2, 3, 0, 5))).toEqual({ from: '2025-02-25', to: '2025-03-03' });
    expect(defaultRange(new Date(2025, 0, 2, 23, 59))).toEqual({ from: '2024-12-27', to: '2025-01-02' });
    // Over the change to summer time (30 March 2025 in Germany): still seven calendar days.
    expect(defaultRange(new Date(2025, 3, 2, 0, 30))).toEqual({ from: '2025-03-27', to: '2025-04-02' });
    const initial = initialDraft(new Date(2025, 2, 12));
    expect(initial).toMatchObject({ from: '2025-03-06', to: '2025-03-12', direction: '', outcomes: [] });
    expect(rangeProblem(initial.from, initial.to)).toBeNull();
  });

  it('writes local days as the date input does', () => {
    expect(localDay(new Date(2025, 0, 5, 23, 59))).toBe('2025-01-05');
    expect(localDay(new Date(999, 11, 31))).toBe('0999-12-31');
  });

  it('knows a day from what only looks like one', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2025-02-29')).toBe(false);
    expect(isDay('2025-13-01')).toBe(false);
    expect(isDay('2025-3-1')).toBe(false);
    expect(isDay('')).toBe(false);
  });

  it('says what is wrong with it: a day missing, or the end before the start', () => {
    expect(rangeProblem('', '2025-03-07')).toBe('missing_from');
    expect(rangeProblem('2025-03-01', '')).toBe('missing_to');
    expect(rangeProblem('2025-03-08', '2025-03-07')).toBe('reversed');
    expect(rangeProblem('2025-03-07', '2025-03-07')).toBeNull();
    expect(rangeProblem('2024-12-31', '2025-01-01')).toBeNull();
  });
});

describe('what the form asks of main', () => {
  it('leaves empty filters out, trims text, and lists outcomes in the contract’s order', () => {
    const filter = draftFilter(
      draft({ direction: 'inbound', outcomes: ['rejected', 'answered'], disposition: '  data_call ', agent: ' A17 ' }),
    );
    expect(filter).toEqual({
      direction: 'inbound',
      outcomes: ['answered', 'rejected'],
      disposition: 'data_call',
      agent: 'A17',
    });
    expect(draftFilter(draft({ disposition: '   ', agent: '' }))).toEqual({ outcomes: [] });
    expect(reportFilterSchema.parse(filter)).toEqual(filter);
  });

  it('builds a KPI query the contract accepts, or names the range problem', () => {
    const query = kpiQuery(draft({ outcomes: ['missed'] }));
    expect(query).toEqual({
      ok: true,
      query: { range: { from: '2025-03-01', to: '2025-03-07' }, filter: { outcomes: ['missed'] } },
    });
    if (query.ok) expect(reportsRequests['reports.kpi'].input.safeParse(query.query).success).toBe(true);
    expect(kpiQuery(draft({ from: '2025-03-08' }))).toEqual({ ok: false, problem: 'reversed' });
    // main refuses the same range.
    expect(
      reportsRequests['reports.kpi'].input.safeParse({ range: { from: '2025-03-08', to: '2025-03-07' } }).success,
    ).toBe(false);
  });

  it('a pseudonymised export needs no reason and sends none', () => {
    const built = exportRequest(draft(), { format: 'csv-de', identified: false, reason: 'leftover' });
    expect(built).toEqual({
      ok: true,
      request: {
        range: { from: '2025-03-01', to: '2025-03-07' },
        filter: { outcomes: [] },
        format: 'csv-de',
        identified: false,
      },
    });
    if (built.ok) expect(exportRequestSchema.safeParse(built.request).success).toBe(true);
  });

  it('an identified export needs a reason of at least five characters (trimmed)', () => {
    expect(exportRequest(draft(), { format: 'xlsx', identified: true, reason: '' })).toEqual({
      ok: false,
      problems: ['reason'],
    });
    expect(exportRequest(draft(), { format: 'xlsx', identified: true, reason: '  abcd   ' })).toEqual({
      ok: false,
      problems: ['reason'],
    });
    const built = exportRequest(draft(), { format: 'xlsx', identified: true, reason: '  RKI query 12  ' });
    expect(built).toMatchObject({ ok: true, request: { identified: true, reason: 'RKI query 12', format: 'xlsx' } });
    if (built.ok) expect(exportRequestSchema.safeParse(built.request).success).toBe(true);
    // The contract refuses the same short reason.
    expect(
      exportRequestSchema.safeParse({
        range: { from: '2025-03-01', to: '2025-03-07' },
        format: 'xlsx',
        identified: true,
        reason: 'abcd',
      }).success,
    ).toBe(false);
  });

  it('names every problem, the range first', () => {
    expect(exportRequest(draft({ to: '' }), { format: 'csv-iso', identified: true, reason: 'x' })).toEqual({
      ok: false,
      problems: ['missing_to', 'reason'],
    });
    expect(exportRequest(draft({ from: '2025-04-01' }), { format: 'csv-iso', identified: false, reason: '' })).toEqual({
      ok: false,
      problems: ['reversed'],
    });
  });
});

describe('formats', () => {
  it('durations as m:ss, or h:mm:ss from an hour on, the same in German and English', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59.4)).toBe('0:59');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(83)).toBe('1:23');
    expect(formatDuration(3599)).toBe('59:59');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(36_000 + 61)).toBe('10:01:01');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('the answer rate as a percentage with one decimal in the interface language', () => {
    expect(spaces(formatRate(0.875, 'de'))).toBe('87,5 %');
    expect(formatRate(0.875, 'en')).toBe('87.5%');
    expect(spaces(formatRate(1, 'de'))).toBe('100,0 %');
    expect(formatRate(0, 'en')).toBe('0.0%');
    expect(spaces(formatRate(2 / 3, 'de'))).toBe('66,7 %');
  });

  it('counts and days in the interface language', () => {
    expect(formatCount(12_345, 'de')).toBe('12.345');
    expect(formatCount(12_345, 'en')).toBe('12,345');
    expect(formatDay('2025-03-07', 'de')).toBe('07.03.2025');
    expect(formatDay('2025-03-07', 'en')).toBe('07/03/2025');
    expect(formatDay('not a day', 'de')).toBe('not a day');
  });

  it('weekdays from Monday to Sunday', () => {
    expect(weekdayNames('de', 'long')).toEqual([
      'Montag',
      'Dienstag',
      'Mittwoch',
      'Donnerstag',
      'Freitag',
      'Samstag',
      'Sonntag',
    ]);
    expect(weekdayNames('en', 'long')[0]).toBe('Monday');
    expect(weekdayNames('en', 'long')[6]).toBe('Sunday');
    expect(weekdayNames('de', 'short')).toHaveLength(7);
  });

  it('a hash shortened for the eye, labels clipped for a chart', () => {
    const sha = 'a'.repeat(8) + 'b'.repeat(48) + 'c'.repeat(8);
    expect(shortHash(sha)).toBe('aaaaaaaa…cccccccc');
    expect(clip('Impfung', 30)).toBe('Impfung');
    expect(clip('Allgemeine Anfrage zu Impfungen im Ausland', 20)).toBe('Allgemeine Anfrage…');
    expect(clip('Allgemeine Anfrage zu Impfungen im Ausland', 20).length).toBeLessThanOrEqual(20);
  });
});

/** WCAG relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string): number => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

describe('the heat map’s colour scale', () => {
  it('has level 0 for no calls only, and the top level for the largest count', () => {
    expect(heatLevel(0, 0)).toBe(0);
    expect(heatLevel(0, 50)).toBe(0);
    expect(heatLevel(5, 0)).toBe(0);
    expect(heatLevel(1, 100)).toBe(1);
    expect(heatLevel(20, 100)).toBe(1);
    expect(heatLevel(21, 100)).toBe(2);
    expect(heatLevel(80, 100)).toBe(4);
    expect(heatLevel(81, 100)).toBe(5);
    expect(heatLevel(100, 100)).toBe(HEAT_LEVELS);
    expect(heatLevel(1, 1)).toBe(HEAT_LEVELS);
    expect(heatLevel(500, 100)).toBe(HEAT_LEVELS);
    expect(heatColour(0, 10)).toBe(HEAT_COLOURS[0]);
    expect(heatColour(10, 10)).toBe(HEAT_COLOURS[HEAT_LEVELS]);
  });

  it('gets darker with every level, the top one far from the page, every count’s text readable on it', () => {
    for (let level = 1; level <= HEAT_LEVELS; level += 1) {
      expect(luminance(HEAT_COLOURS[level]!)).toBeLessThan(luminance(HEAT_COLOURS[level - 1]!));
      expect(contrast(HEAT_COLOURS[level]!, HEAT_COLOURS[level - 1]!)).toBeGreaterThanOrEqual(1.3);
    }
    expect(contrast(HEAT_COLOURS[HEAT_LEVELS]!, '#ffffff')).toBeGreaterThanOrEqual(7);
    for (let level = 0; level <= HEAT_LEVELS; level += 1)
      expect(contrast(HEAT_COLOURS[level]!, heatTextColour(level))).toBeGreaterThanOrEqual(4.5);
  });

  it('has a legend whose ranges are exactly the counts of each level', () => {
    expect(heatLegend(0)).toEqual([{ level: 0, colour: HEAT_COLOURS[0], from: 0, to: 0 }]);
    expect(heatLegend(100).map(({ level, from, to }) => [level, from, to])).toEqual([
      [0, 0, 0],
      [1, 1, 20],
      [2, 21, 40],
      [3, 41, 60],
      [4, 61, 80],
      [5, 81, 100],
    ]);
    // Few calls: levels no whole count falls into are left out.
    expect(heatLegend(2).map(({ level, from, to }) => [level, from, to])).toEqual([
      [0, 0, 0],
      [3, 1, 1],
      [5, 2, 2],
    ]);
    for (const max of [1, 2, 3, 4, 5, 6, 7, 9, 13, 99, 1_000]) {
      const entries = heatLegend(max);
      for (let count = 0; count <= max; count += 1) {
        const entry = entries.find((each) => count >= each.from && count <= each.to);
        expect(entry?.level, `${count} of ${max}`).toBe(heatLevel(count, max));
      }
    }
  });
});

describe('the report as tables', () => {
  it('the heat map: rows Monday to Sunday, hour and weekday totals, the busiest hour', () => {
    const heatMap = emptyHeatMap();
    heatMap[0]![9] = 12;
    heatMap[0]![10] = 7;
    heatMap[2]![9] = 12;
    heatMap[6]![23] = 1;
    const table = heatMapTable(heatMap);
    expect(table.rows).toHaveLength(7);
    expect(table.rows.every((row) => row.counts.length === 24)).toBe(true);
    expect(table.rows.map((row) => row.total)).toEqual([19, 0, 12, 0, 0, 0, 1]);
    expect(table.hourTotals[9]).toBe(24);
    expect(table.hourTotals[23]).toBe(1);
    expect(table.total).toBe(32);
    expect(table.max).toBe(12);
    // The first of equals: Monday before Wednesday.
    expect(table.busiest).toEqual({ weekday: 0, hour: 9, count: 12 });
    expect(heatMapTable(emptyHeatMap())).toMatchObject({ total: 0, max: 0, busiest: null });
  });

  it('call types and triage results: labels in the language, the value when it has none, shares', () => {
    const labels = {
      data_call: { de: 'Datenaufnahme', en: 'Data call' },
      info: { de: 'Auskunft', en: 'Information' },
    };
    const rows = countRows(
      [
        { value: 'info', count: 3 },
        { value: 'data_call', count: 5 },
        { value: 'legacy_code', count: 2 },
      ],
      labels,
      'de',
    );
    expect(rows.map(({ label, count }) => [label, count])).toEqual([
      ['Datenaufnahme', 5],
      ['Auskunft', 3],
      ['legacy_code', 2],
    ]);
    expect(rows.map((row) => row.share)).toEqual([0.5, 0.3, 0.2]);
    expect(countRows([{ value: 'info', count: 1 }], labels, 'en')[0]?.label).toBe('Information');
    expect(countRows([], labels, 'en')).toEqual([]);
  });

  it('figures as shown: counts, the rate, durations, and none where there is none', () => {
    const total = figures({
      offered: 12_345,
      answered: 10_800,
      answerRate: 10_800 / 12_345,
      averageHandleSeconds: 412.4,
      averageRingSeconds: 9,
    });
    expect(figureText(total, 'offered', 'de')).toBe('12.345');
    expect(spaces(figureText(total, 'answerRate', 'de')!)).toBe('87,5 %');
    expect(figureText(total, 'answerRate', 'en')).toBe('87.5%');
    expect(figureText(total, 'averageHandleSeconds', 'en')).toBe('6:52');
    expect(figureText(total, 'averageRingSeconds', 'de')).toBe('0:09');
    expect(figureText(figures(), 'answerRate', 'de')).toBeNull();
    expect(figureText(figures(), 'averageHandleSeconds', 'de')).toBeNull();
    expect(figureText(figures(), 'missed', 'de')).toBe('0');
  });

  it('per agent: by code (A2 before A10), calls without a code last, a cell per figure', () => {
    const report: KpiReport = {
      range: { from: '2025-03-01', to: '2025-03-07' },
      timeZone: 'Europe/Berlin',
      generatedAt: Date.UTC(2025, 2, 8, 9, 0),
      agentsWithheld: false,
      sources: [{ installationId: 'i-1', calls: 9 }],
      duplicatesRemoved: 0,
      total: figures({ offered: 9, answered: 6, missed: 2, rejected: 1, answerRate: 6 / 9 }),
      agents: [
        { agent: null, figures: figures({ offered: 1, missed: 1, answerRate: 0 }) },
        { agent: 'A10', figures: figures({ offered: 4, answered: 4, answerRate: 1, averageHandleSeconds: 3_700 }) },
        { agent: 'A2', figures: figures({ offered: 4, answered: 2, answerRate: 0.5 }) },
      ],
      labels: { dispositions: {}, triage: {} },
    };
    expect(kpiReportSchema.safeParse(report).success).toBe(true);
    const rows = agentRows(report, 'de');
    expect(rows.map((row) => row.agent)).toEqual(['A2', 'A10', null]);
    expect(rows[1]?.cells).toHaveLength(8);
    expect(rows[1]?.cells[0]).toBe('4');
    expect(spaces(rows[1]?.cells[4] ?? '')).toBe('100,0 %');
    expect(rows[1]?.cells[6]).toBe('1:01:40');
    expect(rows[0]?.cells[6]).toBeNull();
  });
});
