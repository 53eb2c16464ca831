import type { MediaEngine } from '../../src/main/telephony/media';
import { withAudioDirection } from '../../src/main/telephony/sdp';

/**
 * A media engine for signalling-only tests in Node: it answers with a plain PCMU description and
 * records what it was given. No audio flows; the real engine runs in the renderer.
 */
export class StaticMediaEngine implements MediaEngine {
  readonly remote = new Map<string, string[]>();
  readonly closed: string[] = [];
  readonly dtmf: { callId: string; tones: string }[] = [];

  async describe(callId: string, options: { hold: boolean }): Promise<string> {
    const sdp = [
      'v=0',
      `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=audio 40000 RTP/AVP 0',
      'a=rtpmap:0 PCMU/8000',
      'a=sendrecv',
      '',
    ].join('\r\n');
    void callId;
    return options.hold ? withAudioDirection(sdp, 'sendonly') : sdp;
  }

  async setRemote(callId: string, sdp: string): Promise<void> {
    this.remote.set(callId, [...(this.remote.get(callId) ?? []), sdp]);
  }

  sendDtmf(callId: string, tones: string): boolean {
    this.dtmf.push({ callId, tones });
    return true;
  }

  readonly muted = new Map<string, boolean>();

  setMuted(callId: string, muted: boolean): void {
    this.muted.set(callId, muted);
  }

  close(callId: string): void {
    this.closed.push(callId);
  }
}
