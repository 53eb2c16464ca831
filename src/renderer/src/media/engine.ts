import type { MediaRequest, SendState } from '../../../shared/contract/media';
import { QualityAccumulator, qualityFromStats, type QualityFigures } from '../../../shared/quality';
import { Emitter } from '../../../shared/emitter';
import type { ApiClient } from '../api/client';

interface CallMedia {
  readonly pc: RTCPeerConnection;
  readonly microphone: Promise<MediaStreamTrack>;
  readonly audio: HTMLAudioElement;
  quality: QualityFigures | null;
  /** Every sample of the call, summed up for main when it ends. */
  readonly overall: QualityAccumulator;
}

/**
 * Whether a call's track carries the agent's voice. Unknown (main has not said) counts as
 * silent: a call's microphone is live only when main says the call is neither muted nor held.
 */
function sendsVoice(state: SendState | undefined): boolean {
  return state !== undefined && !state.muted && !state.held;
}

export interface DeviceChoice {
  readonly microphoneId: string | null;
  readonly speakerId: string | null;
}

const ICE_GATHERING_TIMEOUT_MS = 2_000;
const STATS_INTERVAL_MS = 2_000;

/**
 * The renderer's media engine: one RTCPeerConnection per call, the chosen microphone (echo
 * cancellation and noise suppression on), remote audio to the chosen speaker. Main drives it
 * through `media.request` events and gets SDP back with `media.reply`; it never sees audio.
 */
export class MediaEngine {
  private readonly calls = new Map<string, CallMedia>();
  /** Each call's send state as main last gave it; a disabled track sends silence frames. */
  private readonly sendStates = new Map<string, SendState>();
  private readonly qualityListeners = new Emitter<[callId: string, figures: QualityFigures]>();
  private readonly toneListeners = new Emitter<[callId: string, tone: string]>();
  private statsTimer: number | null = null;
  private readonly api: ApiClient;
  private readonly devices: () => DeviceChoice;

  constructor(api: ApiClient, devices: () => DeviceChoice) {
    this.api = api;
    this.devices = devices;
  }

  /** Takes over the audio (the most recent window does) and keeps doing so after reconnects. */
  start(): () => void {
    const stopRequests = this.api.on('media.request', (request) => void this.handle(request));
    const attach = (): void => void this.api.request('media.attach');
    // Once per connection: when it opens (a WebSocket that is still connecting attaches then).
    if (this.api.transport.connection === 'open') attach();
    const stopConnection = this.api.transport.onConnection((state) => {
      if (state === 'open') attach();
    });
    this.statsTimer = window.setInterval(() => void this.sampleQuality(), STATS_INTERVAL_MS);
    return () => {
      stopRequests();
      stopConnection();
      if (this.statsTimer !== null) window.clearInterval(this.statsTimer);
      for (const callId of [...this.calls.keys()]) this.close(callId);
    };
  }

  onQuality(listener: (callId: string, figures: QualityFigures) => void): () => void {
    return this.qualityListeners.on(listener);
  }

  /** A DTMF tone as the RTCDTMFSender actually plays it into the call (its tonechange event). */
  onTone(listener: (callId: string, tone: string) => void): () => void {
    return this.toneListeners.on(listener);
  }

  quality(callId: string): QualityFigures | null {
    return this.calls.get(callId)?.quality ?? null;
  }

  private async handle(request: MediaRequest): Promise<void> {
    switch (request.op) {
      case 'describe':
        this.setSendState(request.callId, request.send);
        await this.reply(request.requestId, () => this.describe(request.callId, request.hold));
        return;
      case 'setRemote':
        await this.reply(request.requestId, async () => {
          await this.setRemote(request.callId, request.sdp);
          return undefined;
        });
        return;
      case 'dtmf':
        this.dtmf(request.callId, request.tones);
        return;
      case 'send':
        this.setSendState(request.callId, request.send);
        return;
      case 'close':
        this.close(request.callId);
        return;
      case 'release':
        // Another window carries the audio now: nothing here may go on sending or listening.
        for (const callId of [...this.calls.keys()]) this.close(callId, { report: false });
        this.sendStates.clear();
        return;
    }
  }

  /** Voice or silence: a disabled track keeps RTP flowing with silence (no-media timers stay calm). */
  private setSendState(callId: string, state: SendState): void {
    this.sendStates.set(callId, state);
    void this.calls
      .get(callId)
      ?.microphone.then((track) => (track.enabled = sendsVoice(state)))
      .catch(() => undefined);
  }

