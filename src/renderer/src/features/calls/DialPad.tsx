import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/** A number field with a keypad; Enter calls. */
export function DialPad({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const id = useId();
  const [target, setTarget] = useState('');
  const [error, setError] = useState<ErrorData | null>(null);

  const dial = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await api.request('calls.dial', { target });
    if (result.ok) {
      setTarget('');
      setError(null);
    } else setError(result.error);
  };

  return (
    <form className="dial-pad" onSubmit={(event) => void dial(event)} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('calls.dial')}</h2>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="field">
        <label htmlFor={id}>{t('calls.target')}</label>
        <input
          id={id}
          type="tel"
          inputMode="tel"
          autoComplete="off"
          spellCheck={false}
          value={target}
          data-testid="dial-target"
          onChange={(event) => setTarget(event.target.value)}
        />
        <button
          type="submit"
          className="button-primary"
          disabled={disabled || target.trim() === ''}
          data-testid="dial-call"
        >
          {t('calls.call')}
        </button>
      </div>
      <div className="keypad" role="group" aria-label={t('calls.keypad')}>
        {KEYS.map((key) => (
          <button key={key} type="button" onClick={() => setTarget((current) => current + key)}>
            {key}
          </button>
        ))}
      </div>
    </form>
  );
}
