import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HeadsetDevice, HeadsetListing } from '../../../../shared/contract/headset';
import type { SettingsSnapshot } from '../../../../shared/contract/settings';
import type { ErrorData, Result } from '../../../../shared/result';
import { useApi, useLive } from '../../api/client';
import { ErrorNotice } from '../../app/ErrorNotice';
import {
  addInputLine,
  deviceState,
  noCallControlReason,
  settingNames,
  usbIds,
  type DeviceState,
  type InputLine,
} from './headset-model';
import { ManagedBadge } from './ManagedBadge';

type HeadsetOutputName = HeadsetDevice['outputs'][number];

/** `Jabra Link 380 (0b0e:0307, ABC123)`: how the chooser names a device. */
function deviceLabel(device: HeadsetDevice): string {
  const ids = device.serialNumber === '' ? usbIds(device) : `${usbIds(device)}, ${device.serialNumber}`;
  return `${device.name} (${ids})`;
}

// A permission problem is tried again at every scan anyway; these wait for the agent.
const TROUBLE: ReadonlySet<DeviceState> = new Set(['open_failed', 'failed']);

/**
 * Settings → Headset: whether the USB headset's buttons and lights are used, the headsets connected
 * with what each can do, which one is used (automatic or chosen), and a live test of the one in use.
 */
export function HeadsetSettings({ snapshot }: { snapshot: SettingsSnapshot }) {
  const { t } = useTranslation();
  const api = useApi();
  const id = useId();
  const { value: listing, error: loadError } = useLive('headset.list', 'headset.changed', (payload) => payload);
  const [error, setError] = useState<ErrorData | null>(null);
  const [saved, setSaved] = useState(false);

  const enabled = snapshot.values['headset.enabled'];
  const setting = snapshot.values['headset.device'];
  const enabledLocked = snapshot.locked.includes('headset.enabled');
  const deviceLocked = snapshot.locked.includes('headset.device');

  const settled = (result: Result<unknown>): void => {
    if (result.ok) {
      setError(null);
      setSaved(true);
    } else setError(result.error);
  };

  // The switch follows the click at once; the settings main sends next take over.
  const [pending, setPending] = useState<{ value: boolean; from: SettingsSnapshot } | null>(null);
  const checked = pending !== null && pending.from === snapshot ? pending.value : enabled;

  const toggle = async (value: boolean): Promise<void> => {
    setSaved(false);
    setPending({ value, from: snapshot });
    const result = await api.request('settings.update', { key: 'headset.enabled', value });
    if (!result.ok) setPending(null);
    settled(result);
  };

  const choose = async (device: string): Promise<void> => {
    setSaved(false);
    settled(await api.request('headset.choose', { device }));
  };

  const devices = listing?.enabled ? listing.devices : [];
  const named = setting !== '' && !devices.some((device) => device.key === setting);

  return (
    <section aria-labelledby={`${id}-heading`} data-testid="headset-settings" className="headset-settings">
      <h2 id={`${id}-heading`}>{t('settings.headset.title')}</h2>
      {loadError && <ErrorNotice error={loadError} />}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="field">
        <input
          id={`${id}-enabled`}
          type="checkbox"
          checked={checked}
          disabled={enabledLocked}
          aria-describedby={enabledLocked ? `${id}-enabled-managed` : undefined}
          data-testid="headset-enabled"
          onChange={(event) => void toggle(event.target.checked)}
        />
        <label htmlFor={`${id}-enabled`}>{t('settings.headset.enabled')}</label>
        {enabledLocked && <ManagedBadge id={`${id}-enabled-managed`} />}
        {saved && (
          <span role="status" className="saved">
            {t('settings.saved')}
          </span>
        )}
      </div>

      <div className="field">
        <label htmlFor={`${id}-choose`}>{t('settings.headset.choose')}</label>
        <select
          id={`${id}-choose`}
          value={setting}
          disabled={deviceLocked}
          aria-describedby={deviceLocked ? `${id}-choose-hint ${id}-choose-managed` : `${id}-choose-hint`}
          data-testid="headset-choose"
          onChange={(event) => void choose(event.target.value)}
        >
          <option value="">{t('settings.headset.automatic')}</option>
          {devices.map((device, index) => (
            <option key={`${device.key}-${index}`} value={device.key} disabled={!device.callControl}>
              {device.callControl
                ? deviceLabel(device)
                : t('settings.headset.optionNoCallControl', { device: deviceLabel(device) })}
            </option>
          ))}
          {named && (
            <option value={setting}>
              {devices.some((device) => settingNames(setting, device))
                ? t('settings.headset.optionModel', { device: setting })
                : t('settings.headset.optionMissing', { device: setting })}
            </option>
          )}
        </select>
        {deviceLocked && <ManagedBadge id={`${id}-choose-managed`} />}
      </div>
      <p id={`${id}-choose-hint`} className="setting-hint">
        {t('settings.headset.chooseHint')}
      </p>

      {!listing ? (
        !loadError && <p>{t('app.loading')}</p>
      ) : (
        <HeadsetState
          listing={listing}
          canRetry={!deviceLocked}
          onRetry={() => void choose(setting)}
          headingId={`${id}-devices`}
        />
      )}

      <LiveTest listing={listing} />
    </section>
  );
}

