import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistrationState } from '../../../../shared/contract/calls';
import { useLive } from '../../api/client';

/** The registration state, kept current, with a one-line description that counts down retries. */
export function useRegistration(): { state: RegistrationState | null; text: string } {
  const { t } = useTranslation();
  const { value: state, error } = useLive('calls.registration', 'calls.registrationChanged', (payload) => payload);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (state?.state !== 'reconnecting') return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [state]);

  if (!state) return { state, text: t(error ? 'status.registration.unavailable' : 'status.registration.loading') };
  switch (state.state) {
    case 'not_configured':
      return { state, text: t('status.registration.not_configured') };
    case 'connecting':
      return { state, text: t('status.registration.connecting', { server: state.server }) };
    case 'registered':
      return { state, text: t('status.registration.registered', { server: state.server }) };
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return {
        state,
        text: t('status.registration.reconnecting', {
          problem: problemText(t, state.problem, state.status),
          seconds,
          server: state.server,
        }),
      };
    }
    case 'failed':
      return { state, text: t('status.registration.failed', { problem: problemText(t, state.problem, state.status) }) };
  }
}

function problemText(
  t: ReturnType<typeof useTranslation>['t'],
  problem: Extract<RegistrationState, { problem: unknown }>['problem'],
  status: number | null,
): string {
  const text = t(`status.problems.${problem}`);
  return status === null ? text : `${text} (${t('status.sipStatus', { status })})`;
}
