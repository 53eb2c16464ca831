import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubjectRecord } from '../../../../shared/contract/intake';
import type { ErrorData } from '../../../../shared/result';
import { useApi, type ApiClient } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { callerText, outcomeKey, useCallLogFormats } from '../calllog/callLogModel';
import { dispositionLabel } from '../intake/intakeDisplay';
import { useIntakeForm, useIntakeLanguage } from '../intake/useIntakeForm';
import { saveTextFile } from './saveTextFile';
import { IntakeAnswers } from '../intake/IntakeAnswers';
import { useTeamLead } from './useTeamLead';

/** The contract's limits for a query (`subjectQuerySchema`). */
const MAX_NUMBER = 40;
const MAX_NAME = 120;

type Query = { number?: string; name?: string };
type Status = { kind: 'exported'; count: number; fileName: string } | { kind: 'erased'; count: number };
type FocusTarget = 'number' | 'results' | 'erase' | 'confirm' | 'status';

const newestFirst = (a: SubjectRecord, b: SubjectRecord): number =>
  b.call.startedAt - a.call.startedAt || (a.call.id < b.call.id ? 1 : -1);

/**
 * A record that was just erased, as it is now: the search no longer finds it (its name and
 * number are gone), so it is read again by id to show that nothing personal is left.
 */
async function reload(api: ApiClient, callId: string): Promise<SubjectRecord | null> {
  const call = await api.request('calllog.get', { id: callId });
  if (!call.ok) return null;
  if (call.value.intake === null) return { call: call.value, intake: null };
  const intake = await api.request('intake.get', { callId });
  return { call: call.value, intake: intake.ok ? intake.value : null };
}

/**
 * Call log → data-subject requests (GDPR Art. 15 and 17), for a team lead only (by policy:
 * `privacy.teamLeads` or `privacy.role`): find a caller's records by number or name, export the
 * chosen ones as a file for the caller, or erase their personal and health data after an explicit
 * confirmation. main checks the role again and audits every step.
 */
export function SubjectRequests() {
  const teamLead = useTeamLead();
  if (!teamLead) return null;
  return <SubjectRequestsPanel />;
}

