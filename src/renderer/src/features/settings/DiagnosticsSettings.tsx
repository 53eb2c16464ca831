import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SipTraceSnapshot } from '../../../../shared/contract/diagnostics';
import { useApi } from '../../api/client';

/** Settings → Diagnostics: the SIP trace, off by default, redacted, exportable. */
export function DiagnosticsSettings() {
  const { t } = useTranslation();
  const api = useApi();
  const id = useId();
  const [trace, setTrace] = useState<SipTraceSnapshot | null>(null);

  const refresh = useCallback(async (): Promise<void> => {
    const result = await api.request('diagnostics.sipTrace');
    if (result.ok) setTrace(result.value);
  }, [api]);

  useEffect(() => {
    let active = true;
    void api.request('diagnostics.sipTrace').then((result) => {
      if (active && result.ok) setTrace(result.value);
    });
    return () => {
      active = false;
    };
  }, [api]);

  const toggle = async (enabled: boolean): Promise<void> => {
    const result = await api.request('diagnostics.setSipTrace', { enabled });
    if (result.ok) setTrace(result.value);
  };

  // main writes the text (and audits the export); the page only saves it.
  const exportTrace = async (): Promise<void> => {
    const result = await api.request('diagnostics.exportSipTrace');
    if (!result.ok) return;
    const url = URL.createObjectURL(new Blob([result.value.text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.value.fileName;
    link.click();
    URL.revokeObjectURL(url);
  };

  if (!trace) return null;
  return (
    <>
      <h2>{t('settings.diagnostics')}</h2>
      <div className="field">
        <input
          id={id}
          type="checkbox"
          checked={trace.enabled}
          data-testid="sip-trace-toggle"
          onChange={(event) => void toggle(event.target.checked)}
        />
        <label htmlFor={id}>{t('settings.sipTrace')}</label>
      </div>
      {trace.enabled && (
        <div className="field">
          <span role="status" data-testid="sip-trace-count">
            {t('settings.sipTraceCount', { count: trace.entries.length })}
          </span>
          <button type="button" onClick={() => void refresh()}>
            {t('settings.sipTraceRefresh')}
          </button>
          <button
            type="button"
            disabled={trace.entries.length === 0}
            onClick={() => void exportTrace()}
            data-testid="sip-trace-export"
          >
            {t('settings.sipTraceExport')}
          </button>
        </div>
      )}
    </>
  );
}
