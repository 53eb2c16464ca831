/**
 * A SIP trace for diagnostics: off by default, held in memory only (a ring buffer), and
 * redacted before it is stored, so that it can be shown and exported without passwords,
 * digest responses or the caller's number and name.
 */
export interface SipTraceEntry {
  readonly at: number;
  readonly direction: 'in' | 'out';
  readonly message: string;
}

const IDENTITY_HEADERS =
  /^(from|f|to|t|contact|m|p-asserted-identity|p-preferred-identity|remote-party-id|referred-by|refer-to|r|diversion)$/i;
const SECRET_HEADERS = /^(authorization|proxy-authorization)$/i;

/** Hides display names and the user part of every SIP/tel URI in a header value. */
function redactIdentity(value: string): string {
  return value
    .replace(/"(?:[^"\\]|\\.)*"/g, '"[name]"')
    .replace(/^(\s*)([^<"\s][^<"]*?)(\s*<)/, '$1[name]$3')
    .replace(/(sips?:)([^@;>\s]+)@/gi, '$1[user]@')
    .replace(/tel:[^;>\s]+/gi, 'tel:[number]');
}

export function redactSipMessage(message: string): string {
  const separator = message.indexOf('\r\n\r\n');
  const head = separator < 0 ? message : message.slice(0, separator);
  const body = separator < 0 ? '' : message.slice(separator + 4);
  const lines = head.split('\r\n');
  const firstLine = (lines[0] ?? '')
    .replace(/(sips?:)([^@;>\s]+)@/gi, '$1[user]@')
    .replace(/tel:[^;>\s]+/gi, 'tel:[number]');
  const headers = lines.slice(1).map((line) => {
    const colon = line.indexOf(':');
    if (colon < 0) return line;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1);
    if (SECRET_HEADERS.test(name)) return `${name}: [redacted]`;
    if (IDENTITY_HEADERS.test(name)) return `${name}:${redactIdentity(value)}`;
    return line;
  });
  const contentType = /^(?:content-type|c)\s*:\s*([^;\s]+)/im.exec(head)?.[1]?.toLowerCase() ?? '';
  // SDP describes media, not people; anything else (DTMF digits, messages) is left out.
  const keptBody =
    body === '' || contentType === 'application/sdp'
      ? body
      : `[${body.length} bytes of ${contentType || 'body'} left out]`;
  return [firstLine, ...headers].join('\r\n') + (separator < 0 ? '' : `\r\n\r\n${keptBody}`);
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
