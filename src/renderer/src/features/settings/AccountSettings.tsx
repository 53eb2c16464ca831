import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsSnapshot } from '../../../../shared/contract/settings';
import type { ErrorData } from '../../../../shared/result';
import { SIP_TRANSPORTS, type SettingChange, type SettingValue } from '../../../../shared/settings';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { ManagedBadge } from './ManagedBadge';

type SipTransport = SettingValue<'sip.transport'>;

const TEXT_FIELDS = [
  { key: 'sip.domain', label: 'settings.accountDomain', hint: 'settings.accountDomainHint', autoComplete: 'off' },
  { key: 'sip.uri', label: 'settings.accountUri', hint: null, autoComplete: 'off' },
  { key: 'sip.authUser', label: 'settings.accountAuthUser', hint: null, autoComplete: 'username' },
  { key: 'sip.displayName', label: 'settings.accountDisplayName', hint: null, autoComplete: 'off' },
] as const;

type TextKey = (typeof TEXT_FIELDS)[number]['key'];
type Draft = { servers: string; 'sip.transport': SipTransport } & Record<TextKey, string>;

function draftFrom(snapshot: SettingsSnapshot): Draft {
  return {
    servers: snapshot.values['sip.servers'].join('\n'),
    'sip.transport': snapshot.values['sip.transport'],
    'sip.domain': snapshot.values['sip.domain'],
    'sip.uri': snapshot.values['sip.uri'],
    'sip.authUser': snapshot.values['sip.authUser'],
    'sip.displayName': snapshot.values['sip.displayName'],
  };
}

/** The ids an input names in `aria-describedby`: its hint, and the badge when policy locks it. */
function describedBy(...ids: (string | false | null)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return present.length > 0 ? present.join(' ') : undefined;
}

/**
 * The SIP account: servers, transport, domain, address, user, display name, and the password
 * (which never comes back). Keys the organisation's policy sets are read-only, with the badge.
 */
