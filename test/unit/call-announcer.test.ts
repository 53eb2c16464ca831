import { describe, expect, it } from 'vitest';
import { CallAnnouncer } from '../../src/main/telephony/call-announcer';
import { newInboundCall, transition } from '../../src/main/telephony/call-state';
import type { CallSnapshot } from '../../src/shared/calls';

function ringing(id: string): CallSnapshot {
  return newInboundCall(id, { number: '+4930123', name: 'Erika Mustermann', anonymous: false }, 1_000, 'A-1');
}

function answered(call: CallSnapshot): CallSnapshot {
  const next = transition(call, { type: 'answer' }, 2_000);
  if (!next.ok) throw new Error(next.reason);
  return next.state;
}

function setup() {
  const seen: string[] = [];
  let calls: CallSnapshot[] = [];
  const announcer = new CallAnnouncer({
    notifier: {
      show: (notice) => seen.push(`show ${notice.tag} ${notice.title}: ${notice.body}`),
      withdraw: (tag) => seen.push(`withdraw ${tag}`),
    },
    attention: { request: () => seen.push('flash'), cancel: () => seen.push('stop flashing') },
    language: () => 'de',
    callerDetails: () => 'none',
    calls: () => calls,
  });
  return { announcer, seen, setCalls: (next: CallSnapshot[]) => (calls = next) };
}

describe('CallAnnouncer', () => {
  it('announces a ringing call once, names nobody by default, and takes it back when answered', () => {
    const { announcer, seen, setCalls } = setup();
    const call = ringing('c1');
    setCalls([call]);
    announcer.callChanged(call);
    announcer.callChanged(call);
    const up = answered(call);
    setCalls([up]);
    announcer.callChanged(up);
    expect(seen).toEqual([
      'show call:c1 Eingehender Anruf: Im Fenster von Hotline Desk annehmen oder abweisen',
      'flash',
      'withdraw call:c1',
      'stop flashing',
    ]);
  });

  it('keeps the window flashing while another call still rings', () => {
    const { announcer, seen, setCalls } = setup();
    const [one, two] = [ringing('c1'), ringing('c2')];
    setCalls([one, two]);
    announcer.callChanged(one);
    announcer.callChanged(two);
    const up = answered(one);
    setCalls([up, two]);
    announcer.callChanged(up);
    expect(seen.slice(-1)).toEqual(['withdraw call:c1']);
  });
});
