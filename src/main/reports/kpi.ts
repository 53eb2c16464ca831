import type { LoggedOutcome } from '../../shared/contract/calllog';
import {
  kpiReportSchema,
  REPORT_TIME_ZONE,
  reportRangeSchema,
  type KpiFigures,
  type KpiReport,
  type ReportRange,
} from '../../shared/contract/reports';
import { berlinWeekHour, dayRangeToEpoch } from './berlin-time';

/**
 * The KPIs of a day range, counted call by call as the calls stream past (a million calls take
 * no more memory than ten, unless duplicates are to be removed). Filters (direction, outcomes,
 * call type, agent) are the caller's: every call given to `add` is a candidate.
 *
 * What is counted
 * - Days are Europe/Berlin calendar days, both ends included: a call counts when it started on or
 *   after the first day's 00:00 and before the 00:00 after the last day (on the days the clocks
 *   change, a day has 23 or 25 hours). Calls that started outside are not counted anywhere.
 * - Calls still up (no outcome yet) are not counted anywhere; they count once they have ended.
 * - Offered: inbound calls (they rang at this console).
 *   - Answered: offered calls that were picked up, whatever happened next (a call dropped by the
 *     network after the answer, or cut off by a crash, still counts as answered).
 *   - Missed: offered calls that stopped ringing unanswered (the caller gave up, or no one took it).
 *   - Rejected: offered calls the agent declined, or that were turned away as busy.
 *   - The rest of the offered calls failed before anyone answered (a network or SIP error, or a
 *     crash while ringing): offered ≥ answered + missed + rejected.
 *   - Answer rate: answered ÷ offered (not rounded); none when nothing was offered.
 * - Placed: outbound calls (call-backs), answered or not. They are never "offered".
 * - Average handle time: over the answered calls of both directions, talk + hold + wrap-up in
 *   seconds (a part not recorded counts as 0).
 * - Average ring time: over the answered inbound calls, the seconds from ringing to the answer.
 * - Both averages are rounded to 3 decimals and are none when there is nothing to average. A
 *   negative or non-finite duration (a clock set back during the call, a damaged row) counts as 0.
 * - Heat map: offered calls by the Berlin weekday (0 Monday … 6 Sunday) and hour they started in.
 *   On the day the clocks go forward the hour 02:00 stays empty; on the day they go back it holds
 *   both 02:00 hours.
 * - Call types (dispositions) and triage results: how many counted calls (both directions) have
 *   each value, most first, then by value; calls without one are left out.
 * - The figures are given per agent code (calls without a code as agent none, listed last) and in
 *   total; the total of every count and of the heat map is the sum over the agents.
 * - Sources: every installation a call came from, with the number of its calls that were counted
 *   (0 when none were, e.g. all outside the range).
 * - Duplicates (with `dedupe`, for merging exports of several laptops): a call is the pair of
 *   installation and call UUID; when the same pair comes again it is not counted again (the first
 *   one counted stands) and `duplicatesRemoved` goes up. A call between two agents is logged on
 *   both laptops, i.e. by two installations: it counts once on each side. Calls not counted (still
 *   up, outside the range) do not take part in this. Without `dedupe`, nothing is remembered.
 */

export interface KpiCall {
  readonly installationId: string;
  readonly callUuid: string;
  readonly agent: string | null;
  readonly direction: 'inbound' | 'outbound';
  /** Epoch ms. */
  readonly startedAt: number;
  readonly answeredAt: number | null;
  /** Null: the call is still up. */
  readonly outcome: LoggedOutcome | null;
  readonly talkSeconds: number | null;
  readonly holdSeconds: number | null;
  readonly wrapUpSeconds: number | null;
  readonly disposition: string | null;
  readonly triage: string | null;
}

const HOURS_PER_WEEK = 7 * 24;

/** The running counts of one agent, or of all. */
class Tally {
  offered = 0;
  answered = 0;
  missed = 0;
  rejected = 0;
  placed = 0;
  handleMs = 0;
  handled = 0;
  ringMs = 0;
  rung = 0;
  readonly heat = new Float64Array(HOURS_PER_WEEK);
  readonly dispositions = new Map<string, number>();
  readonly triage = new Map<string, number>();
}

/** A duration that counts: finite and not negative; otherwise (or none) 0. */
/**
 * Seconds as whole milliseconds: sums of integers are exact, so the same calls give the same
 * averages whether they come from the log or from an export (whose seconds are decimals).
 */
function millis(value: number | null): number {
  return value !== null && value > 0 && value < Infinity ? Math.round(value * 1000) : 0;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function countsOf(counts: ReadonlyMap<string, number>): KpiFigures['dispositions'] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || compareCodeUnits(a.value, b.value));
}

