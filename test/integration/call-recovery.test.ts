import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import type { RegistrationState } from '../../src/shared/contract/calls';
import { startCable, type Cable } from '../lab/cable';
import { kamailioRequirement } from '../lab/kamailio';
import { sippRequirement } from '../lab/sipp';
import { waitForRegistration } from '../support/app';
import { callEvent, cleanUpCallLab, expectCompleted, lab, registeredAgent, sipp } from '../support/calls';

/**
 * A call whose signalling connection drops: the agent's connection to Kamailio runs through a
 * cable the test pulls (every connection reset, new ones refused). The call must stay up and
 * recover its dialog when the connection is back, or end cleanly as "dropped" when it cannot.
 */
const context = { clientId: 'test' };
const cables: Cable[] = [];

async function cableTo(port: number): Promise<Cable> {
  const cable = await startCable(port);
  cables.push(cable);
  return cable;
}

/** Answers the ringing call and waits until the caller acknowledged the answer (its ACK arrived). */
async function answerAndWaitForAck(app: App, callId: string): Promise<void> {
  await app.dispatch('diagnostics.setSipTrace', { enabled: true }, context);
  await app.dispatch('calls.answer', { callId }, context);
  await expect
    .poll(async () => {
      const trace = await app.dispatch('diagnostics.sipTrace', {}, context);
      const entries = trace.ok ? (trace.value as { entries: { direction: string; message: string }[] }).entries : [];
      return entries.some((entry) => entry.direction === 'in' && entry.message.startsWith('ACK '));
    })
    .toBe(true);
}

afterEach(async () => {
  await cleanUpCallLab();
  for (const cable of cables.splice(0)) await cable.close();
});

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)('calls across a signalling outage', () => {
  beforeAll(() => {
    kamailioRequirement.assert();
    sippRequirement.assert();
  });

  it('a connected call stays up while the connection is down, then recovers its dialog with a re-INVITE', async () => {
    const kamailio = await lab();
    const cable = await cableTo(kamailio.wsPort);
    const { app, calls, media } = await registeredAgent(cable.wsUrl, '1001');
    const states: RegistrationState[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'calls.registrationChanged') states.push(payload as RegistrationState);
    });
    const caller = await sipp('caller-recover.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await answerAndWaitForAck(app, ringing.id);

    cable.pull();
    const waiting = await callEvent(calls, (call) => call.signallingLostAt !== null);
    expect(waiting).toMatchObject({ id: ringing.id, phase: 'active' });
    await expect.poll(() => states.some((state) => state.state === 'reconnecting')).toBe(true);
    // Down for a while: the call is neither ended nor closed in the media engine.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(calls.filter((call) => call.phase === 'ended')).toEqual([]);
    expect(media.closed).toEqual([]);
    // While the signalling is down, hold cannot be signalled: a clear error, the call untouched.
    expect(await app.dispatch('calls.hold', { callId: ringing.id, held: true }, context)).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });

    cable.plugIn();
    await waitForRegistration(app, (state) => state.state === 'registered');
    const recovered = await callEvent(
      calls,
      (call) => call.id === ringing.id && call.phase === 'active' && call.signallingLostAt === null,
      15_000,
      waiting,
    );
    expect(recovered.signallingLostAt).toBeNull();
    // The re-INVITE offered fresh SDP and got the caller's answer; the caller's BYE then found
    // the agent over the new connection.
    expect(media.remote.get(ringing.id)?.length).toBe(2);
    const ended = await callEvent(calls, (call) => call.phase === 'ended', 15_000);
    expect(ended).toMatchObject({ id: ringing.id, outcome: 'answered', endedBy: 'remote' });
    await expectCompleted(caller);
  });

  it('a call whose signalling does not come back in time ends cleanly as dropped', async () => {
    const kamailio = await lab();
    const cable = await cableTo(kamailio.wsPort);
    const { app, calls, media } = await registeredAgent(cable.wsUrl, '1001', { callRecoveryMs: 1_500 });
    await sipp('caller-recover.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await answerAndWaitForAck(app, ringing.id);

    cable.pull();
    const ended = await callEvent(calls, (call) => call.phase === 'ended', 10_000);
    expect(ended).toMatchObject({ id: ringing.id, outcome: 'dropped', endedBy: 'network', signallingLostAt: null });
    expect(ended.endedAt! - ended.answeredAt!).toBeGreaterThanOrEqual(1_500);
    expect(media.closed).toContain(ringing.id);
    expect(await app.dispatch('calls.list', {}, context)).toEqual({ ok: true, value: [] });

    // The line itself comes back as before.
    cable.plugIn();
    await waitForRegistration(app, (state) => state.state === 'registered');
  });

  it('a call still ringing when the connection drops ends as missed: it can no longer be answered', async () => {
    const kamailio = await lab();
    const cable = await cableTo(kamailio.wsPort);
    const { app, calls } = await registeredAgent(cable.wsUrl, '1001');
    await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');

    cable.pull();
    const ended = await callEvent(calls, (call) => call.phase === 'ended');
    expect(ended).toMatchObject({ id: ringing.id, outcome: 'missed', endedBy: 'network' });
    expect(await app.dispatch('calls.answer', { callId: ringing.id }, context)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
