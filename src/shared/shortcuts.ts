import type { CallSnapshot } from './calls';

export const CALL_SHORTCUT_ACTIONS = ['answer', 'hangup', 'mute', 'hold'] as const;
export type CallShortcutAction = (typeof CALL_SHORTCUT_ACTIONS)[number];

export type ShortcutRequest =
  | { readonly name: 'calls.answer'; readonly input: { callId: string } }
  | { readonly name: 'calls.hangup'; readonly input: { callId: string } }
  | { readonly name: 'calls.mute'; readonly input: { callId: string; muted: boolean } }
  | { readonly name: 'calls.hold'; readonly input: { callId: string; held: boolean } };

/**
 * What a call shortcut does with the calls as they are: answer the ringing call; hang up the
 * call in progress (or the one being dialled); toggle mute or hold of the call in progress.
 * Used by the in-window keys and by the global (OS-wide) shortcuts alike.
 */
export function shortcutRequest(action: CallShortcutAction, calls: readonly CallSnapshot[]): ShortcutRequest | null {
  const ringing = calls.find((call) => call.phase === 'ringing');
  const active =
    calls.find((call) => call.phase === 'active' && !call.held) ?? calls.find((call) => call.phase === 'active');
  const current = active ?? calls.find((call) => call.phase === 'dialing' || call.phase === 'early');
  switch (action) {
    case 'answer':
      return ringing ? { name: 'calls.answer', input: { callId: ringing.id } } : null;
    case 'hangup':
      return current ? { name: 'calls.hangup', input: { callId: current.id } } : null;
    case 'mute':
      return active ? { name: 'calls.mute', input: { callId: active.id, muted: !active.muted } } : null;
    case 'hold':
      return active ? { name: 'calls.hold', input: { callId: active.id, held: !active.held } } : null;
  }
}
