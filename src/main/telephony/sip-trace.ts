/**
 * A SIP trace for diagnostics: off by default, held in memory only (a ring buffer), and
 * redacted before it is stored, so that it can be shown and exported without passwords, digest
 * responses, ICE credentials, addresses, or the caller's number and name.
 *
 * Redaction is by allow-list, for headers and SDP lines alike: what is not known to be safe is
 * left out (its size stays, so the trace still shows that something was there). Folded header
 * lines are unfolded first, and compact header names (f:, b:, …) count as their long forms.
 */
export interface SipTraceEntry {
  readonly at: number;
  readonly direction: 'in' | 'out';
  readonly message: string;
}

/** RFC 3261 7.3.3 and later RFCs: the compact forms of header names. */
const COMPACT: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Headers that say how the protocol went and nothing about anyone: kept (IP addresses masked). */
const PROTOCOL_HEADERS = new Set([
  'via',
  'route',
  'record-route',
  'path',
  'service-route',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'content-type',
  'content-disposition',
  'content-encoding',
  'expires',
  'min-expires',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'event',
  'subscription-state',
  'session-expires',
  'min-se',
  'rseq',
  'rack',
  'retry-after',
  'timestamp',
  'accept',
  'accept-encoding',
  'accept-language',
  'reason',
  'user-agent',
  'server',
  'www-authenticate',
  'proxy-authenticate',
  'authentication-info',
  'security-client',
  'security-server',
  'security-verify',
  'date',
  'sip-etag',
  'sip-if-match',
  'privacy',
]);

/** Headers that name people: kept in shape, with every name, user and number masked. */
const IDENTITY_HEADERS = new Set([
  'from',
  'to',
  'contact',
  'p-asserted-identity',
  'p-preferred-identity',
  'p-called-party-id',
  'remote-party-id',
  'referred-by',
  'refer-to',
  'diversion',
  'history-info',
  'reply-to',
  'replaces',
  'p-associated-uri',
]);

/** Credentials: their value goes whole. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization']);

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
const BRACKETED_IPV6 = /\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]/g;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function maskAddresses(value: string): string {
  return value.replace(BRACKETED_IPV6, '[address]').replace(IPV4, '[address]');
}

/** Hides display names, the user part of every SIP URI and every tel: number in a header value. */
function redactIdentity(value: string): string {
  return maskAddresses(
    value
      .replace(/"(?:[^"\\]|\\.)*"/g, '"[name]"')
      // A display name without quotes, before an angle bracket (at the start or after a comma).
      .replace(/(^|,)(\s*)([^<",\s][^<",]*?)(\s*<)/g, '$1$2[name]$4')
      .replace(/(sips?:)([^@;>\s,]+)@/gi, '$1[user]@')
      .replace(/(tel:)[^;>\s,]+/gi, '$1[number]'),
  );
}

/** RFC 3261 7.3.1: a line that starts with white space continues the header above it. */
function unfold(lines: readonly string[]): string[] {
  const headers: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1] += ` ${line.trim()}`;
    else headers.push(line);
  }
  return headers;
}

function redactHeader(line: string): string {
  const colon = line.indexOf(':');
  if (colon < 0) return `[${bytes(line)} bytes left out]`;
  const name = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).trim();
  const lower = name.toLowerCase();
  const canonical = COMPACT[lower] ?? lower;
  if (SECRET_HEADERS.has(canonical)) return `${name}: [redacted]`;
  if (IDENTITY_HEADERS.has(canonical)) return `${name}: ${redactIdentity(value)}`;
  if (PROTOCOL_HEADERS.has(canonical)) return `${name}: ${maskAddresses(value)}`;
  // Subject, X-… headers, Call-Info, User-to-User, anything else: unknown, so left out.
  return `${name}: [${bytes(value)} bytes left out]`;
}

function redactRequestOrStatusLine(line: string): string {
  // A status line ("SIP/2.0 486 Busy Here") says nothing about anyone; a request line names the callee.
  if (line.startsWith('SIP/2.0 ')) return line;
  return maskAddresses(line.replace(/(sips?:)([^@;>\s]+)@/gi, '$1[user]@').replace(/tel:[^;>\s]+/gi, 'tel:[number]'));
}

/** SDP attributes that describe codecs and the session's shape: kept as they are. */
const SDP_ATTRIBUTES = new Set([
  'rtpmap',
  'fmtp',
  'rtcp-fb',
  'sendrecv',
  'sendonly',
  'recvonly',
  'inactive',
  'ptime',
  'maxptime',
  'mid',
  'group',
  'msid-semantic',
  'rtcp-mux',
  'rtcp-rsize',
  'setup',
  'extmap',
  'extmap-allow-mixed',
  'ice-options',
  'ice-lite',
  'end-of-candidates',
  'silenceSupp',
  'framerate',
  'label',
  'content',
]);

