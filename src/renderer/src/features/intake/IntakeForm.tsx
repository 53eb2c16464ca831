import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IntakeRecord } from '../../../../shared/contract/intake';
import {
  isRequired,
  shownFields,
  type FormDefinition,
  type FormField,
  type IntakeValue,
  type IntakeValues,
} from '../../../../shared/intake/form';
import { checkIntake, toE164, type FieldProblem } from '../../../../shared/intake/validate';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { Autosave } from './autosave';
import { formatTime } from './intakeDisplay';
import { fieldWrapperId, IntakeField } from './IntakeField';
import { useIntakeForm, useIntakeLanguage } from './useIntakeForm';

export interface IntakeFormProps {
  readonly callId: string;
  /** Filled into the phone fields that ask for it, when the call has no intake yet. */
  readonly callerNumber: string | null;
  /** Who the call is with, shown above the form (the form may outlive the call in the list). */
  readonly caller?: string;
  /** Offered once the intake is submitted. */
  readonly onClose?: () => void;
}

/** The answers a new intake starts with: the caller's number in the phone fields that ask for it. */
export function initialValues(form: FormDefinition, callerNumber: string | null): IntakeValues {
  const values: IntakeValues = {};
  const number = callerNumber?.trim() ?? '';
  if (number === '') return values;
  for (const field of form.fields) {
    if (field.type === 'phone' && field.prefillCallerNumber)
      values[field.id] = toE164(number, field.countryCode) ?? number;
  }
  return values;
}

