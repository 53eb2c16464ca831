import { useEffect, useState } from 'react';
import { useApi } from '../../api/client';

/**
 * Whether this console's user is a team lead, as main decides it from policy
 * (`privacy.access`): asked again when the settings (and so the policy) change, and after a
 * reconnect. False until known; main checks again on every request that needs it.
 */
export function useTeamLead(): boolean {
  const api = useApi();
  const [teamLead, setTeamLead] = useState(false);
  useEffect(() => {
    let active = true;
    const load = (): void => {
      void api.request('privacy.access', {}).then((result) => {
        if (active && result.ok) setTeamLead(result.value.teamLead);
      });
    };
    load();
    const stopSettings = api.on('settings.changed', load);
    const stopConnection = api.transport.onConnection((state) => {
      if (state === 'open') load();
    });
    return () => {
      active = false;
      stopSettings();
      stopConnection();
    };
  }, [api]);
  return teamLead;
}
