import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../src/shared/contract/reports';
import type { Result } from '../../src/shared/result';
import { kamailioRequirement } from '../lab/kamailio';
import { sippRequirement } from '../lab/sipp';
import { callLogData } from '../support/call-log-data';
import { callEvent, cleanUpCallLab, expectCompleted, lab, registeredAgent, sipp } from '../support/calls';

/*
 * The reports worker keeps the main thread free: a call rings, is answered and ends through the
 * real SIP stack (Kamailio, sipp) while an export of a large call log is being written.
 */

const CALLS = 150_000;

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)('a call while a large export runs', () => {
  beforeAll(() => {
    kamailioRequirement.assert();
    sippRequirement.assert();
  });
  afterEach(cleanUpCallLab);

  it('rings, is answered and ends normally; the export finishes with every row', async () => {
    const data = await callLogData({ seed: { count: CALLS, seed: 9, days: 365 } });
    const kamailio = await lab();
    const { app, calls } = await registeredAgent(kamailio.wsUrl, '1001', {}, { dataDir: data.dataDir });
    const progress: number[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'reports.progress') progress.push((payload as { rows: number }).rows);
    });
    let exportDone = false;
    const exporting = (
      app.dispatch(
        'reports.export',
        { range: { from: '2020-01-01', to: '2030-12-31' }, format: 'xlsx' },
        { clientId: 'test' },
      ) as Promise<Result<ExportResult>>
    ).finally(() => {
      exportDone = true;
    });
    // The worker has started writing rows.
    await expect.poll(() => progress.length, { timeout: 60_000 }).toBeGreaterThan(0);

    const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    expect(await app.dispatch('calls.answer', { callId: ringing.id }, { clientId: 'test' })).toMatchObject({
      ok: true,
    });
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'active');
    // Answered while the export was still being written.
    expect(exportDone).toBe(false);
    await callEvent(calls, (call) => call.id === ringing.id && call.phase === 'ended');
    await expectCompleted(caller);

    const result = await exporting;
    expect(result).toMatchObject({ ok: true, value: { rows: CALLS } });
    expect(progress.at(-1)).toBe(CALLS);
  }, 300_000);
});
