import type { RemoteParty } from '../../shared/calls';
import type { Language } from '../../shared/settings';

/** The few texts main itself shows (OS notifications), in the UI language. */
const TEXTS = {
  de: { incoming: 'Eingehender Anruf', anonymous: 'Unbekannt (Rufnummer unterdrückt)', noNumber: 'ohne Rufnummer' },
  en: { incoming: 'Incoming call', anonymous: 'Unknown (number withheld)', noNumber: 'no number' },
} as const satisfies Record<Language, Record<string, string>>;

export function incomingCallNotice(remote: RemoteParty, language: Language): { title: string; body: string } {
  const text = TEXTS[language];
  if (remote.anonymous) return { title: text.incoming, body: text.anonymous };
  const number = remote.number ?? text.noNumber;
  return { title: text.incoming, body: remote.name ? `${remote.name} (${number})` : number };
}
