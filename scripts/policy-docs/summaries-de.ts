import type { SettingKey } from '../../src/shared/settings';

/**
 * The settings' summaries in German, for the admin documentation (docs/policy.md, the de-DE
 * ADML): the IT staff of German health offices read them. A Record over every key, so a new
 * setting does not compile until it has its German summary.
 */
export const SETTING_SUMMARIES_DE: Record<SettingKey, string> = {
  'ui.language':
    'Sprache der Benutzeroberfläche. Wird sie per Richtlinie festgelegt, ist sie für alle Benutzerinnen und Benutzer dieses Rechners gesperrt.',
  'sip.servers':
    'SIP-Server (WebSocket-URLs) in der Ausweich-Reihenfolge (Failover). Leer bedeutet: Es ist kein Konto eingerichtet.',
  'sip.domain':
    'Die SIP-Domäne der Adressen der Agenten. Ist sie gesetzt, geben Agenten nur ihre Durchwahl ein (aus 1001 wird sip:1001@Domäne), und eine Adresse in einer anderen Domäne wird nicht verwendet.',
  'sip.transport':
    'wss: Es werden nur verschlüsselte Server (wss://) verwendet, ws://-Server werden übergangen. ws-or-wss: Die URL des jeweiligen Servers entscheidet. Benutzer können nur wss wählen.',
  'sip.uri':
    'Die SIP-Adresse (Address of Record) der Leitung des Agenten, oder nur die Durchwahl, wenn sip.domain gesetzt ist.',
  'sip.authUser': 'Benutzername für die Digest-Authentifizierung, falls er vom Benutzerteil der URI abweicht.',
  'sip.displayName': 'Anzeigename, der bei ausgehenden Anrufen übermittelt wird.',
  'sip.registrationExpiry': 'Gültigkeitsdauer der SIP-Registrierung in Sekunden.',
  'audio.microphoneId': 'Das Mikrofon (Geräte-ID; leer: der Systemstandard).',
  'audio.speakerId': 'Worüber die anrufende Person zu hören ist (Geräte-ID; leer: der Systemstandard).',
  'audio.ringDeviceId': 'Wo der Klingelton abgespielt wird (Geräte-ID; leer: der Systemstandard).',
  'shortcuts.answer':
    'Globales Tastenkürzel (wirkt unabhängig davon, welche Anwendung im Vordergrund ist): den klingelnden Anruf annehmen. Leer: keines.',
  'shortcuts.hangup': 'Globales Tastenkürzel: auflegen.',
  'shortcuts.mute': 'Globales Tastenkürzel: Stummschaltung ein- oder ausschalten.',
  'shortcuts.hold': 'Globales Tastenkürzel: Gespräch halten oder fortsetzen.',
  'calls.wrapUpSeconds':
    'Nachbearbeitungszeit nach jedem angenommenen Anruf in Sekunden; eingehende Anrufe werden währenddessen mit 486 (Besetzt) abgewiesen (0: keine Nachbearbeitungszeit).',
  'retention.days':
    'Aufbewahrungsfrist in Tagen: So viele Tage nach einem Anruf werden seine personenbezogenen Angaben und Gesundheitsangaben im Anrufprotokoll gelöscht (die anonyme Zeile bleibt für die Statistik erhalten); die eigenen Exportdateien der Konsole werden so lange nach ihrem Schreiben entfernt. Benutzer können nur weniger Tage wählen.',
  'retention.auditDays':
    'Aufbewahrungsfrist des Prüfprotokolls in Tagen; ältere Einträge werden entfernt, wobei ein Anker die Kette weiterhin prüfbar hält, und jede Entfernung wird selbst im Prüfprotokoll festgehalten. Nur per Richtlinie (ein kürzeres Prüfprotokoll heißt weniger Nachvollziehbarkeit).',
  'intake.form':
    'Die Definition des Aufnahmeformulars (JSON, wie in assets/intake/public-health.json); null: das mitgelieferte Formular für den öffentlichen Gesundheitsdienst. Nur per Richtlinie: Die Kennzeichnungen des Formulars entscheiden, was Aufbewahrungsfrist und Löschung entfernen.',
  'privacy.role':
    'Wer an diesem Arbeitsplatz arbeitet: Die Teamleitung beantwortet Betroffenenanfragen (die Datensätze einer anrufenden Person finden, exportieren und löschen) und darf identifizierte Exporte erstellen. Nur per Richtlinie; ist privacy.teamLeads gesetzt, entscheidet stattdessen diese Einstellung.',
  'privacy.notificationCaller':
    'Was die Benachrichtigung „Eingehender Anruf“ des Betriebssystems von der anrufenden Person zeigt: none (Standard: Der Benachrichtigungsverlauf liegt außerhalb des verschlüsselten Anrufprotokolls), number (die Rufnummer) oder name_and_number (Name und Rufnummer). Nur per Richtlinie.',
  'sip.pingIntervalSeconds':
    'Wie oft ein SIP-OPTIONS-Ping prüft, ob der Server noch antwortet; eine stumme Verbindung wird nach einem unbeantworteten Ping getrennt.',
  'headset.enabled':
    'Die Anruftasten und Leuchten eines USB-Headsets (HID) verwenden: Die Gabeltaste nimmt Anrufe an und legt auf, dazu Stummschalten und Halten; die Leuchten zeigen den Zustand der Anrufe an.',
  'headset.device':
    'Das zu verwendende Headset, angegeben über seine USB-IDs und optional seine Seriennummer (VVVV:PPPP oder VVVV:PPPP:Seriennummer); leer: das erste Headset mit Anrufsteuerung.',
  'reports.directory':
    'Wohin Exporte geschrieben werden (ein absoluter Ordnerpfad, z. B. eine Freigabe für die Teamleitung); leer: der Ordner „exports“ im Datenverzeichnis (nicht „Dokumente“: dieser Ordner wird oft mit einem Cloud-Speicher synchronisiert). Nur per Richtlinie.',
  'reports.formats':
    'Die angebotenen Exportformate: csv-de (Excel, deutsch), csv-iso (CSV, ISO 8601, UTC), xlsx (Excel-Arbeitsmappe).',
  'reports.pseudonymKey':
    'Der Pseudonymisierungsschlüssel der Organisation für caller_ref in Exporten (Base64, mindestens 32 Zufallsbytes), auf jedem Laptop derselbe, damit wiederholt Anrufende geräteübergreifend gezählt werden können; leer: Jede Installation verwendet einen eigenen Schlüssel, und ihre Exporte lassen sich nicht mit denen anderer Laptops verknüpfen. Nur per Richtlinie.',
  'privacy.teamLeads':
    'Wer zur Teamleitung gehört (identifizierte Exporte, Betroffenenanfragen): Kontonamen des Betriebssystems (KREIS\\mueller) oder „group:NAME“ für die Mitglieder einer Gruppe des Betriebssystems (Linux und macOS: der Gruppenname; Windows: DOMÄNE\\Gruppe, der Gruppenname oder ihre SID). Nur per Richtlinie. Ist die Liste gesetzt, entscheidet sie, und privacy.role wird nicht berücksichtigt.',
  'sip.extraCaCertificates':
    'Zusätzliche CA-Zertifikate (PEM), denen für wss://-Server vertraut wird, neben dem Zertifikatspeicher des Betriebssystems. Nur per Richtlinie (eine vom Agenten hinzugefügte CA könnte die Signalisierung jedes Anrufs mitlesen).',
  'updates.mode':
    'off: keinerlei Update-Anfrage. notify: Die Konsole sucht unter updates.url nach einer neuen Version und weist den Agenten darauf hin. auto: Sie lädt die neue Version zusätzlich herunter und installiert sie beim nächsten Neustart – nur dort, wo der Agent die Anwendung selbst aktualisieren darf (AppImage, Installationen pro Benutzer); Installationen pro Rechner (NSIS pro Rechner, MSI, deb) aktualisiert die IT, dort wirkt auto wie notify.',
  'updates.url':
    'Der interne Update-Server (generischer Provider von electron-updater: der Ordner mit latest.yml, latest-linux.yml und latest-mac.yml). Leer: keine Update-Anfrage.',
  'log.level':
    'Wie ausführlich die Konsole protokolliert (error, warn, info, debug). Die Protokolle enthalten auf keiner Stufe personenbezogene Daten, Passwörter oder Schlüssel (debug ergänzt Ereignisse, nie den Text von Fehlermeldungen).',
  'security.requireProtectedSecrets':
    'true: Der Schlüssel des Anrufprotokolls und das SIP-Passwort müssen im Schlüsselspeicher des Betriebssystems liegen (DPAPI, Schlüsselbund, Secret Service oder KWallet). Wo es keinen gibt (ein Linux-Rechner ohne Schlüsselbund, basic_text von Electron), öffnet sich das Anrufprotokoll nicht und es wird kein SIP-Passwort gespeichert, jeweils mit einer Meldung, die den Grund nennt. Nur per Richtlinie.',
  'security.recoveryPublicKey':
    'Der öffentliche Wiederherstellungsschlüssel der Organisation (RSA, mindestens 3072 Bit, PEM). Ist er gesetzt, wird der Datenbankschlüssel des Anrufprotokolls zusätzlich mit diesem Schlüssel verschlüsselt gespeichert, sodass die IT ein Anrufprotokoll nach dem Verlust des Benutzerprofils im Betriebssystem mit dem privaten Schlüssel wiederherstellen kann. Nur per Richtlinie.',
};