export function AccountSettings({ snapshot }: { snapshot: SettingsSnapshot }) {
  const { t } = useTranslation();
  const api = useApi();
  const ids = { servers: useId(), transport: useId(), password: useId(), base: useId() };
  const [draft, setDraft] = useState<Draft>(() => draftFrom(snapshot));
  const [errors, setErrors] = useState<{ label: string; error: ErrorData }[]>([]);
  const [saved, setSaved] = useState(false);
  const [password, setPassword] = useState('');
  const [hasPassword, setHasPassword] = useState<boolean | null>(null);
  const [passwordExposed, setPasswordExposed] = useState(false);
  const [passwordSaved, setPasswordSaved] = useState(false);
  const [passwordError, setPasswordError] = useState<ErrorData | null>(null);
  const locked = new Set(snapshot.locked);

  useEffect(() => {
    void api.request('calls.account').then((result) => {
      if (!result.ok) return;
      setHasPassword(result.value.hasPassword);
      setPasswordExposed(result.value.passwordExposed);
    });
  }, [api]);

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaved(false);
    const servers = draft.servers
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const changes: { change: SettingChange; label: string }[] = [];
    if (!locked.has('sip.servers') && JSON.stringify(servers) !== JSON.stringify(snapshot.values['sip.servers'])) {
      changes.push({ change: { key: 'sip.servers', value: servers }, label: t('settings.accountServers') });
    }
    if (!locked.has('sip.transport') && draft['sip.transport'] !== snapshot.values['sip.transport']) {
      changes.push({
        change: { key: 'sip.transport', value: draft['sip.transport'] },
        label: t('settings.accountTransport'),
      });
    }
    for (const field of TEXT_FIELDS) {
      if (!locked.has(field.key) && draft[field.key] !== snapshot.values[field.key]) {
        changes.push({ change: { key: field.key, value: draft[field.key] }, label: t(field.label) });
      }
    }
    const failures: { label: string; error: ErrorData }[] = [];
    for (const { change, label } of changes) {
      const result = await api.request('settings.update', change);
      if (!result.ok) failures.push({ label, error: result.error });
    }
    setErrors(failures);
    setSaved(failures.length === 0);
  };

  const savePassword = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setPasswordSaved(false);
    const result = await api.request('calls.setPassword', { password });
    if (result.ok) {
      setPassword('');
      setHasPassword(result.value.hasPassword);
      setPasswordExposed(result.value.passwordExposed);
      setPasswordSaved(true);
      setPasswordError(null);
    } else setPasswordError(result.error);
  };

  return (
    <>
      <form className="form" onSubmit={(event) => void save(event)} aria-labelledby={`${ids.base}-heading`}>
        <h2 id={`${ids.base}-heading`}>{t('settings.account')}</h2>
        {errors.length > 0 && (
          <div role="alert" className="notice notice-error">
            <ul>
              {errors.map(({ label, error }) => (
                <li key={label}>{t('settings.fieldError', { field: label, message: error.message })}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="field field-stacked">
          <label htmlFor={ids.servers}>{t('settings.accountServers')}</label>
          <textarea
            id={ids.servers}
            rows={3}
            spellCheck={false}
            value={locked.has('sip.servers') ? snapshot.values['sip.servers'].join('\n') : draft.servers}
            disabled={locked.has('sip.servers')}
            aria-describedby={describedBy(locked.has('sip.servers') && `${ids.servers}-managed`)}
            data-testid="setting-sip.servers"
            onChange={(event) => setDraft({ ...draft, servers: event.target.value })}
          />
          {locked.has('sip.servers') && <ManagedBadge id={`${ids.servers}-managed`} />}
        </div>
        <div className="field field-stacked">
          <label htmlFor={ids.transport}>{t('settings.accountTransport')}</label>
          <select
            id={ids.transport}
            value={locked.has('sip.transport') ? snapshot.values['sip.transport'] : draft['sip.transport']}
            disabled={locked.has('sip.transport')}
            aria-describedby={describedBy(locked.has('sip.transport') && `${ids.transport}-managed`)}
            data-testid="setting-sip.transport"
            onChange={(event) => setDraft({ ...draft, 'sip.transport': event.target.value as SipTransport })}
          >
            {SIP_TRANSPORTS.map((transport) => (
              <option key={transport} value={transport}>
                {t(`settings.accountTransports.${transport}`)}
              </option>
            ))}
          </select>
          {locked.has('sip.transport') && <ManagedBadge id={`${ids.transport}-managed`} />}
        </div>
        {TEXT_FIELDS.map((field) => {
          const id = `${ids.base}-${field.key}`;
          const isLocked = locked.has(field.key);
          return (
            <div className="field field-stacked" key={field.key}>
              <label htmlFor={id}>{t(field.label)}</label>
              <input
                id={id}
                type="text"
                spellCheck={false}
                autoComplete={field.autoComplete}
                value={isLocked ? snapshot.values[field.key] : draft[field.key]}
                disabled={isLocked}
                aria-describedby={describedBy(field.hint && `${id}-hint`, isLocked && `${id}-managed`)}
                data-testid={`setting-${field.key}`}
                onChange={(event) => setDraft({ ...draft, [field.key]: event.target.value })}
              />
              {isLocked && <ManagedBadge id={`${id}-managed`} />}
              {field.hint && (
                <span id={`${id}-hint`} className="setting-hint">
                  {t(field.hint)}
                </span>
              )}
            </div>
          );
        })}
        <div className="field">
          <button type="submit" data-testid="account-save">
            {t('settings.accountSave')}
          </button>
          {saved && (
            <span role="status" className="saved">
              {t('settings.accountSaved')}
            </span>
          )}
        </div>
      </form>

      <form className="form" onSubmit={(event) => void savePassword(event)}>
        {passwordError && <ErrorNotice error={passwordError} onDismiss={() => setPasswordError(null)} />}
        {passwordExposed && (
          <p className="notice notice-warning" data-testid="password-exposed">
            {t('settings.passwordExposed')}
          </p>
        )}
        <div className="field field-stacked">
          <label htmlFor={ids.password}>{t('settings.password')}</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="new-password"
            value={password}
            data-testid="setting-sip.password"
            aria-describedby={`${ids.password}-state`}
            onChange={(event) => setPassword(event.target.value)}
          />
          <span id={`${ids.password}-state`}>
            {hasPassword === null ? '' : t(hasPassword ? 'settings.passwordStored' : 'settings.passwordMissing')}
          </span>
        </div>
        <div className="field">
          <button type="submit" disabled={password === ''} data-testid="password-save">
            {t('settings.passwordSave')}
          </button>
          {passwordSaved && (
            <span role="status" className="saved">
              {t('settings.passwordSaved')}
            </span>
          )}
        </div>
      </form>
    </>
  );
}
