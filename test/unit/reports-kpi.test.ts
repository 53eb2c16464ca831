import { describe, expect, it } from 'vitest';
import { type KpiCall, KpiAggregator } from '../../src/main/reports/kpi';
import { LOGGED_OUTCOMES } from '../../src/shared/contract/calllog';
import { type KpiFigures, kpiReportSchema, type KpiReport, type ReportRange } from '../../src/shared/contract/reports';
import { seededRandom } from '../support/random';

const LABELS: KpiReport['labels'] = {
  dispositions: { info: { de: 'Auskunft', en: 'Information' } },
  triage: { green: { de: 'Grün', en: 'Green' } },
};
const GENERATED_AT = Date.UTC(2026, 3, 1, 8);

let serial = 0;
function call(fields: Partial<KpiCall> & Pick<KpiCall, 'startedAt'>): KpiCall {
  serial += 1;
  return {
    installationId: 'inst-A',
    callUuid: `call-${serial}`,
    agent: 'a01',
    direction: 'inbound',
    answeredAt: null,
    outcome: 'missed',
    talkSeconds: null,
    holdSeconds: null,
    wrapUpSeconds: null,
    disposition: null,
    triage: null,
    ...fields,
  };
}

/** A heat map with the given cells ([weekday, hour, count]). */
function heat(...cells: [number, number, number][]): number[][] {
  const map = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const [weekday, hour, count] of cells) (map[weekday] ?? [])[hour] = count;
  return map;
}

function figures(fields: Partial<KpiFigures>): KpiFigures {
  return {
    offered: 0,
    answered: 0,
    missed: 0,
    rejected: 0,
    answerRate: null,
    placed: 0,
    averageHandleSeconds: null,
    averageRingSeconds: null,
    heatMap: heat(),
    dispositions: [],
    triage: [],
    ...fields,
  };
}

function run(range: ReportRange, calls: readonly KpiCall[], dedupe = false): KpiReport {
  const aggregator = new KpiAggregator({ range, dedupe });
  for (const one of calls) aggregator.add(one);
  const report = aggregator.report({ labels: LABELS, generatedAt: GENERATED_AT });
  expect(kpiReportSchema.safeParse(report).success).toBe(true);
  return report;
}

// The week of 23 to 29 March 2026 (Monday to Sunday): the clocks go forward on the Sunday.
const MARCH_WEEK: ReportRange = { from: '2026-03-23', to: '2026-03-29' };
const at = (iso: string): number => Date.parse(iso);

