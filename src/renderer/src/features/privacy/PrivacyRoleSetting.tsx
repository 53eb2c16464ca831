import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingValue } from '../../../../shared/settings';
import { useTeamLead } from './useTeamLead';
import { ManagedBadge } from '../settings/ManagedBadge';

type Role = SettingValue<'privacy.role'>;
const ROLES: readonly Role[] = ['agent', 'team_lead'];

/**
 * Settings → data protection: who works at this console. Only the organisation's policy makes
 * someone a team lead (`privacy.teamLeads`, else `privacy.role`): who may see identified health
 * data is not the user's own choice. Shown read-only, with what main decided for this user.
 */
export function PrivacyRoleSetting() {
  const { t } = useTranslation();
  const id = useId();
  const teamLead = useTeamLead();
  const role: Role = teamLead ? 'team_lead' : 'agent';
  return (
    <>
      <h2>{t('privacy.settings.title')}</h2>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('privacy.settings.role')}</label>
        <select
          id={`${id}-role`}
          value={role}
          disabled
          aria-describedby={`${id}-hint ${id}-managed`}
          data-testid="settings-privacy-role"
        >
          {ROLES.map((each) => (
            <option key={each} value={each}>
              {t(`privacy.settings.roles.${each}`)}
            </option>
          ))}
        </select>
        <ManagedBadge id={`${id}-managed`} />
      </div>
      <p id={`${id}-hint`} className="setting-hint">
        {t('privacy.settings.hint')}
      </p>
    </>
  );
}
