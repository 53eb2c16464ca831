import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsSnapshot } from '../../../../shared/contract/settings';
import type { UpdateStatus } from '../../../../shared/contract/updates';
import type { ErrorData } from '../../../../shared/result';
import type { SettingValue } from '../../../../shared/settings';
import { useApi, useLive } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ManagedBadge } from './ManagedBadge';

type LogLevel = SettingValue<'log.level'>;
const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

type UpdateMeaning = 'development' | 'off' | 'noServer' | 'perMachine' | 'perUserAuto' | 'perUserNotify';

/** What the update mode means for this copy: who installs, or why nothing is asked. */
function updateMeaning(status: UpdateStatus, url: string): UpdateMeaning {
  if (status.installKind === 'development') return 'development';
  if (status.mode === 'off') return 'off';
  if (status.effectiveMode === 'off' || url === '') return 'noServer';
  if (status.installKind === 'per_machine') return 'perMachine';
  return status.effectiveMode === 'auto' ? 'perUserAuto' : 'perUserNotify';
}

function formatTime(at: number, language: string): string {
  return new Intl.DateTimeFormat(language.startsWith('en') ? 'en-GB' : 'de-DE', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(at));
}

/**
 * Settings → Administration: what IT checks on an installation. The policy sources this copy
 * reads and what each held, the settings they fix, the update status (with a check on demand
 * and the restart into a downloaded update), and how much the console logs.
 */
