import { randomUUID } from 'node:crypto';
import type { MediaRequest } from '../../shared/contract/media';
import { AppError } from '../../shared/result';
import type { Logger } from '../core/log';
import type { DescribeOptions, MediaEngine, SendState } from './media';

type Send = (request: MediaRequest) => void;

interface Pending {
  readonly clientId: string;
  resolve(sdp: string | undefined): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

const NO_OWNER = 'No console window is open to carry the audio.';

/**
 * The media engine as main sees it when the audio runs in a renderer: requests go to the one
 * renderer that owns the media (the most recently attached), answers come back as `media.reply`.
 */
export class RendererMediaEngine implements MediaEngine {
  private owner: { readonly clientId: string; readonly send: Send } | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly log: Logger;
  private readonly timeoutMs: number;

  constructor(log: Logger, timeoutMs = 15_000) {
    this.log = log;
    this.timeoutMs = timeoutMs;
  }

  get ownerId(): string | null {
    return this.owner?.clientId ?? null;
  }

  /** This renderer owns the media from now on. True when the owner changed (a new engine). */
  attach(clientId: string, send: Send): boolean {
    const previous = this.owner;
    if (previous?.clientId === clientId) return false;
    if (previous && previous.clientId !== clientId) {
      this.failPending(previous.clientId, 'Another window took over the audio.');
      // The window that had the audio closes every call's connection and microphone: nothing it
      // still holds may go on sending (a held caller would hear the agent).
      previous.send({ op: 'release' });
    }
    this.owner = { clientId, send };
    this.log.info('media engine attached', { client: clientId });
    return true;
  }

  detach(clientId: string): void {
    if (this.owner?.clientId !== clientId) return;
    this.owner = null;
    this.failPending(clientId, 'The window carrying the audio went away.');
  }

  /** A reply from a renderer; only the owner's replies to its own requests count. */
  reply(clientId: string, requestId: string, result: { sdp?: string; error?: string }): boolean {
    const pending = this.pending.get(requestId);
    if (!pending || pending.clientId !== clientId) return false;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    if (result.error !== undefined)
      pending.reject(new AppError('unavailable', `The audio could not be set up: ${result.error}`));
    else pending.resolve(result.sdp);
    return true;
  }

  async describe(callId: string, options: DescribeOptions): Promise<string> {
    const sdp = await this.ask((requestId) => ({
      op: 'describe',
      requestId,
      callId,
      hold: options.hold,
      send: { muted: options.send.muted, held: options.send.held },
    }));
    if (!sdp) throw new AppError('unavailable', 'The audio engine gave no description.');
    return sdp;
  }

  async setRemote(callId: string, sdp: string): Promise<void> {
    await this.ask((requestId) => ({ op: 'setRemote', requestId, callId, sdp }));
  }

  sendDtmf(callId: string, tones: string): boolean {
    if (!this.owner) return false;
    this.owner.send({ op: 'dtmf', callId, tones });
    return true;
  }

  setSendState(callId: string, state: SendState): void {
    this.owner?.send({ op: 'send', callId, send: { muted: state.muted, held: state.held } });
  }

  close(callId: string): void {
    this.owner?.send({ op: 'close', callId });
  }

  private ask(build: (requestId: string) => MediaRequest): Promise<string | undefined> {
    const owner = this.owner;
    if (!owner) return Promise.reject(new AppError('unavailable', NO_OWNER));
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new AppError('unavailable', 'The audio engine did not answer in time.'));
      }, this.timeoutMs);
      this.pending.set(requestId, { clientId: owner.clientId, resolve, reject, timer });
      owner.send(build(requestId));
    });
  }

  private failPending(clientId: string, message: string): void {
    for (const [requestId, pending] of this.pending) {
      if (pending.clientId !== clientId) continue;
      clearTimeout(pending.timer);
      this.pending.delete(requestId);
      pending.reject(new AppError('unavailable', message));
    }
  }
}
