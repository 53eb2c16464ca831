import type { BodyAndContentType, SessionDescriptionHandler, SessionDescriptionHandlerOptions } from 'sip.js';
import type { SendState } from '../../shared/contract/media';
import { AppError } from '../../shared/result';
import { isRemoteHold, offersTelephoneEvent } from './sdp';

/**
 * Where a call's audio lives. In the app that is the renderer's media engine (WebRTC in
 * Chromium), reached over the contract; main only ever sees SDP. The port keeps the call
 * manager the same whichever engine answers.
 */
/**
 * What a call's microphone track carries (`held`: held by the agent, or a hold or resume being
 * negotiated). The agent's voice goes out only while the call is neither muted nor held;
 * otherwise the track is disabled, so the far end gets silence frames (RTP keeps flowing:
 * gateways and PBXs end calls whose media stops).
 */
export type { SendState } from '../../shared/contract/media';

export interface DescribeOptions {
  /** Offer or answer hold (sendonly while sending silence; inactive without a track). */
  readonly hold: boolean;
  /** The call's send state, applied before the description is made (a new engine starts silent). */
  readonly send: SendState;
}

export interface MediaEngine {
  /** Our SDP for the call: an offer, or the answer to the remote description set before. */
  describe(callId: string, options: DescribeOptions): Promise<string>;
  /** The far end's SDP (an offer or an answer). */
  setRemote(callId: string, sdp: string): Promise<void>;
  /** RFC 4733 tones in the media. False when the engine cannot send them. */
  sendDtmf(callId: string, tones: string): boolean;
  /** What the call's track carries from now on: the voice, or silence (muted or held). */
  setSendState(callId: string, state: SendState): void;
  close(callId: string): void;
}

/** Until a renderer attaches its media engine, calls cannot carry audio: say so, do not pretend. */
export const noMediaEngine: MediaEngine = {
  describe: () => Promise.reject(new AppError('unavailable', 'No console window is open to carry the audio.')),
  setRemote: () => Promise.reject(new AppError('unavailable', 'No console window is open to carry the audio.')),
  sendDtmf: () => false,
  setSendState: () => undefined,
  close: () => undefined,
};

export interface BridgeEvents {
  /** The far end's SDP said hold (sendonly/inactive) or resume. */
  onRemoteHold(held: boolean): void;
  /** The call's send state as main knows it now, for every description the engine makes. */
  sendState(): SendState;
}

/**
 * sip.js's SessionDescriptionHandler as a bridge: sip.js asks for and hands over SDP, and the
 * media engine (normally in the renderer) produces and applies it.
 */
export class BridgedSessionDescriptionHandler implements SessionDescriptionHandler {
  private remoteSdp: string | null = null;
  private readonly callId: string;
  private readonly engine: () => MediaEngine;
  private readonly events: BridgeEvents;

  constructor(callId: string, engine: () => MediaEngine, events: BridgeEvents) {
    this.callId = callId;
    this.engine = engine;
    this.events = events;
  }

  /** Whether the far end offered telephone-event; otherwise DTMF goes as SIP INFO. */
  get remoteOffersTelephoneEvent(): boolean {
    return this.remoteSdp !== null && offersTelephoneEvent(this.remoteSdp);
  }

  async getDescription(options?: SessionDescriptionHandlerOptions): Promise<BodyAndContentType> {
    // sip.js passes on whatever the session was given; we only read our own `hold` flag.
    const hold = (options as { hold?: unknown } | undefined)?.hold === true;
    const body = await this.engine().describe(this.callId, { hold, send: this.events.sendState() });
    return { body, contentType: 'application/sdp' };
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async setDescription(sdp: string): Promise<void> {
    const wasHeld = this.remoteSdp !== null && isRemoteHold(this.remoteSdp);
    this.remoteSdp = sdp;
    await this.engine().setRemote(this.callId, sdp);
    const held = isRemoteHold(sdp);
    if (held !== wasHeld) this.events.onRemoteHold(held);
  }

  sendDtmf(tones: string): boolean {
    return this.engine().sendDtmf(this.callId, tones);
  }

  close(): void {
    this.engine().close(this.callId);
  }
}
