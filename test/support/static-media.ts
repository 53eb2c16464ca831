import type { DescribeOptions, MediaEngine, SendState } from '../../src/main/telephony/media';
import { withAudioDirection } from '../../src/main/telephony/sdp';

/**
 * A media engine for signalling-only tests in Node: it answers with a plain PCMU description and
 * records what it was given. No audio flows; the real engine runs in the renderer.
 */
export class StaticMediaEngine implements MediaEngine {
  readonly remote = new Map<string, string[]>();
  readonly closed: string[] = [];
  readonly dtmf: { callId: string; tones: string }[] = [];

  /** Each call's send state, as main last gave it (with a description or on its own). */
  readonly send = new Map<string, SendState>();
  /** What main asked for, in order: descriptions (with the send state they carry) and send states. */
  readonly operations: (
    | { readonly op: 'describe'; readonly callId: string; readonly hold: boolean; readonly send: SendState }
    | { readonly op: 'send'; readonly callId: string; readonly send: SendState }
  )[] = [];

  async describe(callId: string, options: DescribeOptions): Promise<string> {
    this.send.set(callId, options.send);
    this.operations.push({ op: 'describe', callId, hold: options.hold, send: options.send });
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
    return options.hold ? withAudioDirection(sdp, 'sendonly') : sdp;
  }

  async setRemote(callId: string, sdp: string): Promise<void> {
    this.remote.set(callId, [...(this.remote.get(callId) ?? []), sdp]);
  }

  sendDtmf(callId: string, tones: string): boolean {
    this.dtmf.push({ callId, tones });
    return true;
  }

  setSendState(callId: string, state: SendState): void {
    this.send.set(callId, state);
    this.operations.push({ op: 'send', callId, send: state });
  }

  close(callId: string): void {
    this.closed.push(callId);
  }
}