export function AdministrationSettings({ snapshot }: { snapshot: SettingsSnapshot }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const id = useId();
  const { value: status, error: loadError } = useLive('updates.status', 'updates.changed', (payload) => payload);
  const [error, setError] = useState<ErrorData | null>(null);
  const [logSaved, setLogSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const locked = new Set(snapshot.locked);
  const logLocked = locked.has('log.level');
  const url = snapshot.values['updates.url'];

  const checkNow = async (): Promise<void> => {
    setBusy(true);
    const result = await api.request('updates.check');
    setBusy(false);
    setError(result.ok ? null : result.error);
  };

  const install = async (): Promise<void> => {
    const result = await api.request('updates.install');
    setError(result.ok ? null : result.error);
  };

  const changeLogLevel = async (level: LogLevel): Promise<void> => {
    setLogSaved(false);
    const result = await api.request('settings.update', { key: 'log.level', value: level });
    if (result.ok) {
      setError(null);
      setLogSaved(true);
    } else setError(result.error);
  };

  return (
    <section aria-labelledby={`${id}-heading`} data-testid="administration-settings">
      <h2 id={`${id}-heading`}>{t('settings.admin.title')}</h2>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}

      <h3 id={`${id}-sources`}>{t('settings.admin.sources')}</h3>
      <p className="setting-hint">{t('settings.admin.sourcesHint')}</p>
      {snapshot.policySources.length === 0 ? (
        <p data-testid="policy-sources-none">{t('settings.admin.noSources')}</p>
      ) : (
        <ul aria-labelledby={`${id}-sources`} data-testid="policy-sources">
          {snapshot.policySources.map((source) => (
            <li key={`${source.kind}-${source.location}`} data-state={source.state}>
              {t('settings.admin.sourceLine', {
                source: t(`settings.problemSources.${source.kind}`),
                location: source.location,
                state: t(`settings.admin.sourceStates.${source.state}`),
              })}
            </li>
          ))}
        </ul>
      )}
      <p data-testid="policy-locked">
        {snapshot.locked.length === 0
          ? t('settings.admin.lockedNone')
          : t('settings.admin.locked', { keys: snapshot.locked.join(', ') })}
      </p>

      <h3 id={`${id}-updates`}>{t('settings.admin.updates')}</h3>
      {loadError && <ErrorNotice error={loadError} />}
      {!status ? (
        !loadError && <p>{t('app.loading')}</p>
      ) : (
        <>
          <dl className="headset-facts" aria-labelledby={`${id}-updates`} data-testid="update-status">
            <div>
              <dt>{t('settings.admin.mode')}</dt>
              <dd data-testid="update-mode">
                {status.mode === status.effectiveMode
                  ? t(`settings.admin.modes.${status.mode}`)
                  : t('settings.admin.modeActsAs', {
                      mode: t(`settings.admin.modes.${status.mode}`),
                      effective: t(`settings.admin.modes.${status.effectiveMode}`),
                    })}
                {locked.has('updates.mode') && (
                  <>
                    {' '}
                    <ManagedBadge id={`${id}-mode-managed`} />
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('settings.admin.meaning')}</dt>
              <dd data-testid="update-meaning">{t(`settings.admin.meanings.${updateMeaning(status, url)}`)}</dd>
            </div>
            <div>
              <dt>{t('settings.admin.server')}</dt>
              <dd data-testid="update-server">
                {url === '' ? t('settings.admin.noServer') : url}
                {locked.has('updates.url') && (
                  <>
                    {' '}
                    <ManagedBadge id={`${id}-url-managed`} />
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('settings.admin.currentVersion')}</dt>
              <dd data-testid="update-current">{status.currentVersion}</dd>
            </div>
            <div>
              <dt>{t('settings.admin.state')}</dt>
              <dd aria-live="polite" data-testid="update-state">
                {t(`settings.admin.states.${status.state}`)}
              </dd>
            </div>
            {status.availableVersion !== null && (
              <div>
                <dt>{t('settings.admin.availableVersion')}</dt>
                <dd data-testid="update-available">{status.availableVersion}</dd>
              </div>
            )}
            <div>
              <dt>{t('settings.admin.checkedAt')}</dt>
              <dd data-testid="update-checked">
                {status.checkedAt === null ? (
                  t('settings.admin.never')
                ) : (
                  <time dateTime={new Date(status.checkedAt).toISOString()}>
                    {formatTime(status.checkedAt, i18n.language)}
                  </time>
                )}
              </dd>
            </div>
            {status.error !== null && (
              <div>
                <dt>{t('settings.admin.error')}</dt>
                <dd data-testid="update-error" lang="en">
                  {status.error}
                </dd>
              </div>
            )}
          </dl>
          {(status.effectiveMode !== 'off' || status.state === 'ready') && (
            <div className="field">
              {status.effectiveMode !== 'off' && (
                <button
                  type="button"
                  disabled={busy || status.state === 'checking' || status.state === 'downloading'}
                  onClick={() => void checkNow()}
                  data-testid="update-check"
                >
                  {t('settings.admin.checkNow')}
                </button>
              )}
              {status.state === 'ready' && (
                <button type="button" onClick={() => void install()} data-testid="update-install">
                  {t('settings.admin.install')}
                </button>
              )}
            </div>
          )}
        </>
      )}

      <h3>{t('settings.admin.logging')}</h3>
      <div className="field">
        <label htmlFor={`${id}-log`}>{t('settings.admin.logLevel')}</label>
        <select
          id={`${id}-log`}
          value={snapshot.values['log.level']}
          disabled={logLocked}
          aria-describedby={logLocked ? `${id}-log-hint ${id}-log-managed` : `${id}-log-hint`}
          data-testid="setting-log.level"
          onChange={(event) => void changeLogLevel(event.target.value as LogLevel)}
        >
          {LOG_LEVELS.map((level) => (
            <option key={level} value={level}>
              {t(`settings.admin.logLevels.${level}`)}
            </option>
          ))}
        </select>
        {logLocked && <ManagedBadge id={`${id}-log-managed`} />}
        {logSaved && (
          <span role="status" className="saved">
            {t('settings.saved')}
          </span>
        )}
      </div>
      <p id={`${id}-log-hint`} className="setting-hint">
        {t('settings.admin.logHint')}
      </p>
    </section>
  );
}