function SubjectRequestsPanel() {
  const { t } = useTranslation();
  const api = useApi();
  const formats = useCallLogFormats();
  const { form } = useIntakeForm();
  const language = useIntakeLanguage();
  const id = useId();

  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [missingQuery, setMissingQuery] = useState(false);
  const [query, setQuery] = useState<Query | null>(null);
  const [results, setResults] = useState<readonly SubjectRecord[] | null>(null);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [erased, setErased] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);

  const numberInput = useRef<HTMLInputElement>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const eraseButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const statusRegion = useRef<HTMLDivElement>(null);
  // Where focus goes once the render that shows it is done (set together with that state).
  const pendingFocus = useRef<FocusTarget | null>(null);

  useEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    pendingFocus.current = null;
    const element = {
      number: numberInput,
      results: resultsHeading,
      erase: eraseButton,
      confirm: confirmButton,
      status: statusRegion,
    }[target].current;
    element?.focus();
  });

  const shown = results ?? [];
  const selected = shown.filter((record) => checked.has(record.call.id)).map((record) => record.call.id);

  const find = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    const next: Query = {
      ...(number.trim() !== '' ? { number: number.trim() } : {}),
      ...(name.trim() !== '' ? { name: name.trim() } : {}),
    };
    if (next.number === undefined && next.name === undefined) {
      setMissingQuery(true);
      pendingFocus.current = 'number';
      return;
    }
    setMissingQuery(false);
    setBusy(true);
    const result = await api.request('privacy.find', next);
    setBusy(false);
    setConfirming(false);
    setStatus(null);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setQuery(next);
    setResults(result.value);
    setErased(new Set());
    // Everything found is chosen: the usual request is about all of a caller's records.
    setChecked(new Set(result.value.map((record) => record.call.id)));
    pendingFocus.current = 'results';
  };

  const toggle = (callId: string, on: boolean): void => {
    const next = new Set(checked);
    if (on) next.add(callId);
    else next.delete(callId);
    setChecked(next);
    setConfirming(false);
  };

  const exportSelected = async (): Promise<void> => {
    if (busy || selected.length === 0) return;
    setBusy(true);
    setStatus(null);
    const result = await api.request('privacy.export', { callIds: selected });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    // main writes the file (and audits the export); the page only saves it.
    saveTextFile(result.value.fileName, result.value.text, 'application/json');
    setStatus({ kind: 'exported', count: selected.length, fileName: result.value.fileName });
  };

  const askToErase = (): void => {
    if (busy || selected.length === 0) return;
    setStatus(null);
    setConfirming(true);
    pendingFocus.current = 'confirm';
  };

  const cancelErase = (): void => {
    setConfirming(false);
    pendingFocus.current = 'erase';
  };

  const erase = async (): Promise<void> => {
    if (busy || selected.length === 0 || query === null) return;
    const callIds = selected;
    setBusy(true);
    const result = await api.request('privacy.erase', { callIds });
    if (!result.ok) {
      setBusy(false);
      setConfirming(false);
      setError(result.error);
      pendingFocus.current = 'erase';
      return;
    }
    // The same search again: what it still finds, and the erased records as they are now.
    const found = await api.request('privacy.find', query);
    const records = found.ok ? found.value : [];
    const missing = callIds.filter((callId) => !records.some((record) => record.call.id === callId));
    const reloaded = (await Promise.all(missing.map((callId) => reload(api, callId)))).filter(
      (record): record is SubjectRecord => record !== null,
    );
    const nowErased = new Set([...erased, ...callIds]);
    const before = new Set(shown.map((record) => record.call.id));
    const next = [...records, ...reloaded].sort(newestFirst);
    setBusy(false);
    setConfirming(false);
    setError(found.ok ? null : found.error);
    setResults(next);
    setErased(nowErased);
    // Erased records are no longer chosen; the others keep their choice, new ones are chosen.
    setChecked(
      new Set(
        next
          .map((record) => record.call.id)
          .filter((callId) => !nowErased.has(callId) && (!before.has(callId) || checked.has(callId))),
      ),
    );
    setStatus({ kind: 'erased', count: result.value.erased });
    pendingFocus.current = 'status';
  };

  const onConfirmKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    cancelErase();
  };

  let statusText = '';
  if (status?.kind === 'exported')
    statusText = t('privacy.exported', { count: status.count, fileName: status.fileName });
  else if (status?.kind === 'erased') statusText = t('privacy.erased', { count: status.count });

  return (
    <section className="subject-requests" data-testid="subject-requests" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('privacy.title')}</h2>
      <p className="subject-intro">{t('privacy.intro')}</p>

      <form
        role="search"
        className="subject-search"
        aria-labelledby={`${id}-legend`}
        noValidate
        onSubmit={(event) => void find(event)}
      >
        <fieldset>
          <legend id={`${id}-legend`}>{t('privacy.searchLegend')}</legend>
          <p id={`${id}-hint`} className="subject-hint">
            {t('privacy.searchHint')}
          </p>
          <div className="subject-search-fields">
            <div className="calllog-filter">
              <label htmlFor={`${id}-number`}>{t('privacy.number')}</label>
              <input
                id={`${id}-number`}
                ref={numberInput}
                type="text"
                inputMode="tel"
                autoComplete="off"
                spellCheck={false}
                maxLength={MAX_NUMBER}
                value={number}
                aria-invalid={missingQuery || undefined}
                aria-describedby={missingQuery ? `${id}-hint ${id}-missing` : `${id}-hint`}
                data-testid="subject-number"
                onChange={(event) => setNumber(event.target.value)}
              />
            </div>
            <div className="calllog-filter">
              <label htmlFor={`${id}-name`}>{t('privacy.name')}</label>
              <input
                id={`${id}-name`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                maxLength={MAX_NAME}
                value={name}
                aria-invalid={missingQuery || undefined}
                aria-describedby={missingQuery ? `${id}-hint ${id}-missing` : `${id}-hint`}
                data-testid="subject-name"
                onChange={(event) => setName(event.target.value)}
              />
            </div>
            <button
              type="submit"
              className="button-primary"
              aria-disabled={busy || undefined}
              data-testid="subject-find"
            >
              {t('privacy.find')}
            </button>
          </div>
          {missingQuery && (
            <p id={`${id}-missing`} role="alert" className="intake-error">
              {t('privacy.missingQuery')}
            </p>
          )}
        </fieldset>
      </form>

      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}

      {results !== null && (
        <div className="subject-results" aria-busy={busy || undefined}>
          <h3 id={`${id}-results`} ref={resultsHeading} tabIndex={-1} className="subject-results-heading">
            {t('privacy.results', { count: results.length })}
          </h3>
          {results.length === 0 ? (
            <p data-testid="subject-none">{t('privacy.none')}</p>
          ) : (
            <>
              <fieldset className="subject-records">
                <legend>{t('privacy.choose')}</legend>
                <ul className="subject-list">
                  {results.map((record) => {
                    const { call, intake } = record;
                    const checkboxId = `${id}-record-${call.id}`;
                    const isErased = erased.has(call.id);
                    return (
                      <li
                        key={call.id}
                        className="subject-record"
                        data-testid="subject-result"
                        data-call-id={call.id}
                        data-erased={isErased}
                      >
                        <div className="subject-record-head">
                          <input
                            id={checkboxId}
                            type="checkbox"
                            checked={checked.has(call.id)}
                            onChange={(event) => toggle(call.id, event.target.checked)}
                          />
                          <label htmlFor={checkboxId}>
                            <time dateTime={new Date(call.startedAt).toISOString()}>
                              {formats.dateTime(call.startedAt)}
                            </time>
                            {' – '}
                            {isErased ? t('privacy.erasedCaller') : callerText(call.remote, t)}
                          </label>
                        </div>
                        <dl className="calllog-fields">
                          <dt>{t('calllog.detail.startedAt')}</dt>
                          <dd>{formats.fullDateTime(call.startedAt)}</dd>
                          <dt>{t('calllog.detail.direction')}</dt>
                          <dd>{t(`calllog.directions.${call.direction}`)}</dd>
                          <dt>{t('privacy.number')}</dt>
                          <dd data-field="number">
                            {call.remote.number ??
                              (call.remote.anonymous ? t('calllog.anonymous') : t('calllog.detail.notRecorded'))}
                          </dd>
                          <dt>{t('privacy.name')}</dt>
                          <dd data-field="name">{call.remote.name ?? t('calllog.detail.notRecorded')}</dd>
                          <dt>{t('calllog.detail.outcome')}</dt>
                          <dd>{t(`calllog.outcomes.${outcomeKey(call)}`)}</dd>
                          <dt>{t('calllog.detail.disposition')}</dt>
                          <dd>
                            {call.disposition !== null
                              ? dispositionLabel(form, call.disposition, language)
                              : t('calllog.detail.noDisposition')}
                          </dd>
                        </dl>
                        <h4 className="subject-intake-heading">{t('calllog.detail.intake')}</h4>
                        <IntakeAnswers intake={intake} form={form} language={language} testId="subject-intake" />
                      </li>
                    );
                  })}
                </ul>
              </fieldset>

              <div className="subject-actions">
                <p id={`${id}-count`} className="subject-count" data-testid="subject-count">
                  {t('privacy.selected', { selected: selected.length, total: results.length })}
                </p>
                <button
                  type="button"
                  disabled={selected.length === 0}
                  aria-disabled={busy || undefined}
                  aria-describedby={`${id}-count`}
                  data-testid="subject-export"
                  onClick={() => void exportSelected()}
                >
                  {t('privacy.export')}
                </button>
                <button
                  type="button"
                  ref={eraseButton}
                  className="button-danger"
                  disabled={selected.length === 0}
                  aria-disabled={busy || undefined}
                  aria-describedby={`${id}-count`}
                  aria-expanded={confirming}
                  data-testid="subject-erase"
                  onClick={askToErase}
                >
                  {t('privacy.erase')}
                </button>
              </div>

              {confirming && (
                <div
                  role="group"
                  className="notice notice-warning subject-confirm"
                  aria-labelledby={`${id}-confirm`}
                  onKeyDown={onConfirmKey}
                >
                  <p id={`${id}-confirm`} className="subject-confirm-question">
                    {t('privacy.confirmErase', { count: selected.length })}
                  </p>
                  <p className="subject-confirm-detail">{t('privacy.confirmEraseDetail')}</p>
                  <div className="subject-confirm-actions">
                    <button
                      type="button"
                      ref={confirmButton}
                      className="button-danger"
                      aria-disabled={busy || undefined}
                      data-testid="subject-erase-confirm"
                      onClick={() => void erase()}
                    >
                      {t('privacy.confirm')}
                    </button>
                    <button type="button" data-testid="subject-erase-cancel" onClick={cancelErase}>
                      {t('privacy.cancel')}
                    </button>
                  </div>
                </div>
              )}
            </>
          )}
        </div>
      )}

      <div
        ref={statusRegion}
        role="status"
        tabIndex={-1}
        className={statusText === '' ? 'subject-status subject-status-empty' : 'subject-status'}
        data-testid="subject-status"
      >
        {statusText}
      </div>
    </section>
  );
}
