import { describe, expect, it } from 'vitest';
import { TimerDriftPowerEvents } from '../../src/main/host/node-ports';

describe('sleep detection in plain Node', () => {
  it('reports suspend and resume when the timer wakes far too late, and nothing otherwise', () => {
    let now = 1_000_000;
    const power = new TimerDriftPowerEvents({ intervalMs: 2_000, toleranceMs: 8_000, now: () => now });
    const seen: string[] = [];
    const stopSuspend = power.onSuspend(() => seen.push('suspend'));
    const stopResume = power.onResume(() => seen.push('resume'));
    now += 2_000;
    power.check();
    now += 2_500;
    power.check();
    expect(seen).toEqual([]);
    now += 60_000; // the lid was closed for a minute
    power.check();
    expect(seen).toEqual(['suspend', 'resume']);
    now -= 3_600_000; // the clock was set back an hour
    power.check();
    now += 2_000;
    power.check();
    expect(seen).toEqual(['suspend', 'resume']);
    stopSuspend();
    stopResume();
  });

  it('uses the wall clock, which keeps counting while the machine sleeps', () => {
    const power = new TimerDriftPowerEvents();
    const before = Date.now();
    const reading = (power as unknown as { now: () => number }).now();
    expect(Math.abs(reading - before)).toBeLessThan(1_000);
  });
});
