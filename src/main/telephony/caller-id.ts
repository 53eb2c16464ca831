import { z } from 'zod';
import type { RemoteParty } from '../../shared/calls';

/**
 * Caller ID from the headers of an incoming INVITE: P-Asserted-Identity when the PBX sent one,
 * else the From display name and user. Everything here is untrusted text from the network.
 */

export const identityHeadersSchema = z.object({
  /** Raw P-Asserted-Identity header values, first one preferred. */
  pAssertedIdentity: z.array(z.string().max(4096)).max(8),
  /** Raw Privacy header value, if any. */
  privacy: z.string().max(256).nullable(),
  fromDisplayName: z.string().max(4096),
  fromUri: z.string().max(4096),
});
export type IdentityHeaders = z.infer<typeof identityHeadersSchema>;

export const MAX_NAME_LENGTH = 80;
const ANONYMOUS: RemoteParty = { number: null, name: null, anonymous: true };

interface NameAddr {
  readonly name: string | null;
  readonly scheme: string;
  readonly user: string | null;
  readonly host: string;
}

/** `"Name" <sip:user@host;params>`, `Name <tel:+49…>`, or a bare URI. */
export function parseNameAddr(value: string): NameAddr | null {
  const text = value.trim();
  let name: string | null = null;
  let uri: string;
  const bracket = text.indexOf('<');
  if (bracket >= 0) {
    const close = text.indexOf('>', bracket);
    if (close < 0) return null;
    uri = text.slice(bracket + 1, close);
    const rawName = text.slice(0, bracket).trim();
    if (rawName.startsWith('"')) {
      const end = rawName.lastIndexOf('"');
      name = end > 0 ? rawName.slice(1, end).replace(/\\(.)/g, '$1') : null;
    } else if (rawName !== '') name = rawName;
  } else {
    uri = text.split(';')[0] ?? '';
  }
  const match = /^(sips?|tel):([^;?>]*)/i.exec(uri.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (scheme === 'tel') return { name, scheme, user: rest, host: '' };
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : null;
  const host = (at >= 0 ? rest.slice(at + 1) : rest).split(':')[0]!.toLowerCase();
  return { name, scheme, user: user === null ? null : decodeUser(user), host };
}

function decodeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

// Made once: creating a segmenter costs far more than using one, and a call is ringing meanwhile.
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Text safe to show: NFC, no control or bidi-override characters, collapsed spaces, bounded length. */
export function cleanDisplayText(text: string, maxLength = MAX_NAME_LENGTH): string | null {
  const cleaned = text
    .normalize('NFC')
    // Control and format characters (bidi overrides among them), but not the joiners emoji need.
    .replace(/[\p{Cc}\u2028\u2029]|(?![\u200C\u200D])\p{Cf}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return null;
  if (cleaned.length <= maxLength) return cleaned;
  const graphemes = [...graphemeSegmenter.segment(cleaned)].map((part) => part.segment);
  return graphemes.length <= maxLength
    ? cleaned
    : `${graphemes
        .slice(0, maxLength - 1)
        .join('')
        .trimEnd()}…`;
}

/** A phone number as digits (with + * #), or the URI user as text when it is not a number. */
export function cleanNumber(user: string | null): string | null {
  if (user === null) return null;
  const compact = user.replace(/[\s\-.()/]/g, '');
  if (/^\+?[0-9*#]{1,32}$/.test(compact)) return compact;
  return cleanDisplayText(user, 64);
}

function isAnonymous(party: NameAddr): boolean {
  return (
    party.user?.toLowerCase() === 'anonymous' ||
    party.host === 'anonymous.invalid' ||
    /^(anonymous|unknown|unavailable|restricted)$/i.test(party.name?.trim() ?? '')
  );
}

export function callerIdFrom(headers: IdentityHeaders): RemoteParty {
  const checked = identityHeadersSchema.parse(headers);
  if (checked.privacy !== null && /\bid\b/i.test(checked.privacy)) return ANONYMOUS;
  const from = parseNameAddr(
    checked.fromDisplayName
      ? `"${checked.fromDisplayName.replace(/"/g, '\\"')}" <${checked.fromUri}>`
      : `<${checked.fromUri}>`,
  );
  const asserted =
    checked.pAssertedIdentity.map(parseNameAddr).find((party): party is NameAddr => party !== null) ?? null;
  const party = asserted ?? from;
  if (!party || isAnonymous(party)) return ANONYMOUS;
  const name = cleanDisplayText(party.name ?? (asserted && from && !isAnonymous(from) ? (from.name ?? '') : ''));
  return { number: cleanNumber(party.user), name, anonymous: false };
}
