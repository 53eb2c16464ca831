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

  it('keeps what diagnosis needs: Via, Call-ID, CSeq and the SDP’s shape', () => {
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

/**
 * Real-shaped messages: a call from the PSTN through a gateway that forwarded it (History-Info,
 * Diversion, P-Called-Party-ID), with compact headers, folded lines, headers of its own (X-…) and a
 * Subject, and the WebRTC answer Chromium writes (ICE candidates, credentials, a fingerprint).
 */
const GATEWAY_INVITE = [
  'INVITE sip:1001@10.20.30.40:5060;transport=ws SIP/2.0',
  'v: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKgw1;received=198.51.100.23;rport=5080',
  'Via: SIP/2.0/UDP [2001:db8::17]:5060;branch=z9hG4bKgw2',
  'f: "Dr. Hans-Peter Krankmann" <sip:+4917612345678@gw.example.org>;tag=gw-tag-1',
  't: <sip:+4922112345@hotline.example.org>',
  'i: a84b4c76e66710@198.51.100.23',
  'CSeq: 314159 INVITE',
  'm: <sip:+4917612345678@198.51.100.23:5080>',
  'b: Maria Vermittlerin <sip:+4930999888@pbx.example.org>',
  'History-Info: <sip:+4922112345@hotline.example.org?Reason=SIP%3Bcause%3D302>;index=1,',
  '  <sip:1001@hotline.example.org>;index=1.1',
  'Diversion: <tel:+4922112345>;reason=unconditional;counter=1',
  'P-Called-Party-ID: "Corona-Hotline Kreis" <sip:+4922112345@hotline.example.org>',
  'Subject: Rückfrage Befund Krankmann',
  'X-Caller-Address: Hauptstraße 1, 51147 Köln',
  'X-Genesys-CallUUID: 0123456789',
  'Call-Info: <http://gw.example.org/photos/krankmann.jpg>;purpose=icon',
  'Supported: replaces, timer',
  'Reason: Q.850;cause=16;text="Normal call clearing"',
  'c: application/sdp',
  'l: 999',
  '',
  [
    'v=0',
    'o=krankmann 2890844526 2890844527 IN IP4 198.51.100.23',
    's=Anruf von Krankmann',
    'i=Privatanschluss Hans-Peter',
    'e=hp.krankmann@example.org',
    'p=+49 176 12345678',
    'c=IN IP4 198.51.100.23',
    't=0 0',
    'k=clear:geheim',
    'm=audio 49170 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=sendrecv',
    '',
  ].join('\r\n'),
].join('\r\n');

const CHROMIUM_ANSWER = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/WSS 10.1.2.3;branch=z9hG4bKabc;rport',
  'From: <sip:+4917612345678@gw.example.org>;tag=gw-tag-1',
  'To: <sip:1001@hotline.example.org>;tag=agent-tag',
  'Call-ID: a84b4c76e66710@198.51.100.23',
  'CSeq: 314159 INVITE',
  'Contact: <sip:xk4p2q@df7jal23ls0d.invalid;transport=ws>',
  'Content-Type: application/sdp',
  '',
  [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    'm=audio 58123 UDP/TLS/RTP/SAVPF 111 126',
    'c=IN IP4 192.168.178.41',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=candidate:3928312745 1 udp 2122260223 192.168.178.41 58123 typ host generation 0 network-id 1',
    'a=candidate:842163049 1 udp 1686052607 203.0.113.77 58123 typ srflx raddr 192.168.178.41 rport 58123 generation 0 ufrag Xy7P',
    'a=ice-ufrag:Xy7P',
    'a=ice-pwd:9kS2xq7Lrm0WbQp1AaBbCcDd',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
    'a=setup:active',
    'a=mid:0',
    'a=sendrecv',
    'a=msid:- 6a2f1f3c-7e5b-4f0e-9a3c-2d1e0f9b8c7a',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:126 telephone-event/8000',
    'a=ssrc:1822741137 cname:Nq0yLr8s2hW1aBcD',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
    '',
  ].join('\r\n'),
].join('\r\n');

describe('SIP trace redaction by allow-list', () => {
  const gateway = redactSipMessage(GATEWAY_INVITE);
  const answer = redactSipMessage(CHROMIUM_ANSWER);

  it('leaves no name, number, address, subject or header of its own of the caller, in any form', () => {
    for (const secret of [
      'Krankmann',
      'Hans-Peter',
      'Vermittlerin',
      '4917612345678',
      '4922112345',
      '4930999888',
      '12345678',
      'Hauptstraße',
      '51147',
      'Rückfrage',
      'Befund',
      'photos',
      '198.51.100.23',
      '192.0.2.10',
      '2001:db8::17',
      '10.20.30.40',
      'hp.krankmann@example.org',
      'geheim',
      'Privatanschluss',
      'Corona-Hotline Kreis',
      '0123456789',
    ])
      expect(gateway, secret).not.toContain(secret);
  });

  it('reads compact headers as their long forms and unfolds folded lines first', () => {
    expect(gateway).toContain('f: "[name]" <sip:[user]@gw.example.org>;tag=gw-tag-1');
    expect(gateway).toContain('b: [name] <sip:[user]@pbx.example.org>');
    expect(gateway).toContain('i: a84b4c76e66710@[address]');
    expect(gateway).toContain('v: SIP/2.0/UDP [address]:5060;branch=z9hG4bKgw1;received=[address];rport=5080');
    expect(gateway).toContain('Via: SIP/2.0/UDP [address]:5060;branch=z9hG4bKgw2');
    expect(gateway).toContain(
      'History-Info: <sip:[user]@hotline.example.org?Reason=SIP%3Bcause%3D302>;index=1, <sip:[user]@hotline.example.org>;index=1.1',
    );
    expect(gateway).toContain('Diversion: <tel:[number]>;reason=unconditional;counter=1');
    expect(gateway).toContain('P-Called-Party-ID: "[name]" <sip:[user]@hotline.example.org>');
    // The folded line is part of History-Info now, not a line of its own.
    expect(gateway.split('\r\n').some((line) => line.startsWith('  '))).toBe(false);
  });

  it('leaves out what it does not know, keeping its size', () => {
    expect(gateway).toContain('Subject: [27 bytes left out]');
    expect(gateway).toContain('X-Caller-Address: [27 bytes left out]');
    expect(gateway).toContain('X-Genesys-CallUUID: [10 bytes left out]');
    expect(gateway).toMatch(/Call-Info: \[\d+ bytes left out\]/);
  });

  it('keeps what diagnosis needs: methods, statuses, tags, branches, CSeq, Reason, codecs, directions', () => {
    expect(gateway.split('\r\n')[0]).toBe('INVITE sip:[user]@[address]:5060;transport=ws SIP/2.0');
    expect(answer.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
    expect(gateway).toContain('CSeq: 314159 INVITE');
    expect(gateway).toContain('Supported: replaces, timer');
    expect(gateway).toContain('Reason: Q.850;cause=16;text="Normal call clearing"');
    expect(gateway).toContain('l: 999');
    for (const line of [
      'm=audio 49170 RTP/AVP 0 101',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=sendrecv',
    ])
      expect(gateway).toContain(line);
    for (const line of [
      'm=audio 58123 UDP/TLS/RTP/SAVPF 111 126',
      'a=rtpmap:111 opus/48000/2',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=group:BUNDLE 0',
      'a=setup:active',
      'a=rtcp-mux',
      'a=ice-options:trickle',
    ])
      expect(answer).toContain(line);
  });

  it('masks the SDP’s addresses, session name and owner, and drops its free-text and key lines', () => {
    expect(gateway).toContain('o=[user] 2890844526 2890844527 IN IP4 [address]');
    expect(gateway).toContain('c=IN IP4 [address]');
    expect(gateway).toContain('s=-');
    expect(gateway).toMatch(/\r\ni=\[\d+ bytes left out\]/);
    expect(gateway).toMatch(/\r\ne=\[\d+ bytes left out\]/);
    expect(gateway).toMatch(/\r\np=\[\d+ bytes left out\]/);
    expect(gateway).toMatch(/\r\nk=\[\d+ bytes left out\]/);
  });

  it('masks ICE candidates’ addresses and ports and every credential of the WebRTC answer', () => {
    for (const secret of [
      '192.168.178.41',
      '203.0.113.77',
      'Xy7P',
      '9kS2xq7Lrm0WbQp1AaBbCcDd',
      '7B:8B:F0',
      'Nq0yLr8s2hW1aBcD',
      'WVNfX19zZW1jdGwg',
      '6a2f1f3c',
      '127.0.0.1',
    ])
      expect(answer, secret).not.toContain(secret);
    expect(answer).toContain(
      'a=candidate:3928312745 1 udp 2122260223 [address] [port] typ host generation 0 network-id 1',
    );
    expect(answer).toContain(
      'a=candidate:842163049 1 udp 1686052607 [address] [port] typ srflx raddr [address] rport [port] generation 0 ufrag [redacted]',
    );
    expect(answer).toContain('a=ice-pwd:[redacted]');
    expect(answer).toContain('a=fingerprint:[redacted]');
    expect(answer).toContain('a=crypto:[redacted]');
    expect(answer).toContain('a=rtcp:9 [address]');
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
