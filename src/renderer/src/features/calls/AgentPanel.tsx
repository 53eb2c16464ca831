import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgentState } from '../../../../shared/contract/agent';
import type { ErrorData } from '../../../../shared/result';
import { useApi, useLive } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { useNow } from './useCalls';

export function useAgent(): AgentState | null {
  return useLive('agent.get', 'agent.changed', (payload) => payload).value;
}

/** Sign-in at the start of a shift, the agent's status, and sign-out to hand the laptop over. */
export function AgentPanel() {
  const { t } = useTranslation();
  const api = useApi();
  const agent = useAgent();
  const ids = { code: useId(), name: useId(), status: useId() };
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<ErrorData | null>(null);
  const now = useNow(agent?.status === 'after_call_work');

  const run = async (work: Promise<{ ok: true } | { ok: false; error: ErrorData }>): Promise<boolean> => {
    const result = await work;
    setError(result.ok ? null : result.error);
    return result.ok;
  };

  const signIn = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await run(api.request('agent.signIn', { code, name }))) {
      setCode('');
      setName('');
    }
  };

  if (!agent) return null;
  return (
    <section className="agent-panel" aria-labelledby={`${ids.status}-heading`}>
      <h2 id={`${ids.status}-heading`}>{t('agent.title')}</h2>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {agent.agent === null ? (
        <form onSubmit={(event) => void signIn(event)} className="agent-sign-in">
          <p>{t('agent.signInHint')}</p>
          <div className="field">
            <label htmlFor={ids.code}>{t('agent.code')}</label>
            <input
              id={ids.code}
              value={code}
              autoComplete="off"
              spellCheck={false}
              data-testid="agent-code"
              onChange={(event) => setCode(event.target.value)}
            />
            <label htmlFor={ids.name}>{t('agent.name')}</label>
            <input
              id={ids.name}
              value={name}
              autoComplete="name"
              data-testid="agent-name"
              onChange={(event) => setName(event.target.value)}
            />
            <button
              type="submit"
              className="button-primary"
              disabled={code.trim() === '' || name.trim() === ''}
              data-testid="agent-sign-in"
            >
              {t('agent.signIn')}
            </button>
          </div>
        </form>
      ) : (
        <div className="field">
          <span data-testid="agent-signed-in">
            {t('agent.signedInAs', { name: agent.agent.name, code: agent.agent.code })}
          </span>
          <label htmlFor={ids.status}>{t('agent.status')}</label>
          <select
            id={ids.status}
            value={agent.status}
            data-testid="agent-status"
            onChange={(event) =>
              void run(
                api.request('agent.setStatus', { status: event.target.value as 'available' | 'break' | 'offline' }),
              )
            }
          >
            {(['available', 'break', 'offline'] as const).map((status) => (
              <option key={status} value={status}>
                {t(`agent.statuses.${status}`)}
              </option>
            ))}
            {agent.status === 'after_call_work' && (
              <option value="after_call_work" disabled>
                {t('agent.statuses.after_call_work')}
              </option>
            )}
          </select>
          {agent.status === 'after_call_work' && agent.wrapUpEndsAt !== null && (
            <>
              <span role="timer">
                {t('agent.wrapUp', { seconds: Math.max(0, Math.ceil((agent.wrapUpEndsAt - now) / 1000)) })}
              </span>
              <button
                type="button"
                data-testid="agent-end-wrap-up"
                onClick={() => void run(api.request('agent.setStatus', { status: 'available' }))}
              >
                {t('agent.endWrapUp')}
              </button>
            </>
          )}
          <button type="button" data-testid="agent-sign-out" onClick={() => void run(api.request('agent.signOut'))}>
            {t('agent.signOut')}
          </button>
        </div>
      )}
    </section>
  );
}
