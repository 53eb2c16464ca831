import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IntakeRecord } from '../../../../shared/contract/intake';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { IntakeAnswers } from './IntakeAnswers';
import { useIntakeForm, useIntakeLanguage } from './useIntakeForm';

/**
 * A call's intake, read-only: each answer under its label in the interface language. It is
 * fetched when the call's intake state changes, not at every draft save (reading one with health
 * data is audited as a view).
 */
export function IntakeRecordView({ callId, intake }: { callId: string; intake: 'draft' | 'submitted' | null }) {
  const { t } = useTranslation();
  const api = useApi();
  const language = useIntakeLanguage();
  const { form } = useIntakeForm();
  const [record, setRecord] = useState<IntakeRecord | null>(null);
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  // `?? null`: a row from a main that does not know intakes yet has no such field.
  const state = intake ?? null;
  const wanted = state === null ? null : `${callId}:${state}`;

  useEffect(() => {
    if (wanted === null) return;
    let active = true;
    void api.request('intake.get', { callId }).then((result) => {
      if (!active) return;
      if (result.ok) {
        setRecord(result.value);
        setError(null);
      } else setError(result.error);
      setLoadedFor(wanted);
    });
    return () => {
      active = false;
    };
  }, [api, callId, wanted]);

  if (wanted === null || (loadedFor !== null && record === null && error === null)) {
    return <p data-testid="calllog-intake">{t('calllog.detail.noIntake')}</p>;
  }
  if (error) {
    return (
      <div data-testid="calllog-intake">
        <ErrorNotice error={error} />
      </div>
    );
  }
  if (!record) {
    return <p data-testid="calllog-intake">{t('app.loading')}</p>;
  }

  return <IntakeAnswers intake={record} form={form} language={language} testId="calllog-intake" />;
}
