import type { RemoteParty } from '../../shared/calls';
import type { Language, NotificationCallerDetails } from '../../shared/settings';

/** The few texts main itself shows (OS notifications), in the UI language. */
const TEXTS = {
  de: {
    incoming: 'Eingehender Anruf',
    answerInWindow: 'Im Fenster von Hotline Desk annehmen oder abweisen',
    anonymous: 'Unbekannt (Rufnummer unterdrückt)',
    noNumber: 'ohne Rufnummer',
  },
  en: {
    incoming: 'Incoming call',
    answerInWindow: 'Answer or reject it in the Hotline Desk window',
    anonymous: 'Unknown (number withheld)',
    noNumber: 'no number',
  },
} as const satisfies Record<Language, Record<string, string>>;

/**
 * The OS notification for a ringing call. By default it says nothing about the caller: the
 * operating system keeps notifications in its own history (the Windows Action Center, the macOS
 * Notification Center), outside the encrypted call log. Policy may allow the number, or the name
 * and number (privacy.notificationCaller).
 */
export function incomingCallNotice(
  remote: RemoteParty,
  language: Language,
  details: NotificationCallerDetails = 'none',
): { title: string; body: string } {
  const text = TEXTS[language];
  if (details === 'none') return { title: text.incoming, body: text.answerInWindow };
  if (remote.anonymous) return { title: text.incoming, body: text.anonymous };
  const number = remote.number ?? text.noNumber;
  if (details === 'number' || !remote.name) return { title: text.incoming, body: number };
  return { title: text.incoming, body: `${remote.name} (${number})` };
}