/** SDP attributes that are secrets or identify a device: their value goes. */
const SDP_SECRET_ATTRIBUTES = new Set(['ice-ufrag', 'ice-pwd', 'crypto', 'fingerprint', 'key-mgmt', 'identity']);

function redactCandidate(value: string): string {
  // foundation component transport priority ADDRESS PORT typ TYPE [raddr ADDRESS rport PORT] […]
  const parts = value.split(/\s+/);
  if (parts.length >= 6) {
    parts[4] = '[address]';
    parts[5] = '[port]';
  }
  for (let index = 6; index < parts.length - 1; index += 1) {
    if (parts[index] === 'raddr') parts[index + 1] = '[address]';
    if (parts[index] === 'rport') parts[index + 1] = '[port]';
    if (parts[index] === 'ufrag') parts[index + 1] = '[redacted]';
  }
  return parts.join(' ');
}

function redactSdpLine(line: string): string {
  const type = line.slice(0, 2);
  const value = line.slice(2);
  switch (type) {
    case 'v=':
    case 't=':
    case 'r=':
    case 'b=':
    case 'm=':
      return line;
    case 's=':
      // The session name is free text: a dash is what most UAs send anyway.
      return 's=-';
    case 'c=':
      // c=IN IP4 203.0.113.7 (the caller's media address).
      return `c=${value.split(/\s+/).slice(0, 2).join(' ')} [address]`;
    case 'o=': {
      // o=<username> <sess-id> <sess-version> IN IP4 <address>: the ids show renegotiations.
      const [, sessionId = '', version = '', network = '', addressType = ''] = value.split(/\s+/);
      return `o=[user] ${sessionId} ${version} ${network} ${addressType} [address]`;
    }
    case 'a=': {
      const colon = value.indexOf(':');
      const name = colon < 0 ? value : value.slice(0, colon);
      const rest = colon < 0 ? '' : value.slice(colon + 1);
      if (SDP_ATTRIBUTES.has(name)) return line;
      if (SDP_SECRET_ATTRIBUTES.has(name)) return `a=${name}:[redacted]`;
      if (name === 'candidate') return `a=candidate:${redactCandidate(rest)}`;
      // a=rtcp:9 IN IP4 0.0.0.0
      if (name === 'rtcp') return `a=rtcp:${rest.split(/\s+/)[0] ?? ''} [address]`;
      // a=ssrc:123 cname:…, a=msid:… : random identifiers, not needed to diagnose a call.
      return `a=${name}:[${bytes(rest)} bytes left out]`;
    }
    default:
      // i=, u=, e= (an email address), p= (a phone number), k= (a key), z=, anything else.
      return `${type}[${bytes(value)} bytes left out]`;
  }
}

export function redactSipMessage(message: string): string {
  const separator = message.indexOf('\r\n\r\n');
  const head = separator < 0 ? message : message.slice(0, separator);
  const body = separator < 0 ? '' : message.slice(separator + 4);
  const [firstLine = '', ...headerLines] = head.split('\r\n');
  const headers = unfold(headerLines);
  const contentType =
    headers
      .map((line) => /^\s*(?:content-type|c)\s*:\s*([^;\s]+)/i.exec(line)?.[1])
      .find((value) => value !== undefined)
      ?.toLowerCase() ?? '';
  // SDP is kept line by line on its own allow-list; any other body (DTMF digits, messages) goes.
  const keptBody =
    body === ''
      ? ''
      : contentType === 'application/sdp'
        ? body
            .split(/\r?\n/)
            .map((line) => (line === '' ? line : redactSdpLine(line)))
            .join('\r\n')
        : `[${bytes(body)} bytes of ${contentType || 'body'} left out]`;
  return (
    [redactRequestOrStatusLine(firstLine), ...headers.map(redactHeader)].join('\r\n') +
    (separator < 0 ? '' : `\r\n\r\n${keptBody}`)
  );
}

export class SipTrace {
  private entries: SipTraceEntry[] = [];
  private on = false;
  private readonly capacity: number;
  private readonly now: () => number;

  // Sub-millisecond wall-clock time: the trace also serves to measure handling times.
  constructor(capacity = 500, now: () => number = () => performance.timeOrigin + performance.now()) {
    this.capacity = capacity;
    this.now = now;
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Turning the trace off also forgets what it held. */
  setEnabled(enabled: boolean): void {
    this.on = enabled;
    if (!enabled) this.entries = [];
  }

  record(direction: 'in' | 'out', message: string): void {
    if (!this.on) return;
    this.entries.push({ at: this.now(), direction, message: redactSipMessage(message) });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): SipTraceEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
