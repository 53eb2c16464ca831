import { useEffect } from 'react';
import type { CallSnapshot } from '../../../../shared/calls';
import { shortcutRequest, type CallShortcutAction } from '../../../../shared/shortcuts';
import { useApi } from '../../api/client';

const KEYS: Readonly<Record<string, CallShortcutAction>> = {
  KeyA: 'answer',
  KeyE: 'hangup',
  KeyM: 'mute',
  KeyH: 'hold',
};

/** Alt+A answer, Alt+E hang up, Alt+M mute, Alt+H hold: in every view, by the physical key. */
export function useCallShortcuts(calls: CallSnapshot[]): void {
  const api = useApi();
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const action = KEYS[event.code];
      const request = action ? shortcutRequest(action, calls) : null;
      if (!request) return;
      event.preventDefault();
      void api.transport.request(request.name, request.input);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, calls]);
}
