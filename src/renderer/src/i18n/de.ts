/** German is the default language; every key here must exist in en.ts (the compiler checks). */
export const de = {
  app: {
    title: 'Hotline Desk',
    skipToContent: 'Zum Inhalt springen',
    loading: 'Wird geladen …',
    missingToken: 'Bitte öffnen Sie die Adresse mit Zugangsschlüssel, die „npm run serve“ ausgibt.',
  },
  nav: {
    label: 'Hauptnavigation',
    calls: 'Anrufe',
    calllog: 'Anrufprotokoll',
    reports: 'Berichte',
    settings: 'Einstellungen',
    shortcutHint: 'Tastenkürzel: Alt+1 bis Alt+4',
  },
  status: {
    label: 'Statusleiste',
    connection: {
      connecting: 'Verbindung zum Dienst wird hergestellt …',
      open: 'Mit dem Dienst verbunden',
      closed: 'Keine Verbindung zum Dienst – neuer Versuch läuft',
    },
    registration: {
      loading: 'Telefonie: Status wird abgefragt …',
      not_configured: 'Telefonie: nicht eingerichtet',
      not_registered: 'Telefonie: nicht angemeldet ({{server}})',
    },
  },
  calls: {
    title: 'Anrufe',
    notConfigured:
      'Es ist noch kein SIP-Konto eingerichtet. Ihre IT richtet es per Richtlinie ein, oder es wird in den Einstellungen hinterlegt.',
    notRegistered:
      'Das SIP-Konto ist eingerichtet, die Leitung ist aber nicht angemeldet. Anrufe sind noch nicht möglich.',
  },
  calllog: {
    title: 'Anrufprotokoll',
    empty: 'Das Anrufprotokoll ist in dieser Version noch nicht verfügbar. Es werden keine Anrufdaten gespeichert.',
  },
  reports: {
    title: 'Berichte',
    empty: 'Berichte und Exporte sind in dieser Version noch nicht verfügbar.',
  },
  settings: {
    title: 'Einstellungen',
    general: 'Allgemein',
    language: 'Sprache der Oberfläche',
    languages: { de: 'Deutsch', en: 'English' },
    managed: 'Von Ihrer Organisation verwaltet',
    saved: 'Gespeichert.',
    account: 'SIP-Konto',
    accountNone: 'Kein SIP-Konto eingerichtet.',
    accountServers: 'Server: {{servers}}',
    accountUri: 'Adresse: {{uri}}',
    security: 'Sicherheit',
    secretsProtected: 'Passwörter und Schlüssel werden vom Betriebssystem geschützt ({{backend}}).',
    secretsUnprotected:
      'Achtung: Passwörter und Schlüssel sind nicht durch das Betriebssystem geschützt (Speicher: {{backend}}). Wenden Sie sich an Ihre IT.',
    problems: 'Hinweise für die IT',
    problemLine: '{{source}} {{file}}, Schlüssel {{key}}: {{message}}',
    problemSources: { policy: 'Richtlinie', user: 'Benutzereinstellungen' },
    wholeFile: '(ganze Datei)',
    about: 'Über',
    version: 'Version {{version}} ({{host}}, {{platform}})',
    hosts: { electron: 'Desktop-App', browser: 'Browser-Host' },
  },
  errors: {
    title: 'Fehler',
    invalid_input: 'Die Eingabe ist ungültig.',
    not_found: 'Nicht gefunden.',
    locked_by_policy: 'Diese Einstellung wird von Ihrer Organisation verwaltet.',
    unavailable: 'Der Dienst ist gerade nicht erreichbar.',
    unknown_request: 'Diese Anfrage kennt der Dienst nicht.',
    forbidden: 'Diese Anfrage ist nicht erlaubt.',
    conflict: 'Die Anfrage passt nicht zum aktuellen Zustand.',
    internal: 'Ein interner Fehler ist aufgetreten.',
    detail: 'Details: {{message}}',
    dismiss: 'Schließen',
  },
};

type DeepStrings<T> = { readonly [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
export type Translation = DeepStrings<typeof de>;
