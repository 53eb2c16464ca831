import type { SubjectRecord } from '../../shared/contract/intake';
import type { FormDefinition } from '../../shared/intake/form';

/**
 * The file a caller receives for a request under GDPR Art. 15: every record, readable (labels
 * and option texts in German and English next to the stored values) and machine-readable (JSON).
 */
export function subjectExport(
  records: readonly SubjectRecord[],
  form: FormDefinition,
  now: Date,
): { fileName: string; text: string } {
  const fields = new Map(form.fields.map((field) => [field.id, field]));
  const describe = (fieldId: string, value: string | readonly string[]) => {
    const field = fields.get(fieldId);
    const options =
      field?.type === 'choice' ? new Map(field.options.map((option) => [option.value, option.label])) : null;
    const values = typeof value === 'string' ? [value] : value;
    return {
      field: fieldId,
      label: field?.label ?? null,
      value,
      ...(options ? { text: values.map((each) => options.get(each) ?? each) } : {}),
    };
  };
  const document = {
    kind: 'hotline-desk-subject-access-export',
    exportedAt: now.toISOString(),
    records: records.map(({ call, intake }) => ({
      call: {
        id: call.id,
        direction: call.direction,
        number: call.remote.number,
        name: call.remote.name,
        startedAt: new Date(call.startedAt).toISOString(),
        answeredAt: call.answeredAt === null ? null : new Date(call.answeredAt).toISOString(),
        endedAt: call.endedAt === null ? null : new Date(call.endedAt).toISOString(),
        outcome: call.outcome,
        disposition: call.disposition,
        agentCode: call.agentCode,
      },
      intake:
        intake === null
          ? null
          : {
              form: `${intake.formId}@${intake.formVersion}`,
              state: intake.state,
              submittedAt: intake.submittedAt === null ? null : new Date(intake.submittedAt).toISOString(),
              erasedAt: intake.purgedAt === null ? null : new Date(intake.purgedAt).toISOString(),
              answers: Object.entries(intake.values).map(([field, value]) => describe(field, value)),
            },
    })),
  };
  return {
    fileName: `hotline-desk-auskunft-${now.toISOString().replace(/[:.]/g, '-')}.json`,
    text: `${JSON.stringify(document, null, 2)}\n`,
  };
}
