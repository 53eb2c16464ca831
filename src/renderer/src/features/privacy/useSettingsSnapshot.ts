import type { SettingsSnapshot } from '../../../../shared/contract/settings';
import { useLive } from '../../api/client';

/** The effective settings, kept current from `settings.changed` (null until loaded). */
export function useSettingsSnapshot(): SettingsSnapshot | null {
  return useLive('settings.get', 'settings.changed', (payload) => payload).value;
}