  private async reply(requestId: string, work: () => Promise<string | undefined>): Promise<void> {
    try {
      const sdp = await work();
      await this.api.request('media.reply', sdp === undefined ? { ok: true, requestId } : { ok: true, requestId, sdp });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
      await this.api.request('media.reply', { ok: false, requestId, error: message.slice(0, 500) });
    }
  }

  private media(callId: string): CallMedia {
    const existing = this.calls.get(callId);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: [] });
    const audio = new Audio();
    audio.autoplay = true;
    const { microphoneId, speakerId } = this.devices();
    if (speakerId && 'setSinkId' in audio)
      void (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> })
        .setSinkId(speakerId)
        .catch(() => undefined);
    pc.addEventListener('track', (event) => {
      audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void audio.play().catch(() => undefined);
    });
    const microphone = navigator.mediaDevices
      .getUserMedia({
        audio: {
          ...(microphoneId ? { deviceId: { exact: microphoneId } } : {}),
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: true,
        },
        video: false,
      })
      .then((stream) => {
        const [track] = stream.getAudioTracks();
        if (!track) throw new Error('the microphone gave no audio track');
        // Silent from its first frame until main says the call may hear the agent.
        track.enabled = sendsVoice(this.sendStates.get(callId));
        if (!this.calls.has(callId)) {
          // The call closed while the microphone was being opened.
          track.stop();
          throw new Error('the call ended');
        }
        pc.addTrack(track, stream);
        return track;
      });
    const entry: CallMedia = { pc, microphone, audio, quality: null, overall: new QualityAccumulator() };
    this.calls.set(callId, entry);
    return entry;
  }

  private async describe(callId: string, hold: boolean): Promise<string> {
    const { pc, microphone } = this.media(callId);
    const track = await microphone;
    track.enabled = sendsVoice(this.sendStates.get(callId));
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.receiver.track.kind !== 'audio') continue;
      // On hold the call sends silence (sendonly), or nothing at all when it has no track.
      const sending = transceiver.sender.track !== null;
      transceiver.direction = hold ? (sending ? 'sendonly' : 'inactive') : 'sendrecv';
    }
    const description = pc.signalingState === 'have-remote-offer' ? await pc.createAnswer() : await pc.createOffer();
    await pc.setLocalDescription(description);
    await iceGatheringDone(pc);
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return sdp;
  }

  private async setRemote(callId: string, sdp: string): Promise<void> {
    const { pc, microphone } = this.media(callId);
    await microphone;
    const type: RTCSdpType = pc.signalingState === 'have-local-offer' ? 'answer' : 'offer';
    await pc.setRemoteDescription({ type, sdp });
  }

  private dtmf(callId: string, tones: string): void {
    const sender = this.calls
      .get(callId)
      ?.pc.getSenders()
      .find((each) => each.track?.kind === 'audio');
    const dtmf = sender?.dtmf;
    if (!dtmf) return;
    dtmf.ontonechange = (event) => {
      // The empty tone marks the end of the queue.
      if (event.tone === '') return;
      this.toneListeners.emit(callId, event.tone);
    };
    dtmf.insertDTMF(tones, 100, 70);
  }

  /**
   * Ends a call's media: its microphone track stops and its connection closes. Its quality over
   * the call (one last sample included) goes to main, unless this window no longer owns the audio.
   */
  private close(callId: string, { report = true }: { report?: boolean } = {}): void {
    this.sendStates.delete(callId);
    const entry = this.calls.get(callId);
    if (!entry) return;
    this.calls.delete(callId);
    entry.audio.srcObject = null;
    void entry.microphone.then((track) => track.stop()).catch(() => undefined);
    if (!report) {
      entry.pc.close();
      return;
    }
    void (async () => {
      try {
        if (entry.pc.connectionState !== 'closed') entry.overall.add(await this.sample(entry.pc));
      } catch {
        // The figures so far will do.
      }
      entry.pc.close();
      const quality = entry.overall.summary();
      if (quality) await this.api.request('media.quality', { callId, quality });
    })();
  }

  private async sample(pc: RTCPeerConnection): Promise<QualityFigures> {
    const report = await pc.getStats();
    return qualityFromStats([...report.values()] as Record<string, unknown>[]);
  }

  private async sampleQuality(): Promise<void> {
    for (const [callId, entry] of this.calls) {
      if (entry.pc.connectionState === 'closed') continue;
      const figures = await this.sample(entry.pc);
      entry.quality = figures;
      entry.overall.add(figures);
      this.qualityListeners.emit(callId, figures);
    }
  }
}

function iceGatheringDone(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      window.clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = window.setTimeout(done, ICE_GATHERING_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