/** The status of the headset link, and the devices connected. */
function HeadsetState({
  listing,
  canRetry,
  onRetry,
  headingId,
}: {
  listing: HeadsetListing;
  canRetry: boolean;
  onRetry: () => void;
  headingId: string;
}) {
  const { t } = useTranslation();
  const chosen = listing.devices.find((device) => device.key === listing.chosen) ?? null;
  const name = chosen?.name ?? '';
  const showStatus = listing.status !== 'no_devices';

  return (
    <>
      <p role="status" className={showStatus ? 'headset-status' : 'visually-hidden'} data-testid="headset-status">
        {showStatus && t(`settings.headset.status.${listing.status}`, { name })}
        {showStatus && listing.status === 'attached' && listing.chosenBy && (
          <> ({t(`settings.headset.chosenBy.${listing.chosenBy}`)})</>
        )}
      </p>
      {listing.status === 'no_permission' && <p className="notice notice-warning">{t('settings.headset.linuxHint')}</p>}
      {listing.enabled && (
        <>
          <h3 id={headingId}>{t('settings.headset.devices')}</h3>
          {listing.devices.length === 0 ? (
            <p data-testid="headset-empty">{t('settings.headset.empty')}</p>
          ) : (
            <ul className="headset-devices" aria-labelledby={headingId}>
              {listing.devices.map((device, index) => (
                <DeviceRow
                  key={`${device.key}-${index}`}
                  device={device}
                  state={deviceState(device, listing)}
                  canRetry={canRetry}
                  onRetry={onRetry}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

function DeviceRow({
  device,
  state,
  canRetry,
  onRetry,
}: {
  device: HeadsetDevice;
  state: DeviceState;
  canRetry: boolean;
  onRetry: () => void;
}) {
  const { t } = useTranslation();
  const none = t('settings.headset.none');
  const buttons = device.inputs.map((input) => t(`settings.headset.inputs.${input}`));
  const lights = device.outputs
    .filter((output): output is Exclude<HeadsetOutputName, 'ringer'> => output !== 'ringer')
    .map((output) => t(`settings.headset.leds.${output}`));
  const ringer = device.outputs.includes('ringer');

  return (
    <li className="headset-device" data-testid={`headset-device-${device.key}`}>
      <p className="headset-device-name">
        <strong>{device.name}</strong>
        {device.manufacturer !== '' && <> – {device.manufacturer}</>}
      </p>
      <dl className="headset-facts">
        <div>
          <dt>{t('settings.headset.state')}</dt>
          <dd data-testid="headset-device-state">
            <span className={state === 'in_use' ? 'headset-in-use' : undefined}>
              {t(`settings.headset.states.${state}`)}
            </span>
            {TROUBLE.has(state) && canRetry && (
              <>
                {' '}
                <button type="button" onClick={onRetry}>
                  {t('settings.headset.retry')}
                </button>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('settings.headset.usbId')}</dt>
          <dd>{usbIds(device)}</dd>
        </div>
        {device.serialNumber !== '' && (
          <div>
            <dt>{t('settings.headset.serial')}</dt>
            <dd>{device.serialNumber}</dd>
          </div>
        )}
        <div>
          <dt>{t('settings.headset.callControl')}</dt>
          <dd>
            {device.callControl
              ? t('settings.headset.yes')
              : t(`settings.headset.noCallControl.${noCallControlReason(device)}`)}
          </dd>
        </div>
        <div>
          <dt>{t('settings.headset.buttons')}</dt>
          <dd>{buttons.length > 0 ? buttons.join(', ') : none}</dd>
        </div>
        <div>
          <dt>{t('settings.headset.lights')}</dt>
          <dd>{lights.length > 0 ? lights.join(', ') : none}</dd>
        </div>
        <div>
          <dt>{t('settings.headset.ringer')}</dt>
          <dd>{ringer ? t('settings.headset.yes') : t('settings.headset.no')}</dd>
        </div>
      </dl>
    </li>
  );
}

/** With a headset in use: its lights and ringer on and off, and its buttons as they are pressed. */
function LiveTest({ listing }: { listing: HeadsetListing | null }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const id = useId();
  // What the live test has on, as main says (it ends the test on a call, a device change or after 15 s).
  const [testing, setTesting] = useState<readonly HeadsetOutputName[]>([]);
  const [error, setError] = useState<ErrorData | null>(null);
  const [lines, setLines] = useState<InputLine[]>([]);
  const nextLine = useRef(1);

  useEffect(() => {
    let live = true;
    const stop = api.on('headset.testChanged', (state) => setTesting(state.outputs));
    void api.request('headset.testing', undefined).then((result) => {
      if (live && result.ok) setTesting(result.value.outputs);
    });
    return () => {
      live = false;
      stop();
    };
  }, [api]);

  useEffect(
    () =>
      api.on('headset.input', (event) => {
        const line: InputLine = { ...event, id: nextLine.current++, at: Date.now() };
        setLines((current) => addInputLine(current, line));
      }),
    [api],
  );

  const device =
    listing?.status === 'attached' ? (listing.devices.find((each) => each.key === listing.chosen) ?? null) : null;
  if (device === null) return null;
  const test = async (output: HeadsetOutputName, value: boolean): Promise<void> => {
    const result = await api.request('headset.test', { output, on: value });
    if (result.ok) setError(null);
    else setError(result.error);
  };

  const shown = lines.filter((line) => line.device === device.key);

  return (
    <>
      <h3 id={`${id}-test`}>{t('settings.headset.test')}</h3>
      <p id={`${id}-test-hint`} className="setting-hint">
        {t('settings.headset.testHint')}
      </p>
      {error &&
        (error.code === 'conflict' ? (
          <div role="alert" className="notice notice-error">
            <strong>{t('settings.headset.testDuringCall')}</strong>{' '}
            <button type="button" className="button-link" onClick={() => setError(null)}>
              {t('errors.dismiss')}
            </button>
          </div>
        ) : (
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
        ))}
      {device.outputs.length === 0 ? (
        <p>{t('settings.headset.noOutputs')}</p>
      ) : (
        <div
          role="group"
          className="field headset-outputs"
          aria-labelledby={`${id}-test`}
          aria-describedby={`${id}-test-hint`}
        >
          {device.outputs.map((output) => (
            <button
              key={output}
              type="button"
              aria-pressed={testing.includes(output)}
              data-testid={`headset-test-${output}`}
              onClick={() => void test(output, !testing.includes(output))}
            >
              {t(`settings.headset.outputs.${output}`)}
            </button>
          ))}
        </div>
      )}
      <h3 id={`${id}-events`}>{t('settings.headset.events')}</h3>
      <p className="setting-hint">{t('settings.headset.eventsHint')}</p>
      <ol className="headset-events" aria-labelledby={`${id}-events`} aria-live="polite" data-testid="headset-events">
        {shown.map((line) => (
          <li key={line.id}>
            <time dateTime={new Date(line.at).toISOString()} className="headset-event-time">
              {new Date(line.at).toLocaleTimeString(i18n.language)}
            </time>{' '}
            {t(`settings.headset.inputEvents.${line.control}.${line.value !== 0 ? 'on' : 'off'}`)}
          </li>
        ))}
      </ol>
    </>
  );
}