function marchCalls(): KpiCall[] {
  return [
    // a01, Monday 09:00 CET, answered after 5 s: handle 120 + 10 + 30.
    call({
      startedAt: at('2026-03-23T08:00:00Z'),
      answeredAt: at('2026-03-23T08:00:05Z'),
      outcome: 'answered',
      talkSeconds: 120,
      holdSeconds: 10,
      wrapUpSeconds: 30,
      disposition: 'info',
      triage: 'green',
    }),
    // a01, Monday 09:10, answered after 15 s, then dropped by the network: still answered.
    call({
      startedAt: at('2026-03-23T08:10:00Z'),
      answeredAt: at('2026-03-23T08:10:15Z'),
      outcome: 'dropped',
      talkSeconds: 60,
      disposition: 'info',
    }),
    // a01, Tuesday 13:00, missed.
    call({ startedAt: at('2026-03-24T12:00:00Z'), outcome: 'missed' }),
    // b02 (inst-B), Sunday 03:30 CEST (after the change), busy: rejected.
    call({ installationId: 'inst-B', agent: 'b02', startedAt: at('2026-03-29T01:30:00Z'), outcome: 'busy' }),
    // b02, Sunday 01:30 CET (before the change), rejected.
    call({ installationId: 'inst-B', agent: 'b02', startedAt: at('2026-03-29T00:30:00Z'), outcome: 'rejected' }),
    // b02, an answered call-back: handle 300 + 0 + 100, not offered, no ring time.
    call({
      installationId: 'inst-B',
      agent: 'b02',
      direction: 'outbound',
      startedAt: at('2026-03-25T09:00:00Z'),
      answeredAt: at('2026-03-25T09:00:20Z'),
      outcome: 'answered',
      talkSeconds: 300,
      holdSeconds: 0,
      wrapUpSeconds: 100,
      disposition: 'callback',
      triage: 'green',
    }),
    // a01, a call-back no one answered.
    call({
      direction: 'outbound',
      startedAt: at('2026-03-26T10:00:00Z'),
      outcome: 'failed',
      disposition: 'callback',
    }),
    // No agent code, Friday 11:00, missed.
    call({ agent: null, startedAt: at('2026-03-27T10:00:00Z'), outcome: 'missed' }),
    // a01, still up: not counted.
    call({ startedAt: at('2026-03-27T11:00:00Z'), answeredAt: at('2026-03-27T11:00:02Z'), outcome: null }),
    // a01, the last millisecond before the range (Sunday 22 March 23:59:59.999 CET): not counted.
    call({ startedAt: at('2026-03-22T22:59:59.999Z'), outcome: 'missed', disposition: 'info' }),
    // b02, the first instant after the range (Monday 30 March 00:00 CEST): not counted.
    call({ installationId: 'inst-B', agent: 'b02', startedAt: at('2026-03-29T22:00:00Z'), outcome: 'missed' }),
    // b02, the range's first instant (Monday 00:00 CET), answered after 3 s, cut off by a crash.
    call({
      installationId: 'inst-B',
      agent: 'b02',
      startedAt: at('2026-03-22T23:00:00Z'),
      answeredAt: at('2026-03-22T23:00:03Z'),
      outcome: 'interrupted',
      triage: 'red',
    }),
    // b02, the range's last second (Sunday 23:59:59 CEST), failed while ringing.
    call({ installationId: 'inst-B', agent: 'b02', startedAt: at('2026-03-29T21:59:59Z'), outcome: 'failed' }),
    // inst-C, only a call still up.
    call({ installationId: 'inst-C', agent: 'c03', startedAt: at('2026-03-25T12:00:00Z'), outcome: null }),
  ];
}

const MARCH_A01 = figures({
  offered: 3,
  answered: 2,
  missed: 1,
  answerRate: 2 / 3,
  placed: 1,
  averageHandleSeconds: 110,
  averageRingSeconds: 10,
  heatMap: heat([0, 9, 2], [1, 13, 1]),
  dispositions: [
    { value: 'info', count: 2 },
    { value: 'callback', count: 1 },
  ],
  triage: [{ value: 'green', count: 1 }],
});
const MARCH_B02 = figures({
  offered: 4,
  answered: 1,
  rejected: 2,
  answerRate: 0.25,
  placed: 1,
  averageHandleSeconds: 200,
  averageRingSeconds: 3,
  heatMap: heat([0, 0, 1], [6, 1, 1], [6, 3, 1], [6, 23, 1]),
  dispositions: [{ value: 'callback', count: 1 }],
  triage: [
    { value: 'green', count: 1 },
    { value: 'red', count: 1 },
  ],
});
const MARCH_NONE = figures({ offered: 1, missed: 1, answerRate: 0, heatMap: heat([4, 11, 1]) });
const MARCH_TOTAL = figures({
  offered: 8,
  answered: 3,
  missed: 2,
  rejected: 2,
  answerRate: 0.375,
  placed: 2,
  averageHandleSeconds: 155, // (160 + 60 + 400 + 0) / 4
  averageRingSeconds: 7.667, // (5 + 15 + 3) / 3
  heatMap: heat([0, 0, 1], [0, 9, 2], [1, 13, 1], [4, 11, 1], [6, 1, 1], [6, 3, 1], [6, 23, 1]),
  dispositions: [
    { value: 'callback', count: 2 },
    { value: 'info', count: 2 },
  ],
  triage: [
    { value: 'green', count: 2 },
    { value: 'red', count: 1 },
  ],
});

