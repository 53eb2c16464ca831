import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext, connect, MissingTokenError, type ApiClient } from './api/client';
import { Shell } from './app/Shell';
import { initI18n, setLanguage } from './i18n';
import { de } from './i18n/de';
import { en } from './i18n/en';
import './styles.css';

/** Keeps the UI language in step with the setting, which main owns. */
function followLanguage(api: ApiClient): void {
  api.on('settings.changed', (snapshot) => void setLanguage(snapshot.values['ui.language']));
  void api.request('settings.get').then((result) => {
    if (result.ok) void setLanguage(result.value.values['ui.language']);
  });
}

function showFatal(message: string): void {
  const root = document.getElementById('root')!;
  const main = document.createElement('main');
  const heading = document.createElement('h1');
  heading.textContent = 'Hotline Desk';
  const paragraph = document.createElement('p');
  paragraph.setAttribute('role', 'alert');
  paragraph.textContent = message;
  main.append(heading, paragraph);
  root.replaceChildren(main);
}

async function start(): Promise<void> {
  await initI18n('de');
  let api: ApiClient;
  try {
    api = connect();
  } catch (error) {
    if (error instanceof MissingTokenError) {
      // Shown before the language is known: say it in both.
      showFatal(
        `${de.app.title}: Bitte die Adresse mit Zugangsschlüssel öffnen, die "npm run serve" ausgibt. / ${en.app.title}: Please open the address with the access token that "npm run serve" prints.`,
      );
      return;
    }
    throw error;
  }
  followLanguage(api);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ApiContext value={api}>
        <Shell />
      </ApiContext>
    </StrictMode>,
  );
}

void start();
