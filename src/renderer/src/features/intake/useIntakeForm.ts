import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormDefinition, LocalizedText } from '../../../../shared/intake/form';
import type { ErrorData, Result } from '../../../../shared/result';
import { useApi, type ApiClient } from '../../api/client';

type FormResult = Result<{ form: FormDefinition }>;

/** One request per connection: the definition does not change while the app runs. */
const requests = new WeakMap<ApiClient, Promise<FormResult>>();
const loaded = new WeakMap<ApiClient, FormDefinition>();

function loadForm(api: ApiClient): Promise<FormResult> {
  let request = requests.get(api);
  if (!request) {
    request = api.request('intake.form').then((result) => {
      if (result.ok) loaded.set(api, result.value.form);
      // A failure is not cached: the next caller asks again.
      else requests.delete(api);
      return result;
    });
    requests.set(api, request);
  }
  return request;
}

/** The intake form definition in force, fetched once and shared by every view. */
export function useIntakeForm(): { form: FormDefinition | null; error: ErrorData | null; retry: () => void } {
  const api = useApi();
  const [form, setForm] = useState<FormDefinition | null>(() => loaded.get(api) ?? null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    void loadForm(api).then((result) => {
      if (!active) return;
      if (result.ok) {
        setForm(result.value.form);
        setError(null);
      } else setError(result.error);
    });
    return () => {
      active = false;
    };
  }, [api, attempt]);

  return { form, error, retry: () => setAttempt((count) => count + 1) };
}

export type IntakeLanguage = keyof LocalizedText;

/** The interface language, as the key of a form definition's texts. */
export function useIntakeLanguage(): IntakeLanguage {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('en') ? 'en' : 'de';
}