function localDay(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

type Loaded = { readonly record: IntakeRecord | null };

/**
 * The intake form of one call: it loads the call's record (a draft survives a reload or a crash) or
 * starts a new one, and saves every change as a draft. Mount it again (a `key`) for another call.
 */
export function IntakeForm(props: IntakeFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const { form, error: formError, retry: retryForm } = useIntakeForm();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { callId } = props;

  useEffect(() => {
    let active = true;
    void api.request('intake.get', { callId }).then((result) => {
      if (!active) return;
      if (result.ok) {
        setLoaded({ record: result.value });
        setError(null);
      } else setError(result.error);
    });
    return () => {
      active = false;
    };
  }, [api, callId, attempt]);

  const problem = formError ?? error;
  if (!form || !loaded) {
    return (
      <section className="intake-panel" aria-label={t('intake.title')} data-testid="intake-panel">
        {problem ? (
          <div className="intake-load-error">
            <ErrorNotice error={problem} />
            <button
              type="button"
              onClick={() => {
                retryForm();
                setAttempt((count) => count + 1);
              }}
            >
              {t('intake.retry')}
            </button>
          </div>
        ) : (
          <p>{t('app.loading')}</p>
        )}
      </section>
    );
  }
  return <IntakeEditor {...props} form={form} record={loaded.record} />;
}

type SaveState =
  | { readonly state: 'idle' }
  | { readonly state: 'saving' }
  | { readonly state: 'saved'; readonly at: number }
  | { readonly state: 'error'; readonly error: ErrorData };

function IntakeEditor({
  callId,
  callerNumber,
  caller,
  onClose,
  form,
  record,
}: IntakeFormProps & { form: FormDefinition; record: IntakeRecord | null }) {
  const { t } = useTranslation();
  const api = useApi();
  const language = useIntakeLanguage();
  const idBase = useId();
  const headingId = `${idBase}-heading`;
  const [values, setValues] = useState<IntakeValues>(() => record?.values ?? initialValues(form, callerNumber));
  const [now] = useState(() => new Date());
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  /** The problems main named when it refused to complete the intake (until the next change). */
  const [refused, setRefused] = useState<readonly FieldProblem[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<ErrorData | null>(null);
  const [submittedAt, setSubmittedAt] = useState<number | null>(() =>
    record?.state === 'submitted' ? (record.submittedAt ?? record.updatedAt) : null,
  );
  const [save, setSave] = useState<SaveState>(() =>
    record ? { state: 'saved', at: record.updatedAt } : { state: 'idle' },
  );
  const [focusRequest, setFocusRequest] = useState<{ target: 'problems' | 'submitted' } | null>(null);
  const autosave = useRef<Autosave<IntakeValues> | null>(null);
  const problemsRef = useRef<HTMLDivElement>(null);
  const submittedRef = useRef<HTMLParagraphElement>(null);
  const readOnly = submittedAt !== null;

  useEffect(() => {
    const saver = new Autosave<IntakeValues>({
      save: async (draft) => {
        setSave({ state: 'saving' });
        const result = await api.request('intake.saveDraft', {
          callId,
          values: checkIntake(form, draft, new Date()).values,
        });
        setSave(result.ok ? { state: 'saved', at: result.value.updatedAt } : { state: 'error', error: result.error });
        return result.ok;
      },
    });
    autosave.current = saver;
    // A reload or a closed window: save what is pending on the way out.
    const onPageHide = (): void => void saver.flush();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      void saver.flush();
      autosave.current = null;
    };
  }, [api, callId, form]);

  useLayoutEffect(() => {
    if (focusRequest?.target === 'problems') problemsRef.current?.focus();
    if (focusRequest?.target === 'submitted') submittedRef.current?.focus();
  }, [focusRequest]);

  const check = checkIntake(form, values, now);
  const fields = shownFields(form, values);
  const localProblems = check.problems;
  const summary = attempted && !readOnly ? (localProblems.length > 0 ? localProblems : refused) : [];
  const problemOf = (field: FormField): string | null => {
    if (readOnly || (!attempted && !touched.has(field.id))) return null;
    return localProblems.find((each) => each.field === field.id)?.message[language] ?? null;
  };

  const change = (field: FormField, value: IntakeValue): void => {
    if (readOnly) return;
    const next = { ...values, [field.id]: value };
    setValues(next);
    setRefused([]);
    autosave.current?.change(next);
  };

  const touch = (field: FormField): void => {
    if (!touched.has(field.id)) setTouched(new Set([...touched, field.id]));
  };

  const focusField = (fieldId: string): void => {
    const wrapper = document.getElementById(fieldWrapperId(idBase, fieldId));
    const target =
      wrapper?.querySelector<HTMLElement>('input:checked') ??
      wrapper?.querySelector<HTMLElement>('input, select, textarea');
    target?.focus();
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (submitting || readOnly) return;
    setAttempted(true);
    setSubmitting(true);
    setSubmitError(null);
    const saver = autosave.current;
    saver?.pause();
    await saver?.flush();
    const result = await api.request('intake.submit', {
      callId,
      values: checkIntake(form, values, new Date()).values,
    });
    setSubmitting(false);
    if (result.ok) {
      saver?.discard();
      setValues(result.value.values);
      setSave({ state: 'saved', at: result.value.updatedAt });
      setSubmittedAt(result.value.submittedAt ?? result.value.updatedAt);
      setFocusRequest({ target: 'submitted' });
      return;
    }
    saver?.resume();
    if (result.error.code !== 'invalid_input') {
      setSubmitError(result.error);
      return;
    }
    // Refused while problems remain; main kept the draft and flagged them.
    let named: readonly FieldProblem[] = [];
    if (localProblems.length === 0) {
      const stored = await api.request('intake.get', { callId });
      if (stored.ok && stored.value) named = stored.value.problems;
      if (named.length === 0) setSubmitError(result.error);
    }
    setRefused(named);
    setFocusRequest({ target: 'problems' });
  };

  const saveText = (() => {
    switch (save.state) {
      case 'idle':
        return t('intake.save.idle');
      case 'saving':
        return t('intake.save.saving');
      case 'saved':
        return t('intake.save.saved', { time: formatTime(save.at, language) });
      case 'error':
        return t('intake.save.notSaved');
    }
  })();

  const sections = form.sections
    .map((section) => ({ section, fields: fields.filter((field) => field.section === section.id) }))
    .filter(({ fields: inSection }) => inSection.length > 0);

  return (
    <section className="intake-panel" aria-labelledby={headingId} data-testid="intake-panel" data-call-id={callId}>
      <div className="intake-head">
        <h2 id={headingId}>{form.title[language]}</h2>
        {caller && <p className="intake-caller">{t('intake.forCall', { caller })}</p>}
      </div>
      {submittedAt !== null && (
        <div className="intake-submitted">
          <p ref={submittedRef} tabIndex={-1} role="status" className="notice" data-testid="intake-submitted">
            {t('intake.submitted', { time: formatTime(submittedAt, language) })}
          </p>
          {onClose && (
            <button type="button" data-testid="intake-close" onClick={onClose}>
              {t('intake.close')}
            </button>
          )}
        </div>
      )}
      {summary.length > 0 && (
        <div
          ref={problemsRef}
          tabIndex={-1}
          className="notice notice-error intake-problems"
          data-testid="intake-problems"
          aria-labelledby={`${idBase}-problems-heading`}
          role="group"
        >
          <p id={`${idBase}-problems-heading`} className="intake-problems-title">
            {t('intake.problems', { count: summary.length })}
          </p>
          <ul>
            {summary.map((each) => (
              <li key={`${each.field}-${each.code}`}>
                <button
                  type="button"
                  className="button-link"
                  data-field={each.field}
                  onClick={() => focusField(each.field)}
                >
                  {each.message[language]}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {submitError && <ErrorNotice error={submitError} onDismiss={() => setSubmitError(null)} />}
      {save.state === 'error' && (
        <div role="alert" className="notice notice-error intake-save-error">
          <p>{t('intake.save.failed')}</p>
          <button type="button" onClick={() => void autosave.current?.flush()}>
            {t('intake.save.retry')}
          </button>
        </div>
      )}
      <form
        className="intake-form"
        aria-labelledby={headingId}
        noValidate
        data-testid="intake-form"
        data-state={readOnly ? 'submitted' : 'draft'}
        onSubmit={(event) => void submit(event)}
      >
        {!readOnly && <p className="intake-required-note">{t('intake.requiredNote')}</p>}
        {sections.map(({ section, fields: inSection }) => (
          <fieldset key={section.id} className="intake-section" disabled={readOnly} data-section={section.id}>
            <legend>{section.title[language]}</legend>
            {inSection.map((field) => (
              <IntakeField
                key={field.id}
                field={field}
                value={values[field.id]}
                required={isRequired(field, values)}
                problem={problemOf(field)}
                idBase={idBase}
                language={language}
                today={localDay(now)}
                readOnly={readOnly}
                onChange={change}
                onTouch={touch}
              />
            ))}
          </fieldset>
        ))}
        <div className="intake-actions">
          {!readOnly && (
            <button
              type="submit"
              className="button-primary"
              aria-disabled={submitting || undefined}
              data-testid="intake-submit"
            >
              {submitting ? t('intake.submitting') : t('intake.submit')}
            </button>
          )}
          <p className="intake-save-status" data-testid="intake-save-status" data-state={save.state}>
            {saveText}
          </p>
        </div>
      </form>
    </section>
  );
}