describe('KPIs', () => {
  it('counts a week with every kind of call, per agent and in total', () => {
    expect(run(MARCH_WEEK, marchCalls())).toEqual({
      range: MARCH_WEEK,
      timeZone: 'Europe/Berlin',
      generatedAt: GENERATED_AT,
      sources: [
        { installationId: 'inst-A', calls: 5 },
        { installationId: 'inst-B', calls: 5 },
        { installationId: 'inst-C', calls: 0 },
      ],
      duplicatesRemoved: 0,
      total: MARCH_TOTAL,
      agents: [
        { agent: 'a01', figures: MARCH_A01 },
        { agent: 'b02', figures: MARCH_B02 },
        { agent: null, figures: MARCH_NONE },
      ],
      agentsWithheld: false,
      labels: LABELS,
    });
  });

  it('reports an empty range with nothing to average', () => {
    expect(run({ from: '2026-11-29', to: '2026-11-29' }, [])).toEqual({
      range: { from: '2026-11-29', to: '2026-11-29' },
      timeZone: 'Europe/Berlin',
      generatedAt: GENERATED_AT,
      sources: [],
      duplicatesRemoved: 0,
      total: figures({}),
      agents: [],
      agentsWithheld: false,
      labels: LABELS,
    });
  });

  it('puts both 02:00 hours of the day the clocks go back in one cell, and keeps the 25-hour day', () => {
    const report = run({ from: '2026-10-25', to: '2026-10-25' }, [
      call({ startedAt: at('2026-10-24T21:59:59.999Z') }), // Saturday 23:59:59.999 CEST: before
      call({ startedAt: at('2026-10-24T22:00:00Z') }), // Sunday 00:00 CEST
      call({ startedAt: at('2026-10-25T00:30:00Z') }), // 02:30 CEST
      call({ startedAt: at('2026-10-25T01:30:00Z') }), // 02:30 CET
      call({ startedAt: at('2026-10-25T22:59:59.999Z') }), // 23:59:59.999 CET
      call({ startedAt: at('2026-10-25T23:00:00Z') }), // Monday 00:00 CET: after
    ]);
    expect(report.total).toEqual(
      figures({ offered: 4, missed: 4, answerRate: 0, heatMap: heat([6, 0, 1], [6, 2, 2], [6, 23, 1]) }),
    );
  });

  it('places Berlin midnight on Monday while UTC still has Sunday, in a one-day range', () => {
    const sunday = run({ from: '2026-11-29', to: '2026-11-29' }, [
      call({ startedAt: at('2026-11-28T22:59:59Z') }), // Saturday 23:59:59: before
      call({ startedAt: at('2026-11-28T23:00:00Z') }), // Sunday 00:00
      call({ startedAt: at('2026-11-29T22:59:59Z') }), // Sunday 23:59:59
      call({ startedAt: at('2026-11-29T23:00:00Z') }), // Monday 00:00 (Sunday in UTC): after
    ]);
    expect(sunday.total.heatMap).toEqual(heat([6, 0, 1], [6, 23, 1]));
    const twoDays = run({ from: '2026-11-29', to: '2026-11-30' }, [
      call({ startedAt: at('2026-11-29T22:59:59Z') }),
      call({ startedAt: at('2026-11-29T23:00:00Z') }),
    ]);
    expect(twoDays.total.heatMap).toEqual(heat([6, 23, 1], [0, 0, 1]));
  });

  it('sorts call types by count, then by value, and agents by code with none last', () => {
    const report = run(MARCH_WEEK, [
      call({ agent: 'b', startedAt: at('2026-03-24T08:00:00Z'), disposition: 'x' }),
      call({ agent: null, startedAt: at('2026-03-24T08:00:00Z'), disposition: 'b' }),
      call({ agent: 'B', startedAt: at('2026-03-24T08:00:00Z'), disposition: 'a' }),
      call({ agent: 'a', startedAt: at('2026-03-24T08:00:00Z'), disposition: 'x' }),
    ]);
    expect(report.total.dispositions).toEqual([
      { value: 'x', count: 2 },
      { value: 'a', count: 1 },
      { value: 'b', count: 1 },
    ]);
    expect(report.agents.map((entry) => entry.agent)).toEqual(['B', 'a', 'b', null]);
  });

  it('counts negative and non-finite durations as 0', () => {
    const report = run(MARCH_WEEK, [
      call({
        startedAt: at('2026-03-24T08:00:10Z'),
        answeredAt: at('2026-03-24T08:00:00Z'), // the clock was set back while it rang
        outcome: 'answered',
        talkSeconds: -5,
        holdSeconds: Number.NaN,
        wrapUpSeconds: Infinity,
      }),
      call({
        startedAt: at('2026-03-24T09:00:00Z'),
        answeredAt: at('2026-03-24T09:00:04Z'),
        outcome: 'answered',
        talkSeconds: 10,
      }),
    ]);
    expect(report.total).toMatchObject({ answered: 2, averageHandleSeconds: 5, averageRingSeconds: 2 });
  });
});

