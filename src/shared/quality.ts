/**
 * Call quality from WebRTC statistics: the figures an agent (and later the call log) sees, and
 * a MOS estimate from the ITU-T G.107 E-model, simplified for G.711/Opus narrowband speech.
 */
export interface QualityFigures {
  /** Round-trip time in ms, or null before it is known. */
  readonly rttMs: number | null;
  /** Interarrival jitter in ms. */
  readonly jitterMs: number | null;
  /** Packets lost, as a percentage of those expected. */
  readonly lossPercent: number | null;
  readonly mos: number | null;
  readonly packetsReceived: number;
}

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
