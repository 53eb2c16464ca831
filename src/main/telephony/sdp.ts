/** The little we read from SDP in main: pure functions, tested on their own. */

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function audioSection(sdp: string): { session: string[]; audio: string[] } {
  const lines = sdp.split(/\r?\n/);
  const firstMedia = lines.findIndex((line) => line.startsWith('m='));
  const session = firstMedia < 0 ? lines : lines.slice(0, firstMedia);
  const audioStart = lines.findIndex((line) => line.startsWith('m=audio'));
  if (audioStart < 0) return { session, audio: [] };
  const next = lines.findIndex((line, index) => index > audioStart && line.startsWith('m='));
  return { session, audio: lines.slice(audioStart, next < 0 ? undefined : next) };
}

/** The audio stream's direction; `c=0.0.0.0` (RFC 2543 hold) counts as inactive. */
export function audioDirection(sdp: string): MediaDirection {
  const { session, audio } = audioSection(sdp);
  const direction = (lines: string[]): MediaDirection | null => {
    for (const line of lines) {
      const value = line.trim().slice(2) as MediaDirection;
      if (line.startsWith('a=') && DIRECTIONS.includes(value)) return value;
    }
    return null;
  };
  if ([...session, ...audio].some((line) => /^c=IN IP4 0\.0\.0\.0\s*$/.test(line.trim()))) return 'inactive';
  return direction(audio) ?? direction(session) ?? 'sendrecv';
}

/** True when the far end will not send us audio: it put the call on hold. */
export function isRemoteHold(remoteSdp: string): boolean {
  const direction = audioDirection(remoteSdp);
  return direction === 'sendonly' || direction === 'inactive';
}

/** RFC 4733 telephone-event offered for audio: DTMF can go in the media; otherwise SIP INFO. */
export function offersTelephoneEvent(sdp: string): boolean {
  return audioSection(sdp).audio.some((line) => /^a=rtpmap:\d+ telephone-event\/\d+/i.test(line.trim()));
}

/** Sets the audio direction of an SDP (hold: sendonly; resume: sendrecv). */
export function withAudioDirection(sdp: string, direction: MediaDirection): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/).filter((line) => !DIRECTIONS.some((each) => line.trim() === `a=${each}`));
  const audioStart = lines.findIndex((line) => line.startsWith('m=audio'));
  if (audioStart < 0) return sdp;
  const next = lines.findIndex((line, index) => index > audioStart && line.startsWith('m='));
  const insertAt = next < 0 ? (lines[lines.length - 1] === '' ? lines.length - 1 : lines.length) : next;
  lines.splice(insertAt, 0, `a=${direction}`);
  return lines.join(eol);
}