function figuresOf(tally: Tally): KpiFigures {
  return {
    offered: tally.offered,
    answered: tally.answered,
    missed: tally.missed,
    rejected: tally.rejected,
    answerRate: tally.offered === 0 ? null : tally.answered / tally.offered,
    placed: tally.placed,
    averageHandleSeconds: tally.handled === 0 ? null : round3(tally.handleMs / tally.handled / 1000),
    averageRingSeconds: tally.rung === 0 ? null : round3(tally.ringMs / tally.rung / 1000),
    heatMap: Array.from({ length: 7 }, (_, weekday) =>
      Array.from(tally.heat.subarray(weekday * 24, weekday * 24 + 24)),
    ),
    dispositions: countsOf(tally.dispositions),
    triage: countsOf(tally.triage),
  };
}

function increment(counts: Map<string, number>, value: string | null): void {
  if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
}

export class KpiAggregator {
  private readonly range: ReportRange;
  private readonly start: number;
  private readonly end: number;
  /** Call UUIDs counted, per installation; null without dedupe. */
  private readonly seen: Map<string, Set<string>> | null;
  private readonly sources = new Map<string, number>();
  private readonly total = new Tally();
  private readonly agents = new Map<string | null, Tally>();
  private duplicatesRemoved = 0;

  constructor(options: { range: ReportRange; dedupe: boolean }) {
    this.range = reportRangeSchema.parse(options.range);
    ({ start: this.start, end: this.end } = dayRangeToEpoch(this.range));
    this.seen = options.dedupe ? new Map() : null;
  }

  add(call: KpiCall): void {
    const { installationId, startedAt } = call;
    const sourceCalls = this.sources.get(installationId);
    if (call.outcome === null || !(startedAt >= this.start && startedAt < this.end)) {
      if (sourceCalls === undefined) this.sources.set(installationId, 0);
      return;
    }
    if (this.seen !== null) {
      let uuids = this.seen.get(installationId);
      if (uuids === undefined) {
        uuids = new Set();
        this.seen.set(installationId, uuids);
      }
      if (uuids.has(call.callUuid)) {
        this.duplicatesRemoved += 1;
        return;
      }
      uuids.add(call.callUuid);
    }
    this.sources.set(installationId, (sourceCalls ?? 0) + 1);

    let agent = this.agents.get(call.agent);
    if (agent === undefined) {
      agent = new Tally();
      this.agents.set(call.agent, agent);
    }
    const answered = call.answeredAt !== null;
    const handle = answered ? millis(call.talkSeconds) + millis(call.holdSeconds) + millis(call.wrapUpSeconds) : 0;
    if (call.direction === 'inbound') {
      const weekHour = berlinWeekHour(startedAt);
      const ring = call.answeredAt !== null ? millis((call.answeredAt - startedAt) / 1000) : 0;
      this.countInbound(this.total, call.outcome, answered, handle, ring, weekHour);
      this.countInbound(agent, call.outcome, answered, handle, ring, weekHour);
    } else {
      this.countOutbound(this.total, answered, handle);
      this.countOutbound(agent, answered, handle);
    }
    increment(this.total.dispositions, call.disposition);
    increment(agent.dispositions, call.disposition);
    increment(this.total.triage, call.triage);
    increment(agent.triage, call.triage);
  }

  private countInbound(
    tally: Tally,
    outcome: LoggedOutcome,
    answered: boolean,
    handle: number,
    ring: number,
    weekHour: number,
  ): void {
    tally.offered += 1;
    tally.heat[weekHour] = (tally.heat[weekHour] ?? 0) + 1;
    if (answered) {
      tally.answered += 1;
      tally.handleMs += handle;
      tally.handled += 1;
      tally.ringMs += ring;
      tally.rung += 1;
    }
    if (outcome === 'missed') tally.missed += 1;
    else if (outcome === 'rejected' || outcome === 'busy') tally.rejected += 1;
  }

  private countOutbound(tally: Tally, answered: boolean, handle: number): void {
    tally.placed += 1;
    if (answered) {
      tally.handleMs += handle;
      tally.handled += 1;
    }
  }

  /** The figures so far (the aggregator can go on counting afterwards). */
  report(options: { labels: KpiReport['labels']; generatedAt: number }): KpiReport {
    const agents = [...this.agents.keys()]
      .sort((a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : compareCodeUnits(a, b)))
      .map((agent) => ({ agent, figures: figuresOf(this.agents.get(agent) ?? new Tally()) }));
    const sources = [...this.sources]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([installationId, calls]) => ({ installationId, calls }));
    return kpiReportSchema.parse({
      range: this.range,
      timeZone: REPORT_TIME_ZONE,
      generatedAt: options.generatedAt,
      sources,
      duplicatesRemoved: this.duplicatesRemoved,
      agentsWithheld: false,
      total: figuresOf(this.total),
      agents,
      labels: options.labels,
    });
  }
}
