import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../src/shared/calls';
import { kamailioRequirement, type Kamailio } from '../lab/kamailio';
import { sippRequirement } from '../lab/sipp';
import {
  callEvent,
  cleanUpCallLab,
  expectCompleted,
  lab,
  registeredAgent,
  sipp,
  type LabAgent,
  type LabUser,
} from '../support/calls';

const context = { clientId: 'test' };

async function agent(user: LabUser = '1001'): Promise<LabAgent & { kamailio: Kamailio }> {
  const kamailio = await lab();
  return { kamailio, ...(await registeredAgent(kamailio.wsUrl, user)) };
}

afterEach(cleanUpCallLab);

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)(
  'calls against Kamailio and sipp (signalling only)',
  () => {
    beforeAll(() => {
      kamailioRequirement.assert();
      sippRequirement.assert();
    });

    it('an inbound call with caller ID, answered, then BYE from the caller', async () => {
      const { app, kamailio, calls, media } = await agent();
      const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
      const notices: unknown[] = [];
      app.events.subscribe((name, payload) => {
        if (name === 'app.notification' || name === 'app.notificationWithdrawn') notices.push({ name, payload });
      });
      const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
      expect(ringing).toMatchObject({
        direction: 'inbound',
        remote: { number: '+4930123456', name: 'Erika Mustermann', anonymous: false },
      });
      // The agent is told, in the UI language, even when the console is not in front; without a
      // policy that allows it, the notice names nobody (the OS keeps notifications in its history).
      await expect.poll(() => notices.length).toBe(1);
      expect(notices).toEqual([
        {
          name: 'app.notification',
          payload: {
            title: 'Eingehender Anruf',
            body: 'Im Fenster von Hotline Desk annehmen oder abweisen',
            tag: `call:${ringing.id}`,
          },
        },
      ]);
      expect(await app.dispatch('calls.list', {}, context)).toMatchObject({
        ok: true,
        value: [{ id: ringing.id, phase: 'ringing' }],
      });

      const answered = await app.dispatch('calls.answer', { callId: ringing.id }, context);
      expect(answered).toMatchObject({ ok: true, value: { phase: 'active', answeredAt: expect.any(Number) } });
      expect(media.remote.get(ringing.id)?.[0]).toContain('telephone-event');
      // Answered: the "incoming call" notice is taken back.
      expect(notices[1]).toEqual({ name: 'app.notificationWithdrawn', payload: { tag: `call:${ringing.id}` } });

      const ended = await callEvent(calls, (call) => call.phase === 'ended');
      expect(ended).toMatchObject({ id: ringing.id, outcome: 'answered', endedBy: 'remote' });
      await expectCompleted(caller);
      expect(await app.dispatch('calls.list', {}, context)).toEqual({ ok: true, value: [] });
    });

    it('an inbound call cancelled before answer is missed, and an anonymous caller is shown as such', async () => {
      const { kamailio, calls } = await agent();
      const caller = await sipp('caller-cancel.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
      const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
      expect(ringing.remote).toEqual({ number: null, name: null, anonymous: true });
      const ended = await callEvent(calls, (call) => call.phase === 'ended');
      expect(ended).toMatchObject({ outcome: 'missed', endedBy: 'remote', answeredAt: null });
      await expectCompleted(caller);
    });

    it('the global answer shortcut answers the ringing call, and hang-up ends it', async () => {
      const { app, kamailio, calls } = await agent();
      const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
      const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
      await app.runCallShortcut('answer');
      expect(calls.find((call) => call.id === ringing.id && call.phase === 'active')).toBeDefined();
      await app.runCallShortcut('mute');
      expect(calls.some((call) => call.id === ringing.id && call.muted)).toBe(true);
      await expectCompleted(caller);
    });

    it('a caller who puts the agent on hold (re-INVITE sendonly) shows as held by the other side', async () => {
      const { app, kamailio, calls, media } = await agent();
      const caller = await sipp('caller-hold.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
      const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
      await app.dispatch('calls.answer', { callId: ringing.id }, context);
      await callEvent(calls, (call) => call.id === ringing.id && call.remoteHeld);
      expect(media.remote.get(ringing.id)?.at(-1)).toContain('a=sendonly');
      expect(await callEvent(calls, (call) => call.phase === 'ended')).toMatchObject({
        outcome: 'answered',
        endedBy: 'remote',
      });
      await expectCompleted(caller);
    });

    it('rejecting gives the caller 486 Busy Here', async () => {
      const { app, kamailio, calls } = await agent();
      const caller = await sipp('caller-rejected.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
      const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
      expect(await app.dispatch('calls.reject', { callId: ringing.id }, context)).toMatchObject({
        ok: true,
        value: { phase: 'ended', outcome: 'rejected', endStatus: 486 },
      });
      await expectCompleted(caller);
    });

    it('an outbound call to a callee that answers, then hung up by the agent', async () => {
      const { app, kamailio, calls } = await agent();
      const callee = await sipp('callee-answer.xml', { kamailioPort: kamailio.sipPort });
      const dialled = await app.dispatch('calls.dial', { target: `sip:callee@127.0.0.1:${callee.port}` }, context);
      expect(dialled).toMatchObject({ ok: true, value: { direction: 'outbound', phase: 'dialing' } });
      const id = dialled.ok ? (dialled.value as CallSnapshot).id : '';
      await callEvent(calls, (call) => call.id === id && call.phase === 'early');
      await callEvent(calls, (call) => call.id === id && call.phase === 'active');
      expect(await app.dispatch('calls.hangup', { callId: id }, context)).toMatchObject({
        ok: true,
        value: { outcome: 'answered', endedBy: 'local' },
      });
      await expectCompleted(callee);
    });

    it('an outbound call to a busy callee ends as busy', async () => {
      const { app, kamailio, calls } = await agent();
      const callee = await sipp('callee-busy.xml', { kamailioPort: kamailio.sipPort });
      const dialled = await app.dispatch('calls.dial', { target: `sip:callee@127.0.0.1:${callee.port}` }, context);
      const id = dialled.ok ? (dialled.value as CallSnapshot).id : '';
      expect(await callEvent(calls, (call) => call.id === id && call.phase === 'ended')).toMatchObject({
        outcome: 'busy',
        endStatus: 486,
      });
      await expectCompleted(callee);
    });

    it('declines with 486 while the agent is on a break, and the call carries the agent code', async () => {
      const { app, kamailio, calls } = await agent();
      await app.dispatch('agent.setStatus', { status: 'break' }, context);
      const caller = await sipp('caller-rejected.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
      const ended = await callEvent(calls, (call) => call.phase === 'ended');
      expect(ended).toMatchObject({ outcome: 'busy', endStatus: 486, agentCode: 'A1001', endedBy: 'local' });
      await expectCompleted(caller);
    });

    it('refuses requests for calls that do not exist, and bad targets, without a crash', async () => {
      const { app } = await agent();
      expect(await app.dispatch('calls.answer', { callId: 'nope' }, context)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await app.dispatch('calls.hangup', { callId: 'nope' }, context)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await app.dispatch('calls.dial', { target: 'drop table' }, context)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    });
  },
);

describe.skipIf(kamailioRequirement.skip || sippRequirement.skip)('DTMF and call waiting', () => {
  it('sends DTMF in the media when the caller offered telephone-event', async () => {
    const { app, kamailio, calls, media } = await agent();
    const caller = await sipp('caller-bye.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await app.dispatch('calls.answer', { callId: ringing.id }, context);
    expect(await app.dispatch('calls.dtmf', { callId: ringing.id, tones: '1#' }, context)).toEqual({
      ok: true,
      value: { via: 'rfc4733' },
    });
    expect(media.dtmf).toEqual([{ callId: ringing.id, tones: '1#' }]);
    await expectCompleted(caller);
  });

  it('sends DTMF as SIP INFO when the caller offered no telephone-event', async () => {
    const { app, kamailio, calls, media } = await agent();
    const caller = await sipp('caller-info.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await app.dispatch('calls.answer', { callId: ringing.id }, context);
    expect(await app.dispatch('calls.dtmf', { callId: ringing.id, tones: '12' }, context)).toEqual({
      ok: true,
      value: { via: 'info' },
    });
    expect(media.dtmf).toEqual([]);
    await expectCompleted(caller);
  });

  it('call waiting: answering a second call puts the first on hold', async () => {
    const kamailio = await lab();
    const agents = await Promise.all(
      (['1001', '1002', '1003'] as const).map((user) => registeredAgent(kamailio.wsUrl, user)),
    );
    const [first, agentB, second] = agents as [(typeof agents)[0], (typeof agents)[0], (typeof agents)[0]];
    await first.app.dispatch('calls.dial', { target: '1002' }, context);
    const one = await callEvent(agentB.calls, (call) => call.phase === 'ringing');
    await agentB.app.dispatch('calls.answer', { callId: one.id }, context);
    await callEvent(first.calls, (call) => call.phase === 'active');

    await second.app.dispatch('calls.dial', { target: '1002' }, context);
    const two = await callEvent(agentB.calls, (call) => call.phase === 'ringing' && call.id !== one.id);
    expect(two.remote.number).toBe('1003');
    const answered = await agentB.app.dispatch('calls.answer', { callId: two.id }, context);
    expect(answered).toMatchObject({ ok: true, value: { phase: 'active', held: false } });
    const list = await agentB.app.dispatch('calls.list', {}, context);
    expect(list.ok && (list.value as CallSnapshot[]).map((call) => [call.id, call.held])).toEqual([
      [one.id, true],
      [two.id, false],
    ]);
    // The first caller hears that it is on hold.
    await callEvent(first.calls, (call) => call.remoteHeld);
    // And hears nothing of the second conversation: the first call went silent before the
    // second one's answer was even described, and stays silent.
    const operations = agentB.media.operations;
    const silenced = operations.findIndex((each) => each.op === 'send' && each.callId === one.id && each.send.held);
    const secondAnswer = operations.findIndex((each) => each.op === 'describe' && each.callId === two.id);
    expect(silenced).toBeGreaterThanOrEqual(0);
    expect(silenced).toBeLessThan(secondAnswer);
    expect(agentB.media.send.get(one.id)).toEqual({ muted: false, held: true });
    expect(agentB.media.send.get(two.id)).toEqual({ muted: false, held: false });
  });

  it('hold: the voice stops before the re-INVITE and comes back only once the resume is accepted; mute stays', async () => {
    const kamailio = await lab();
    const [a, b] = await Promise.all([
      registeredAgent(kamailio.wsUrl, '1001'),
      registeredAgent(kamailio.wsUrl, '1002'),
    ]);
    await a.app.dispatch('calls.dial', { target: '1002' }, context);
    const ringing = await callEvent(b.calls, (call) => call.phase === 'ringing');
    await b.app.dispatch('calls.answer', { callId: ringing.id }, context);
    await callEvent(a.calls, (call) => call.phase === 'active');
    const id = ringing.id;
    const ops = () => b.media.operations.filter((each) => each.callId === id).slice();
    expect(ops()).toEqual([{ op: 'describe', callId: id, hold: false, send: { muted: false, held: false } }]);

    /**
     * What one hold or resume sent to the engine: silent at once; every offer made meanwhile
     * silent too (a far end still busy with the last offer gets it again); then the settled state.
     */
    const change = async (held: boolean, muted: boolean) => {
      const from = ops().length;
      const result = await b.app.dispatch('calls.hold', { callId: id, held }, context);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      const sent = ops().slice(from);
      expect(sent[0]).toEqual({ op: 'send', callId: id, send: { muted, held: true } });
      const offers = sent.slice(1, -1);
      expect(offers.length).toBeGreaterThan(0);
      for (const offer of offers)
        expect(offer).toEqual({ op: 'describe', callId: id, hold: held, send: { muted, held: true } });
      expect(sent.at(-1)).toEqual({ op: 'send', callId: id, send: { muted, held } });
    };
    await change(true, false);
    // Muted while held: still silent, and it stays muted after the resume.
    await b.app.dispatch('calls.mute', { callId: id, muted: true }, context);
    expect(b.media.send.get(id)).toEqual({ muted: true, held: true });
    await change(false, true);
    await b.app.dispatch('calls.mute', { callId: id, muted: false }, context);
    expect(b.media.send.get(id)).toEqual({ muted: false, held: false });

    // A second hold while one is under way is refused, not sent twice.
    const [first, second] = await Promise.all([
      b.app.dispatch('calls.hold', { callId: id, held: true }, context),
      b.app.dispatch('calls.hold', { callId: id, held: true }, context),
    ]);
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    expect(b.media.send.get(id)).toEqual({ muted: false, held: true });
  });

  it('an incoming call gets exactly one 180 Ringing, and a declined one its 486 without a 180', async () => {
    const { app, kamailio, calls } = await agent();
    await app.dispatch('diagnostics.setSipTrace', { enabled: true }, context);
    const sentStatuses = (): string[] =>
      app.telephony.trace
        .list()
        .filter((entry) => entry.direction === 'out' && entry.message.startsWith('SIP/2.0 '))
        .map((entry) => entry.message.slice(8, 11));

    const caller = await sipp('caller-rejected.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    const ringing = await callEvent(calls, (call) => call.phase === 'ringing');
    await app.dispatch('calls.reject', { callId: ringing.id }, context);
    await expectCompleted(caller);
    expect(sentStatuses().filter((status) => status !== '100')).toEqual(['180', '486']);

    // On a break the call is declined: 486 at once, and the caller never hears it ring.
    app.telephony.trace.clear();
    await app.dispatch('agent.setStatus', { status: 'break' }, context);
    const declined = await sipp('caller-declined.xml', { kamailioPort: kamailio.sipPort, service: '1001' });
    await expectCompleted(declined);
    expect(sentStatuses().filter((status) => status !== '100')).toEqual(['486']);
  });
});

describe.skipIf(kamailioRequirement.skip)('transfers between three agents', () => {
  async function threeAgents() {
    const kamailio = await lab();
    return Promise.all([
      registeredAgent(kamailio.wsUrl, '1001'),
      registeredAgent(kamailio.wsUrl, '1002'),
      registeredAgent(kamailio.wsUrl, '1003'),
    ]);
  }

  async function connect(from: LabAgent, to: LabAgent, number: string) {
    const dialled = await from.app.dispatch('calls.dial', { target: number }, context);
    const outgoing = dialled.ok ? (dialled.value as CallSnapshot) : null;
    const ringing = await callEvent(
      to.calls,
      (call) => call.phase === 'ringing' && !to.calls.some((other) => other.id === call.id && other.phase === 'ended'),
    );
    await to.app.dispatch('calls.answer', { callId: ringing.id }, context);
    await callEvent(from.calls, (call) => call.id === outgoing?.id && call.phase === 'active');
    return { outgoing: outgoing!, incoming: ringing };
  }

  it('blind transfer: B sends A on to C, and leaves', async () => {
    const [a, b, c] = await threeAgents();
    const { incoming } = await connect(a, b, '1002');
    const transferred = await b.app.dispatch('calls.transfer', { callId: incoming.id, target: '1003' }, context);
    expect(transferred).toMatchObject({
      ok: true,
      value: { phase: 'ended', outcome: 'answered', endedBy: 'transfer' },
    });
    const atC = await callEvent(c.calls, (call) => call.phase === 'ringing');
    expect(atC.remote.number).toBe('1001');
    await c.app.dispatch('calls.answer', { callId: atC.id }, context);
    // A now talks to C on a new call; its call with B has ended.
    await callEvent(a.calls, (call) => call.phase === 'active' && call.remote.number === '1003');
    await callEvent(a.calls, (call) => call.phase === 'ended' && call.remote.number === '1002');
  });

  it('attended transfer: B consults C, then connects A and C (REFER with Replaces)', async () => {
    const [a, b, c] = await threeAgents();
    const first = await connect(a, b, '1002');
    await b.app.dispatch('calls.hold', { callId: first.incoming.id, held: true }, context);
    const consult = await connect(b, c, '1003');
    const result = await b.app.dispatch(
      'calls.attendedTransfer',
      { callId: first.incoming.id, withCallId: consult.outgoing.id },
      context,
    );
    expect(result, JSON.stringify(result)).toMatchObject({
      ok: true,
      value: { outcome: 'answered', endedBy: 'transfer' },
    });
    // A calls C with Replaces; C's call with B is replaced by the call with A.
    await callEvent(a.calls, (call) => call.phase === 'active' && call.remote.number === '1003');
    await expect
      .poll(async () => {
        const list = await b.app.dispatch('calls.list', {}, context);
        return list.ok ? (list.value as CallSnapshot[]).length : -1;
      })
      .toBe(0);
  });
});
