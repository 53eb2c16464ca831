import { describe, expect, it } from 'vitest';
import { newInboundCall, newOutboundCall, transition } from '../../src/main/telephony/call-state';
import type { CallSnapshot } from '../../src/shared/calls';
import { SETTINGS } from '../../src/shared/settings';
import { shortcutRequest } from '../../src/shared/shortcuts';

const remote = { number: '1', name: null, anonymous: false };
const step = (call: CallSnapshot, event: Parameters<typeof transition>[1]) => {
  const result = transition(call, event, 2);
  if (!result.ok) throw new Error(result.reason);
  return result.state;
};

describe('call shortcuts', () => {
  const ringing = newInboundCall('ring', remote, 1);
  const active = step(newInboundCall('talk', remote, 1), { type: 'answer' });
  const held = step(step(newInboundCall('held', remote, 1), { type: 'answer' }), { type: 'hold' });
  const dialing = newOutboundCall('dial', remote, 1);

  it('answers the ringing call, and does nothing without one', () => {
    expect(shortcutRequest('answer', [active, ringing])).toEqual({ name: 'calls.answer', input: { callId: 'ring' } });
    expect(shortcutRequest('answer', [active])).toBeNull();
  });

  it('hangs up the call in progress, else the one being dialled', () => {
    expect(shortcutRequest('hangup', [held, active])).toEqual({ name: 'calls.hangup', input: { callId: 'talk' } });
    expect(shortcutRequest('hangup', [dialing])).toEqual({ name: 'calls.hangup', input: { callId: 'dial' } });
    expect(shortcutRequest('hangup', [ringing])).toBeNull();
  });

  it('toggles mute and hold of the call in progress', () => {
    expect(shortcutRequest('mute', [active])).toEqual({ name: 'calls.mute', input: { callId: 'talk', muted: true } });
    expect(shortcutRequest('hold', [held])).toEqual({ name: 'calls.hold', input: { callId: 'held', held: false } });
  });

  it('accepts accelerators, or nothing, and names the problem otherwise', () => {
    const schema = SETTINGS['shortcuts.answer'].schema;
    for (const good of ['CommandOrControl+Alt+A', 'Ctrl+Shift+F9', ''])
      expect(schema.safeParse(good).success).toBe(true);
    for (const bad of ['A', 'Ctrl+', 'Ctrl+Alt+Ä', 'rm -rf']) expect(schema.safeParse(bad).success).toBe(false);
  });
});
