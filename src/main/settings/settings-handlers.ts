import type { AuditTrail } from '../calllog/audit';
import type { FeatureHandlers } from '../core/handlers';
import { redact, type SettingsService } from './settings-service';

/** settings.*: the snapshot a renderer may see (never a policy-only secret), and a user's change, audited. */
export function settingsHandlers(
  settings: SettingsService,
  audit: AuditTrail,
): FeatureHandlers<'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => settings.publicSnapshot(),
    'settings.update': async (change) => {
      const snapshot = await settings.update(change);
      audit('settings_change', `setting:${change.key}`, [change.key]);
      return redact(snapshot);
    },
  };
}