describe('merging exports', () => {
  it('counts a call seen twice once with dedupe, and twice without', () => {
    const calls = marchCalls();
    const deduped = run(MARCH_WEEK, [...calls, ...calls], true);
    expect(deduped.total).toEqual(MARCH_TOTAL);
    expect(deduped.agents.map((entry) => entry.figures)).toEqual([MARCH_A01, MARCH_B02, MARCH_NONE]);
    expect(deduped.duplicatesRemoved).toBe(10);
    expect(deduped.sources).toEqual([
      { installationId: 'inst-A', calls: 5 },
      { installationId: 'inst-B', calls: 5 },
      { installationId: 'inst-C', calls: 0 },
    ]);

    const doubled = run(MARCH_WEEK, [...calls, ...calls], false);
    expect(doubled.duplicatesRemoved).toBe(0);
    expect(doubled.total).toMatchObject({
      offered: 16,
      answered: 6,
      missed: 4,
      rejected: 4,
      answerRate: 0.375,
      placed: 4,
      averageHandleSeconds: 155,
      averageRingSeconds: 7.667,
    });
    expect(doubled.sources.map((source) => source.calls)).toEqual([10, 10, 0]);
  });

  it('counts a call between two agents once on each side', () => {
    const startedAt = at('2026-03-24T08:00:00Z');
    const report = run(
      MARCH_WEEK,
      [
        call({ installationId: 'laptop-1', callUuid: 'same', agent: 'a01', direction: 'outbound', startedAt }),
        call({ installationId: 'laptop-2', callUuid: 'same', agent: 'b02', direction: 'inbound', startedAt }),
        call({ installationId: 'laptop-2', callUuid: 'same', agent: 'b02', direction: 'inbound', startedAt }),
      ],
      true,
    );
    expect(report.total).toMatchObject({ offered: 1, placed: 1 });
    expect(report.duplicatesRemoved).toBe(1);
    expect(report.sources).toEqual([
      { installationId: 'laptop-1', calls: 1 },
      { installationId: 'laptop-2', calls: 1 },
    ]);
  });

  it('counts a call once it has ended even if an earlier export had it still up', () => {
    const startedAt = at('2026-03-24T08:00:00Z');
    const report = run(
      MARCH_WEEK,
      [
        call({ callUuid: 'u1', startedAt, answeredAt: startedAt + 2000, outcome: null }),
        call({ callUuid: 'u1', startedAt, answeredAt: startedAt + 2000, outcome: 'answered', talkSeconds: 30 }),
      ],
      true,
    );
    expect(report.total).toMatchObject({ offered: 1, answered: 1, averageHandleSeconds: 30 });
    expect(report.duplicatesRemoved).toBe(0);
  });
});

