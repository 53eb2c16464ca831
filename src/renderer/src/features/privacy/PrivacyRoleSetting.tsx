import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsSnapshot } from '../../../../shared/contract/settings';
import type { ErrorData } from '../../../../shared/result';
import type { SettingValue } from '../../../../shared/settings';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';

type Role = SettingValue<'privacy.role'>;
const ROLES: readonly Role[] = ['agent', 'team_lead'];

/**
 * Settings → data protection: who works at this console (`privacy.role`). A team lead answers
 * data-subject requests in the call log. A policy usually fixes it; then it is shown, locked.
 */
export function PrivacyRoleSetting({ snapshot }: { snapshot: SettingsSnapshot }) {
  const { t } = useTranslation();
  const api = useApi();
  const id = useId();
  const [error, setError] = useState<ErrorData | null>(null);
  const [saved, setSaved] = useState(false);
  const locked = snapshot.locked.includes('privacy.role');

  const choose = async (role: Role): Promise<void> => {
    setSaved(false);
    const result = await api.request('settings.update', { key: 'privacy.role', value: role });
    if (result.ok) {
      setError(null);
      setSaved(true);
    } else setError(result.error);
  };

  return (
    <>
      <h2>{t('privacy.settings.title')}</h2>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('privacy.settings.role')}</label>
        <select
          id={`${id}-role`}
          value={snapshot.values['privacy.role']}
          disabled={locked}
          aria-describedby={locked ? `${id}-hint ${id}-managed` : `${id}-hint`}
          data-testid="settings-privacy-role"
          onChange={(event) => void choose(event.target.value as Role)}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`privacy.settings.roles.${role}`)}
            </option>
          ))}
        </select>
        {locked && (
          <span id={`${id}-managed`} className="badge">
            {t('settings.managed')}
          </span>
        )}
        {saved && (
          <span role="status" className="saved">
            {t('settings.saved')}
          </span>
        )}
      </div>
      <p id={`${id}-hint`} className="setting-hint">
        {t('privacy.settings.hint')}
      </p>
    </>
  );
}
