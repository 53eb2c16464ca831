import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { IntakeRecord } from '../../../../shared/contract/intake';
import { isFilled, type FormDefinition } from '../../../../shared/intake/form';
import { displayValue, formatDateTime } from './intakeDisplay';
import type { IntakeLanguage } from './useIntakeForm';

/**
 * An intake, read-only: its state, and each answer under its label in the interface language
 * (answers to fields a newer form no longer has under their ids). Shown by the call log's detail
 * and by a data-subject request's results; `testId` names the block and its parts.
 */
export function IntakeAnswers({
  intake,
  form,
  language,
  testId,
}: {
  intake: IntakeRecord | null;
  form: FormDefinition | null;
  language: IntakeLanguage;
  testId: string;
}) {
  const { t } = useTranslation();
  if (!intake) return <p data-testid={testId}>{t('calllog.detail.noIntake')}</p>;

  const fields = form?.fields ?? [];
  const known = new Set(fields.map((field) => field.id));
  const answered = [
    ...fields.filter((field) => isFilled(intake.values[field.id])).map((field) => ({ id: field.id, field })),
    // Answers to fields a newer form no longer has: shown under their ids rather than hidden.
    ...Object.keys(intake.values)
      .filter((id) => !known.has(id) && isFilled(intake.values[id]))
      .map((id) => ({ id, field: undefined })),
  ];

  return (
    <div
      className="calllog-intake"
      data-testid={testId}
      data-state={intake.state}
      data-purged={intake.purgedAt !== null}
    >
      <p className="calllog-intake-state">
        <span data-testid={`${testId}-state`}>{t(`intake.state.${intake.state}`)}</span>
        {intake.state === 'draft' && intake.problems.length > 0 && (
          <> · {t('intake.record.problems', { count: intake.problems.length })}</>
        )}
        {intake.submittedAt !== null && (
          <> · {t('intake.record.submittedAt', { time: formatDateTime(intake.submittedAt, language) })}</>
        )}
      </p>
      {intake.purgedAt !== null && (
        <p className="notice" data-testid={`${testId}-purged`}>
          {t('intake.record.purged', { time: formatDateTime(intake.purgedAt, language) })}
        </p>
      )}
      {answered.length === 0 ? (
        <p>{t('intake.record.empty')}</p>
      ) : (
        <dl className="calllog-fields">
          {answered.map(({ id, field }) => (
            <Fragment key={id}>
              <dt>{field ? field.label[language] : id}</dt>
              <dd data-field={id}>{displayValue(field, intake.values[id]!, language, t)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </div>
  );
}
