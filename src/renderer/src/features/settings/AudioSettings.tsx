import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsSnapshot } from '../../../../shared/contract/settings';
import type { ErrorData } from '../../../../shared/result';
import { useApi } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import { measureMicrophone, playTestTone, useAudioDevices } from '../../media/devices';
import { ManagedBadge } from './ManagedBadge';

const CHOICES = [
  { key: 'audio.microphoneId', label: 'settings.microphone', kind: 'inputs' },
  { key: 'audio.speakerId', label: 'settings.speaker', kind: 'outputs' },
  { key: 'audio.ringDeviceId', label: 'settings.ringDevice', kind: 'outputs' },
] as const;

/** Microphone, speaker and ring device, following hot-plug, with a test for each. */
export function AudioSettings({ snapshot }: { snapshot: SettingsSnapshot }) {
  const { t } = useTranslation();
  const api = useApi();
  const devices = useAudioDevices();
  const base = useId();
  const [error, setError] = useState<ErrorData | null>(null);
  const [level, setLevel] = useState<number | null>(null);
  const stopMeter = useRef<(() => void) | null>(null);

  useEffect(() => () => stopMeter.current?.(), []);

  const choose = async (key: (typeof CHOICES)[number]['key'], value: string): Promise<void> => {
    const result = await api.request('settings.update', { key, value });
    setError(result.ok ? null : result.error);
  };

  const toggleMeter = async (): Promise<void> => {
    if (stopMeter.current) {
      stopMeter.current();
      stopMeter.current = null;
      setLevel(null);
      return;
    }
    try {
      stopMeter.current = await measureMicrophone(snapshot.values['audio.microphoneId'], setLevel);
    } catch (failure) {
      setError({ code: 'unavailable', message: failure instanceof Error ? failure.message : String(failure) });
    }
  };

  return (
    <>
      <h2>{t('settings.audio')}</h2>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {CHOICES.map((choice) => {
        const id = `${base}-${choice.key}`;
        const list = devices[choice.kind];
        const value = snapshot.values[choice.key];
        const locked = snapshot.locked.includes(choice.key);
        return (
          <div className="field" key={choice.key}>
            <label htmlFor={id}>{t(choice.label)}</label>
            <select
              id={id}
              value={value}
              disabled={locked}
              aria-describedby={locked ? `${id}-managed` : undefined}
              data-testid={`setting-${choice.key}`}
              onChange={(event) => void choose(choice.key, event.target.value)}
            >
              <option value="">{t('settings.systemDefault')}</option>
              {list
                .filter((device) => device.deviceId !== 'default' && device.deviceId !== '')
                .map((device, index) => (
                  <option key={device.deviceId} value={device.deviceId}>
                    {device.label || t('settings.unnamedDevice', { index: index + 1 })}
                  </option>
                ))}
              {value !== '' && !list.some((device) => device.deviceId === value) && (
                <option value={value}>{value.slice(0, 12)}…</option>
              )}
            </select>
            {locked && <ManagedBadge id={`${id}-managed`} />}
          </div>
        );
      })}
      <div className="field">
        <button
          type="button"
          aria-pressed={level !== null}
          onClick={() => void toggleMeter()}
          data-testid="test-microphone"
        >
          {level === null ? t('settings.testMicrophone') : t('settings.stopTest')}
        </button>
        {level !== null && (
          <meter
            min={0}
            max={1}
            value={level}
            aria-label={t('settings.microphoneLevel')}
            data-testid="microphone-level"
          />
        )}
        <button type="button" onClick={() => void playTestTone(snapshot.values['audio.speakerId'])}>
          {t('settings.testSpeaker')}
        </button>
        <button type="button" onClick={() => void playTestTone(snapshot.values['audio.ringDeviceId'])}>
          {t('settings.testRingtone')}
        </button>
      </div>
    </>
  );
}
