import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext, connect, MissingTokenError, type ApiClient } from './api/client';
import { Shell } from './app/Shell';
import { MediaContext } from './media/context';
import { MediaEngine, type DeviceChoice } from './media/engine';
import type { SettingsValues } from '../../shared/settings';
import { initI18n, setLanguage } from './i18n';
import { de } from './i18n/de';
import { en } from './i18n/en';
import './styles.css';

/** The audio devices chosen in Settings, as the media engine needs them. */
const devices: { -readonly [K in keyof DeviceChoice]: DeviceChoice[K] } & { ring: string } = {
  microphoneId: null,
  speakerId: null,
  ring: '',
};

/** Keeps the UI language and the audio devices in step with the settings, which main owns. */
function followSettings(api: ApiClient): void {
  const apply = (values: SettingsValues): void => {
    void setLanguage(values['ui.language']);
    devices.microphoneId = values['audio.microphoneId'] || null;
    devices.speakerId = values['audio.speakerId'] || null;
    devices.ring = values['audio.ringDeviceId'];
  };
  api.on('settings.changed', (snapshot) => apply(snapshot.values));
  void api.request('settings.get').then((result) => {
    if (result.ok) apply(result.value.values);
  });
}

/** Shown before the language is known, so it says it in both. */
function showFatal(german: string, english: string): void {
  const main = document.createElement('main');
  const heading = document.createElement('h1');
  heading.textContent = de.app.title;
  const alert = document.createElement('div');
  alert.setAttribute('role', 'alert');
  for (const [language, text] of [
    ['de', german],
    ['en', english],
  ] as const) {
    const paragraph = document.createElement('p');
    paragraph.lang = language;
    paragraph.textContent = text;
    alert.append(paragraph);
  }
  main.append(heading, alert);
  document.getElementById('root')!.replaceChildren(main);
}

async function start(): Promise<void> {
  await initI18n('de');
  let api: ApiClient;
  try {
    api = connect();
  } catch (error) {
    if (error instanceof MissingTokenError) {
      showFatal(de.app.missingToken, en.app.missingToken);
      return;
    }
    throw error;
  }
  followSettings(api);
  // This window carries the calls' audio (the most recently opened one does).
  const media = new MediaEngine(api, () => devices);
  media.start();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ApiContext value={api}>
        <MediaContext value={media}>
          <Shell />
        </MediaContext>
      </ApiContext>
    </StrictMode>,
  );
}

void start();
