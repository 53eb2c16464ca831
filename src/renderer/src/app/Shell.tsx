import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CallLogView } from '../features/calllog/CallLogView';
import { CallsView } from '../features/calls/CallsView';
import { ReportsView } from '../features/reports/ReportsView';
import { PolicyProblemsNotice } from '../features/settings/PolicyProblemsNotice';
import { SettingsView } from '../features/settings/SettingsView';
import { useLive } from '../api/client';
import { IncomingCallBanner } from '../features/calls/IncomingCallBanner';
import { useCallShortcuts } from '../features/calls/useCallShortcuts';
import { useCalls } from '../features/calls/useCalls';
import { useRingtone } from '../media/ringtone';
import { Notices } from './Notices';
import { StatusBar } from './StatusBar';
import { VIEWS, viewFromHash, type View } from './routes';

const VIEW_COMPONENTS: Record<View, () => React.JSX.Element> = {
  calls: CallsView,
  calllog: CallLogView,
  reports: ReportsView,
  settings: SettingsView,
};

/** The console shell: navigation, the current view, and the status bar. */
export function Shell() {
  const { t } = useTranslation();
  const [view, setView] = useState<View>(() => viewFromHash(window.location.hash));
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const calls = useCalls();
  useCallShortcuts(calls);
  const settings = useLive('settings.get', 'settings.changed', (payload) => payload).value;
  useRingtone(
    calls.some((call) => call.phase === 'ringing'),
    settings?.values['audio.ringDeviceId'] ?? '',
  );

  const go = useCallback((next: View) => {
    window.location.hash = `/${next}`;
  }, []);

  useEffect(() => {
    const onHash = (): void => setView(viewFromHash(window.location.hash));
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      // The physical key, so that Alt+1 works on macOS (Option+1 types "¡") and on AZERTY keyboards.
      const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
      const index = digit ? Number(digit) - 1 : -1;
      const target = VIEWS[index];
      if (target) {
        event.preventDefault();
        go(target);
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, [go]);

  useEffect(() => {
    document.title = `${t(`nav.${view}`)} – ${t('app.title')}`;
  }, [view, t]);

  useEffect(() => {
    // Move focus to the new view's heading so keyboard and screen-reader users land in it; only
    // when the view changes, never when the language does (focus stays where the user is).
    if (firstRender.current) firstRender.current = false;
    else mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [view]);

  const Current = VIEW_COMPONENTS[view];
  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main-content"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <header className="shell-header">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.label')} aria-describedby="nav-shortcuts">
          <ul className="nav-list">
            {VIEWS.map((name, index) => (
              <li key={name}>
                <a
                  href={`#/${name}`}
                  aria-current={view === name ? 'page' : undefined}
                  aria-keyshortcuts={`Alt+${index + 1}`}
                  data-testid={`nav-${name}`}
                >
                  {t(`nav.${name}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span id="nav-shortcuts" className="shortcut-hint">
          {t('nav.shortcutHint')}
        </span>
      </header>
      <IncomingCallBanner calls={calls} />
      <main id="main-content" ref={mainRef} className="shell-main">
        <PolicyProblemsNotice snapshot={settings} />
        <Current />
      </main>
      <Notices />
      <StatusBar />
    </div>
  );
}
