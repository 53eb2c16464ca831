import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallRecord } from '../../../../shared/contract/calllog';
import type { QualityFigures } from '../../../../shared/quality';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { dispositionLabel } from '../intake/intakeDisplay';
import { IntakeRecordView } from '../intake/IntakeRecordView';
import { useIntakeForm, useIntakeLanguage } from '../intake/useIntakeForm';
import { callerText, formatMs, outcomeKey, useCallLogFormats, type CallLogFormats } from './callLogModel';

/** Arrowing through the list should not ask main for every call passed over. */
const LOAD_DELAY_MS = 150;

function Time({ at, formats }: { at: number; formats: CallLogFormats }) {
  return <time dateTime={new Date(at).toISOString()}>{formats.fullDateTime(at)}</time>;
}

function Quality({ quality, formats }: { quality: QualityFigures | null; formats: CallLogFormats }) {
  const { t } = useTranslation();
  if (!quality) return <p data-testid="calllog-quality">{t('calllog.detail.noQuality')}</p>;
  const measured = (value: number | null, show: (value: number) => string): string =>
    value === null ? t('calllog.detail.notMeasured') : show(value);
  return (
    <dl className="calllog-fields" data-testid="calllog-quality">
      <dt>{t('calllog.detail.mos')}</dt>
      <dd>{measured(quality.mos, (value) => formats.number(value, 1))}</dd>
      <dt>{t('calllog.detail.rtt')}</dt>
      <dd>{measured(quality.rttMs, (value) => t('calllog.detail.milliseconds', { value: formats.number(value) }))}</dd>
      <dt>{t('calllog.detail.jitter')}</dt>
      <dd>
        {measured(quality.jitterMs, (value) => t('calllog.detail.milliseconds', { value: formats.number(value) }))}
      </dd>
      <dt>{t('calllog.detail.loss')}</dt>
      <dd>
        {measured(quality.lossPercent, (value) => t('calllog.detail.percent', { value: formats.number(value, 1) }))}
      </dd>
      <dt>{t('calllog.detail.packets')}</dt>
      <dd>{formats.number(quality.packetsReceived)}</dd>
    </dl>
  );
}

/**
 * Everything recorded about one call. It shows the list's row at once, then what `calllog.get`
 * returns, and follows `calllog.changed` for this call. Mount it again (a `key`) for another call.
 */
export function CallDetail({ initial }: { initial: CallRecord }) {
  const { t } = useTranslation();
  const api = useApi();
  const formats = useCallLogFormats();
  const { form } = useIntakeForm();
  const language = useIntakeLanguage();
  const [record, setRecord] = useState(initial);
  const [error, setError] = useState<ErrorData | null>(null);
  const id = initial.id;

  useEffect(() => {
    let active = true;
    const stop = api.on('calllog.changed', (changed) => {
      if (active && changed.id === id) setRecord(changed);
    });
    const timer = setTimeout(() => {
      void api.request('calllog.get', { id }).then((result) => {
        if (!active) return;
        if (result.ok) {
          setRecord(result.value);
          setError(null);
        } else setError(result.error);
      });
    }, LOAD_DELAY_MS);
    return () => {
      active = false;
      clearTimeout(timer);
      stop();
    };
  }, [api, id]);

  const running = record.outcome === null;
  const talk =
    record.talkMs !== null
      ? formatMs(record.talkMs)
      : record.answeredAt === null
        ? t('calllog.detail.notAnswered')
        : t('calllog.detail.stillRunning');
  const endedBy =
    record.endedBy === null
      ? running
        ? t('calllog.detail.stillRunning')
        : t('calllog.detail.notRecorded')
      : [
          t(`calllog.detail.endedByValues.${record.endedBy}`),
          record.endStatus !== null ? `(${t('calllog.detail.sipStatus', { status: record.endStatus })})` : null,
        ]
          .filter(Boolean)
          .join(' ');

  return (
    <div className="calllog-detail-body" data-id={record.id}>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <dl className="calllog-fields">
        <dt>{t('calllog.detail.caller')}</dt>
        <dd>{callerText(record.remote, t)}</dd>
        <dt>{t('calllog.detail.direction')}</dt>
        <dd>{t(`calllog.directions.${record.direction}`)}</dd>
        <dt>{t('calllog.detail.agent')}</dt>
        <dd>{record.agentCode ?? t('calllog.noAgent')}</dd>
        <dt>{t('calllog.detail.outcome')}</dt>
        <dd className={`calllog-outcome calllog-outcome-${outcomeKey(record)}`}>
          {t(`calllog.outcomes.${outcomeKey(record)}`)}
        </dd>
        <dt>{t('calllog.detail.startedAt')}</dt>
        <dd>
          <Time at={record.startedAt} formats={formats} />
        </dd>
        <dt>{t('calllog.detail.answeredAt')}</dt>
        <dd>
          {record.answeredAt !== null ? (
            <Time at={record.answeredAt} formats={formats} />
          ) : (
            t('calllog.detail.notAnswered')
          )}
        </dd>
        <dt>{t('calllog.detail.endedAt')}</dt>
        <dd>
          {record.endedAt !== null ? <Time at={record.endedAt} formats={formats} /> : t('calllog.detail.stillRunning')}
        </dd>
        <dt>{t('calllog.detail.talk')}</dt>
        <dd>{talk}</dd>
        <dt>{t('calllog.detail.hold')}</dt>
        <dd>{formatMs(record.holdMs)}</dd>
        <dt>{t('calllog.detail.wrapUp')}</dt>
        <dd>{record.wrapUpMs !== null ? formatMs(record.wrapUpMs) : t('calllog.detail.notRecorded')}</dd>
        <dt>{t('calllog.detail.endedBy')}</dt>
        <dd>{endedBy}</dd>
        <dt>{t('calllog.detail.disposition')}</dt>
        <dd data-testid="calllog-disposition-value" data-value={record.disposition ?? ''}>
          {record.disposition !== null
            ? dispositionLabel(form, record.disposition, language)
            : t('calllog.detail.noDisposition')}
        </dd>
      </dl>
      <h3>{t('calllog.detail.quality')}</h3>
      <Quality quality={record.quality} formats={formats} />
      <h3>{t('calllog.detail.intake')}</h3>
      <IntakeRecordView callId={record.id} intake={record.intake} />
    </div>
  );
}
