import { z } from 'zod';

/**
 * Call quality from WebRTC statistics: the figures an agent (and later the call log) sees, and
 * a MOS estimate from the ITU-T G.107 E-model, simplified for G.711/Opus narrowband speech.
 */
const figure = z.number().finite().nonnegative().nullable();

export const qualityFiguresSchema = z.object({
  /** Round-trip time in ms, or null before it is known. */
  rttMs: figure,
  /** Interarrival jitter in ms. */
  jitterMs: figure,
  /** Packets lost, as a percentage of those expected. */
  lossPercent: z.number().finite().min(0).max(100).nullable(),
  mos: z.number().finite().min(1).max(5).nullable(),
  packetsReceived: z.number().int().nonnegative(),
});
export type QualityFigures = z.infer<typeof qualityFiguresSchema>;

export const QUALITY_THRESHOLDS = { rttMs: 400, jitterMs: 30, lossPercent: 3, mos: 3.5 } as const;

/** Mean opinion score, 1 (bad) to 4.5 (best narrowband), from delay, jitter and loss. */
export function estimateMos(rttMs: number, jitterMs: number, lossPercent: number): number {
  const latency = rttMs / 2 + jitterMs * 2 + 10;
  const delayImpairment = latency < 160 ? latency / 40 : (latency - 120) / 10;
  const lossImpairment = lossPercent * 2.5;
  const r = Math.max(0, Math.min(100, 93.2 - delayImpairment - lossImpairment));
  const mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
  return Math.round(Math.min(4.5, Math.max(1, mos)) * 100) / 100;
}

/** Which figures are past the thresholds the agent is warned about. */
export function qualityWarnings(figures: QualityFigures): ('rtt' | 'jitter' | 'loss' | 'mos')[] {
  const warnings: ('rtt' | 'jitter' | 'loss' | 'mos')[] = [];
  if (figures.rttMs !== null && figures.rttMs > QUALITY_THRESHOLDS.rttMs) warnings.push('rtt');
  if (figures.jitterMs !== null && figures.jitterMs > QUALITY_THRESHOLDS.jitterMs) warnings.push('jitter');
  if (figures.lossPercent !== null && figures.lossPercent > QUALITY_THRESHOLDS.lossPercent) warnings.push('loss');
  if (figures.mos !== null && figures.mos < QUALITY_THRESHOLDS.mos) warnings.push('mos');
  return warnings;
}

/** Reads the figures out of an RTCStatsReport-like list of stats objects. */
export function qualityFromStats(stats: Iterable<Record<string, unknown>>): QualityFigures {
  let packetsReceived = 0;
  let packetsLost = 0;
  let jitterSeconds: number | null = null;
  let rttSeconds: number | null = null;
  for (const report of stats) {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      packetsReceived += Number(report.packetsReceived ?? 0);
      packetsLost += Math.max(0, Number(report.packetsLost ?? 0));
      if (typeof report.jitter === 'number') jitterSeconds = report.jitter;
    }
    if (report.type === 'remote-inbound-rtp' && typeof report.roundTripTime === 'number')
      rttSeconds = report.roundTripTime;
    if (
      report.type === 'candidate-pair' &&
      report.nominated === true &&
      typeof report.currentRoundTripTime === 'number'
    ) {
      rttSeconds ??= report.currentRoundTripTime;
    }
  }
  const expected = packetsReceived + packetsLost;
  const lossPercent = expected > 0 ? Math.round((packetsLost / expected) * 1000) / 10 : null;
  const rttMs = rttSeconds === null ? null : Math.round(rttSeconds * 1000);
  const jitterMs = jitterSeconds === null ? null : Math.round(jitterSeconds * 1000);
  const mos =
    rttMs !== null || jitterMs !== null || lossPercent !== null
      ? estimateMos(rttMs ?? 0, jitterMs ?? 0, lossPercent ?? 0)
      : null;
  return { rttMs, jitterMs, lossPercent, mos, packetsReceived };
}

/**
 * A call's quality over its length, from the samples taken during it: mean RTT, jitter and MOS;
 * loss and packets as the last sample counted them (the counters run from the call's start).
 */
export class QualityAccumulator {
  private rtt = { sum: 0, count: 0 };
  private jitter = { sum: 0, count: 0 };
  private mos = { sum: 0, count: 0 };
  private last: QualityFigures | null = null;

  add(figures: QualityFigures): void {
    const take = (into: { sum: number; count: number }, value: number | null): void => {
      if (value === null) return;
      into.sum += value;
      into.count += 1;
    };
    take(this.rtt, figures.rttMs);
    take(this.jitter, figures.jitterMs);
    take(this.mos, figures.mos);
    this.last = figures;
  }

  /** Null until there was at least one sample. */
  summary(): QualityFigures | null {
    if (!this.last) return null;
    const mean = (of: { sum: number; count: number }, digits: number): number | null =>
      of.count === 0 ? null : Math.round((of.sum / of.count) * 10 ** digits) / 10 ** digits;
    return {
      rttMs: mean(this.rtt, 0),
      jitterMs: mean(this.jitter, 0),
      lossPercent: this.last.lossPercent,
      mos: mean(this.mos, 2),
      packetsReceived: this.last.packetsReceived,
    };
  }
}
