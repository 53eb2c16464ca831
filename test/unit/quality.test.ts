import { describe, expect, it } from 'vitest';
import {
  estimateMos,
  QualityAccumulator,
  qualityFiguresSchema,
  qualityFromStats,
  qualityWarnings,
} from '../../src/shared/quality';

describe('call quality', () => {
  it('rates a clean call near the top and a bad one low', () => {
    expect(estimateMos(20, 2, 0)).toBeGreaterThan(4.3);
    expect(estimateMos(600, 60, 8)).toBeLessThan(3);
    expect(estimateMos(100, 10, 1)).toBeGreaterThan(estimateMos(100, 10, 5));
  });

  it('reads figures from getStats reports', () => {
    const figures = qualityFromStats([
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 970, packetsLost: 30, jitter: 0.012 },
      { type: 'remote-inbound-rtp', roundTripTime: 0.08 },
      { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.05 },
      { type: 'inbound-rtp', kind: 'video', packetsReceived: 5 },
    ]);
    expect(figures).toMatchObject({ packetsReceived: 970, lossPercent: 3, jitterMs: 12, rttMs: 80 });
    expect(figures.mos).toBeGreaterThan(3.9);
  });

  it('has no figures before any arrive', () => {
    expect(qualityFromStats([])).toEqual({
      rttMs: null,
      jitterMs: null,
      lossPercent: null,
      mos: null,
      packetsReceived: 0,
    });
  });

  it('warns past the thresholds: RTT over 400 ms, jitter over 30 ms, loss over 3 %, MOS under 3.5', () => {
    expect(qualityWarnings({ rttMs: 401, jitterMs: 31, lossPercent: 3.1, mos: 3.4, packetsReceived: 1 })).toEqual([
      'rtt',
      'jitter',
      'loss',
      'mos',
    ]);
    expect(qualityWarnings({ rttMs: 400, jitterMs: 30, lossPercent: 3, mos: 3.5, packetsReceived: 1 })).toEqual([]);
  });

  it('sums a call up at its end: mean RTT, jitter and MOS; loss and packets as last counted', () => {
    const call = new QualityAccumulator();
    expect(call.summary()).toBeNull();
    call.add({ rttMs: null, jitterMs: null, lossPercent: null, mos: null, packetsReceived: 0 });
    call.add({ rttMs: 40, jitterMs: 10, lossPercent: 0, mos: 4.4, packetsReceived: 100 });
    call.add({ rttMs: 60, jitterMs: 30, lossPercent: 2.5, mos: 4.1, packetsReceived: 200 });
    call.add({ rttMs: 80, jitterMs: 20, lossPercent: 2, mos: 4.2, packetsReceived: 300 });
    const summary = call.summary();
    expect(summary).toEqual({ rttMs: 60, jitterMs: 20, lossPercent: 2, mos: 4.23, packetsReceived: 300 });
    // What main takes from the renderer must pass the contract's schema.
    expect(qualityFiguresSchema.safeParse(summary).success).toBe(true);
    expect(qualityFiguresSchema.safeParse({ ...summary, lossPercent: 140 }).success).toBe(false);
  });
});
