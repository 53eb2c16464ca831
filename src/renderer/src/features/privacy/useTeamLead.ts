import { useReloaded } from '../../api/client';

/**
 * Whether this console's user is a team lead, as main decides it from policy
 * (`privacy.access`): asked again when the settings (and so the policy) change, and after a
 * reconnect. False until known; main checks again on every request that needs it.
 */
export function useTeamLead(): boolean {
  return useReloaded('privacy.access', 'settings.changed').value?.teamLead ?? false;
}
