import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../shared/contract/app';
import type { ErrorData } from '../../../../shared/result';
import { LANGUAGES, type Language } from '../../../../shared/settings';
import { useApi, useLive } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ViewHeading } from '../../app/ViewHeading';
import { PrivacyRoleSetting } from '../privacy/PrivacyRoleSetting';
import { AccountSettings } from './AccountSettings';
import { AdministrationSettings } from './AdministrationSettings';
import { AudioSettings } from './AudioSettings';
import { DiagnosticsSettings } from './DiagnosticsSettings';
import { HeadsetSettings } from './HeadsetSettings';
import { ManagedBadge } from './ManagedBadge';
import { POLICY_PROBLEMS_HEADING_ID, takeProblemsFocusRequest } from './PolicyProblemsNotice';

export function SettingsView() {
  const { t } = useTranslation();
  const api = useApi();
  const languageId = useId();
  const managedId = useId();
  const { value: snapshot, error: loadError } = useLive('settings.get', 'settings.changed', (payload) => payload);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [saved, setSaved] = useState(false);
  const problemsHeading = useRef<HTMLHeadingElement>(null);

  // Arrived by the policy notice's link: on to the notes for IT, once they are loaded.
  useEffect(() => {
    if (snapshot && takeProblemsFocusRequest()) problemsHeading.current?.focus();
  }, [snapshot]);

  useEffect(() => {
    void api.request('app.info').then((result) => {
      if (result.ok) setInfo(result.value);
      else setError(result.error);
    });
  }, [api]);

  const changeLanguage = async (language: Language): Promise<void> => {
    setSaved(false);
    const result = await api.request('settings.update', { key: 'ui.language', value: language });
    if (result.ok) {
      setError(null);
      setSaved(true);
    } else setError(result.error);
  };

  const languageLocked = snapshot?.locked.includes('ui.language') ?? false;

  return (
    <section aria-labelledby="settings-heading">
      <ViewHeading>
        <span id="settings-heading">{t('settings.title')}</span>
      </ViewHeading>
      {loadError && <ErrorNotice error={loadError} />}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {!snapshot ? (
        <p>{t('app.loading')}</p>
      ) : (
        <>
          <h2>{t('settings.general')}</h2>
          <div className="field">
            <label htmlFor={languageId}>{t('settings.language')}</label>
            <select
              id={languageId}
              data-testid="setting-language"
              value={snapshot.values['ui.language']}
              disabled={languageLocked}
              aria-describedby={languageLocked ? managedId : undefined}
              onChange={(event) => void changeLanguage(event.target.value as Language)}
            >
              {LANGUAGES.map((language) => (
                <option key={language} value={language} lang={language}>
                  {t(`settings.languages.${language}`)}
                </option>
              ))}
            </select>
            {languageLocked && <ManagedBadge id={managedId} />}
            {saved && (
              <span role="status" className="saved">
                {t('settings.saved')}
              </span>
            )}
          </div>

          <AccountSettings snapshot={snapshot} />

          <PrivacyRoleSetting />

          {info && (
            <>
              <h2>{t('settings.security')}</h2>
              <p
                className={info.secretStorage.protected ? undefined : 'notice notice-warning'}
                data-testid="secret-storage"
              >
                {info.secretStorage.protected
                  ? t('settings.secretsProtected', { backend: info.secretStorage.backend })
                  : info.secretStorage.location !== undefined
                    ? t('settings.secretsUnprotectedFile', {
                        location: info.secretStorage.location,
                        reason: t(`settings.keystoreProblems.${info.secretStorage.reasonCode ?? 'keystore_failed'}`),
                      })
                    : t('settings.secretsUnprotected', { backend: info.secretStorage.backend })}
              </p>
            </>
          )}

          {snapshot.problems.length > 0 && (
            <>
              <h2 id={POLICY_PROBLEMS_HEADING_ID} ref={problemsHeading} tabIndex={-1}>
                {t('settings.problems')}
              </h2>
              <ul aria-labelledby={POLICY_PROBLEMS_HEADING_ID} data-testid="settings-problems">
                {snapshot.problems.map((problem, index) => (
                  <li key={`${problem.file}-${problem.key ?? ''}-${index}`}>
                    {t('settings.problemLine', {
                      source: t(`settings.problemSources.${problem.source}`),
                      file: problem.file,
                      key: problem.key ?? t('settings.wholeFile'),
                      message: t(`settings.problemCodes.${problem.code}`),
                    })}{' '}
                    <span className="problem-detail" lang="en">
                      ({problem.message})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}

          <AudioSettings snapshot={snapshot} />

          <HeadsetSettings snapshot={snapshot} />

          <DiagnosticsSettings />

          <AdministrationSettings snapshot={snapshot} />

          {info && (
            <>
              <h2>{t('settings.about')}</h2>
              <p data-testid="app-version">
                {t('settings.version', {
                  version: info.version,
                  host: t(`settings.hosts.${info.host}`),
                  platform: info.platform,
                })}
              </p>
            </>
          )}
        </>
      )}
    </section>
  );
}