describe('KPIs of random calls', () => {
  const berlin = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hourCycle: 'h23',
    weekday: 'short',
    hour: '2-digit',
  });
  const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

  /** Seeded (mulberry32): the same calls on every run. */
  const random = (seed: number): (() => number) => seededRandom(seed).next;

  it('adds up: the total is the sum over the agents, and matches a plain recount', () => {
    const next = random(5000);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const maybe = (value: number): number | null => (next() < 0.2 ? null : value);
    const range: ReportRange = { from: '2026-03-20', to: '2026-04-05' };
    const windowStart = Date.UTC(2026, 2, 18);
    const windowEnd = Date.UTC(2026, 3, 8);
    const calls: KpiCall[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const startedAt = windowStart + Math.floor(next() * (windowEnd - windowStart));
      const answered = next() < 0.6;
      calls.push({
        installationId: pick(['inst-A', 'inst-B', 'inst-C']),
        callUuid: `u${Math.floor(next() * 4_000)}`, // some collide: duplicates
        agent: pick(['a01', 'b02', 'c03', 'd04', null]),
        direction: next() < 0.75 ? 'inbound' : 'outbound',
        startedAt,
        answeredAt: answered ? startedAt + Math.floor(next() * 60_000) : null,
        outcome: next() < 0.05 ? null : pick(LOGGED_OUTCOMES),
        talkSeconds: maybe(next() * 900),
        holdSeconds: maybe(next() * 120),
        wrapUpSeconds: maybe(next() * 300),
        disposition: next() < 0.3 ? null : pick(['info', 'callback', 'symptoms', 'vaccination']),
        triage: next() < 0.5 ? null : pick(['green', 'yellow', 'red']),
      });
    }

    for (const dedupe of [false, true]) {
      const report = run(range, calls, dedupe);
      const { total } = report;
      const sum = (select: (figures: KpiFigures) => number): number =>
        report.agents.reduce((all, entry) => all + select(entry.figures), 0);
      for (const key of ['offered', 'answered', 'missed', 'rejected', 'placed'] as const) {
        expect(total[key], key).toBe(sum((figures) => figures[key]));
      }
      for (let weekday = 0; weekday < 7; weekday += 1) {
        for (let hour = 0; hour < 24; hour += 1) {
          expect(total.heatMap[weekday]?.[hour]).toBe(sum((figures) => figures.heatMap[weekday]?.[hour] ?? 0));
        }
      }
      for (const kind of ['dispositions', 'triage'] as const) {
        const merged = new Map<string, number>();
        for (const entry of report.agents) {
          for (const { value, count } of entry.figures[kind]) merged.set(value, (merged.get(value) ?? 0) + count);
        }
        expect(new Map(total[kind].map(({ value, count }) => [value, count]))).toEqual(merged);
      }
      expect(report.sources.reduce((all, source) => all + source.calls, 0)).toBe(total.offered + total.placed);

      // A plain recount, with Intl for the heat map.
      const start = Date.parse('2026-03-19T23:00:00Z');
      const end = Date.parse('2026-04-05T22:00:00Z');
      const seen = new Set<string>();
      const expected = { offered: 0, answered: 0, missed: 0, rejected: 0, placed: 0, duplicates: 0 };
      const heatMap = heat();
      let handle = 0;
      let handled = 0;
      let ring = 0;
      let rung = 0;
      for (const one of calls) {
        if (one.outcome === null || one.startedAt < start || one.startedAt >= end) continue;
        const key = `${one.installationId}/${one.callUuid}`;
        if (dedupe && seen.has(key)) {
          expected.duplicates += 1;
          continue;
        }
        seen.add(key);
        if (one.answeredAt !== null) {
          handle += (one.talkSeconds ?? 0) + (one.holdSeconds ?? 0) + (one.wrapUpSeconds ?? 0);
          handled += 1;
        }
        if (one.direction === 'outbound') {
          expected.placed += 1;
          continue;
        }
        expected.offered += 1;
        if (one.answeredAt !== null) {
          expected.answered += 1;
          ring += (one.answeredAt - one.startedAt) / 1000;
          rung += 1;
        }
        if (one.outcome === 'missed') expected.missed += 1;
        if (one.outcome === 'rejected' || one.outcome === 'busy') expected.rejected += 1;
        const parts = berlin.formatToParts(one.startedAt);
        const weekday = WEEKDAYS.indexOf(parts.find((part) => part.type === 'weekday')?.value ?? '');
        const hour = Number(parts.find((part) => part.type === 'hour')?.value);
        const row = heatMap[weekday] ?? [];
        row[hour] = (row[hour] ?? 0) + 1;
      }
      expect(total).toMatchObject({
        offered: expected.offered,
        answered: expected.answered,
        missed: expected.missed,
        rejected: expected.rejected,
        placed: expected.placed,
        answerRate: expected.answered / expected.offered,
        heatMap,
      });
      // Summed in the same order, so rounded the same to the last bit.
      expect(total.averageHandleSeconds).toBe(Math.round((handle / handled) * 1000) / 1000);
      expect(total.averageRingSeconds).toBe(Math.round((ring / rung) * 1000) / 1000);
      expect(report.duplicatesRemoved).toBe(expected.duplicates);
      if (dedupe) expect(expected.duplicates).toBeGreaterThan(0);
    }
  });
});
