import type { FormField } from '../../../../shared/intake/form';
import { useIntakeForm } from '../intake/useIntakeForm';

export type DispositionOption = Extract<FormField, { type: 'choice' }>['options'][number];

/**
 * The call types to filter by: the answers of the intake form's disposition field. Null while the
 * form is loading or when that field is no choice (then the call type is typed as text).
 */
export function useDispositionOptions(): readonly DispositionOption[] | null {
  const { form } = useIntakeForm();
  const field = form?.fields.find((each) => each.id === form.dispositionField);
  return field?.type === 'choice' ? field.options : null;
}
