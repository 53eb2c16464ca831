import { useEffect } from 'react';
import type { CallSnapshot } from '../../../../shared/calls';
import { useApi } from '../../api/client';

/** Alt+A answer, Alt+E hang up, Alt+M mute, Alt+H hold: in every view, by the physical key. */
export function useCallShortcuts(calls: CallSnapshot[]): void {
  const api = useApi();
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const ringing = calls.find((call) => call.phase === 'ringing');
      const active = calls.find((call) => call.phase === 'active');
      const current = active ?? calls.find((call) => call.phase === 'dialing' || call.phase === 'early');
      let handled = true;
      if (event.code === 'KeyA' && ringing) void api.request('calls.answer', { callId: ringing.id });
      else if (event.code === 'KeyE' && current) void api.request('calls.hangup', { callId: current.id });
      else if (event.code === 'KeyM' && active)
        void api.request('calls.mute', { callId: active.id, muted: !active.muted });
      else if (event.code === 'KeyH' && active)
        void api.request('calls.hold', { callId: active.id, held: !active.held });
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, calls]);
}
