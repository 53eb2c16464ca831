import { describe, expect, it } from 'vitest';
import { audioDirection, isRemoteHold, offersTelephoneEvent, withAudioDirection } from '../../src/main/telephony/sdp';

const sdp = (extra: string[], session: string[] = []) =>
  [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    ...session,
    'm=audio 6000 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    ...extra,
    '',
  ].join('\r\n');

describe('SDP', () => {
  it('reads the audio direction, media level first, then session level', () => {
    expect(audioDirection(sdp([]))).toBe('sendrecv');
    expect(audioDirection(sdp(['a=sendonly']))).toBe('sendonly');
    expect(audioDirection(sdp([], ['a=inactive']))).toBe('inactive');
    expect(audioDirection(sdp(['a=recvonly'], ['a=inactive']))).toBe('recvonly');
    expect(audioDirection(sdp([]).replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0'))).toBe('inactive');
  });

  it('takes sendonly and inactive from the far end as hold', () => {
    expect(isRemoteHold(sdp(['a=sendonly']))).toBe(true);
    expect(isRemoteHold(sdp(['a=inactive']))).toBe(true);
    expect(isRemoteHold(sdp(['a=recvonly']))).toBe(false);
    expect(isRemoteHold(sdp(['a=sendrecv']))).toBe(false);
  });

  it('sees whether telephone-event is offered', () => {
    expect(offersTelephoneEvent(sdp(['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16']))).toBe(true);
    expect(offersTelephoneEvent(sdp([]))).toBe(false);
  });

  it('sets the direction, replacing the old one', () => {
    const held = withAudioDirection(sdp(['a=sendrecv']), 'sendonly');
    expect(audioDirection(held)).toBe('sendonly');
    expect(held.match(/a=(sendrecv|sendonly|recvonly|inactive)/g)).toEqual(['a=sendonly']);
    expect(held.endsWith('\r\n')).toBe(true);
    expect(audioDirection(withAudioDirection(held, 'sendrecv'))).toBe('sendrecv');
  });
});
