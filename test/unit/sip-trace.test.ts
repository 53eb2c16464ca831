import { describe, expect, it } from 'vitest';
import { redactSipMessage, SipTrace } from '../../src/main/telephony/sip-trace';

const invite = [
  'INVITE sip:1001@pbx.example;transport=ws SIP/2.0',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
  'From: "Erika Mustermann" <sip:+4930123456@pbx.example>;tag=1',
  'To: <sip:1001@pbx.example>',
  'Contact: <sip:xyz@abc.invalid;transport=ws>',
  'P-Asserted-Identity: Erika Mustermann <tel:+4930123456>',
  'Call-ID: abc',
  'CSeq: 1 INVITE',
  'Proxy-Authorization: Digest username="1001", realm="pbx", nonce="n", response="0123456789abcdef"',
  'Content-Type: application/sdp',
  'Content-Length: 10',
  '',
  'v=0\r\nm=audio 1 RTP/AVP 0',
].join('\r\n');

describe('SIP trace redaction', () => {
  const redacted = redactSipMessage(invite);

  it('removes names, numbers and users from identity headers and the request line', () => {
    expect(redacted).not.toMatch(/Erika|Mustermann|4930123456|1001/);
    expect(redacted).toContain('INVITE sip:[user]@pbx.example;transport=ws SIP/2.0');
    expect(redacted).toContain('From: "[name]" <sip:[user]@pbx.example>;tag=1');
    expect(redacted).toContain('P-Asserted-Identity: [name] <tel:[number]>');
  });

  it('removes authorization headers whole', () => {
    expect(redacted).toContain('Proxy-Authorization: [redacted]');
    expect(redacted).not.toContain('0123456789abcdef');
  });

  it('keeps what diagnosis needs: Via, Call-ID, CSeq and the SDP', () => {
    expect(redacted).toContain('Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1');
    expect(redacted).toContain('Call-ID: abc');
    expect(redacted).toContain('m=audio 1 RTP/AVP 0');
  });

  it('leaves out bodies that are not SDP (DTMF digits typed by a caller)', () => {
    const info = 'INFO sip:a@b SIP/2.0\r\nContent-Type: application/dtmf-relay\r\n\r\nSignal=7\r\nDuration=160';
    expect(redactSipMessage(info)).not.toContain('Signal=7');
    expect(redactSipMessage(info)).toContain('left out');
  });
});

describe('SIP trace', () => {
  it('is off by default, keeps a bounded ring buffer, and forgets everything when turned off', () => {
    const trace = new SipTrace(3, () => 42);
    trace.record('in', invite);
    expect(trace.list()).toEqual([]);
    trace.setEnabled(true);
    for (let i = 0; i < 5; i += 1) trace.record('out', `OPTIONS sip:x SIP/2.0\r\nCSeq: ${i} OPTIONS\r\n\r\n`);
    expect(trace.list().map((entry) => entry.message.match(/CSeq: (\d)/)?.[1])).toEqual(['2', '3', '4']);
    expect(trace.list()[0]).toMatchObject({ at: 42, direction: 'out' });
    trace.setEnabled(false);
    expect(trace.list()).toEqual([]);
  });
});
