import type { MediaRequest } from '../../shared/contract/media';
import type { FeatureHandlers } from '../core/handlers';
import type { CallManager } from './call-manager';
import type { RendererMediaEngine } from './renderer-media';

export interface MediaHandlerOptions {
  readonly media: RendererMediaEngine;
  readonly calls: CallManager;
  /** Sends a media request to one renderer (checked against the contract on the way). */
  readonly sendTo: (clientId: string, request: MediaRequest) => void;
}

/**
 * media.*: which renderer carries the audio (the most recently attached), its answers, and the
 * call quality only that one can know.
 */
export function mediaHandlers(
  options: MediaHandlerOptions,
): FeatureHandlers<'media.attach' | 'media.reply' | 'media.quality'> {
  const { media, calls } = options;
  return {
    'media.attach': (_input, { clientId }) => {
      const changed = media.attach(clientId, (request) => options.sendTo(clientId, request));
      // A reload or a new window: bring the audio of running calls to the new engine.
      if (changed && calls.hasCalls) void calls.renegotiateAll();
      return { owner: true as const };
    },
    'media.reply': (reply, { clientId }) => ({
      accepted: media.reply(clientId, reply.requestId, reply.ok ? { sdp: reply.sdp } : { error: reply.error }),
    }),
    // Only the engine that carried the audio knows the figures; another window's are refused.
    'media.quality': ({ callId, quality }, { clientId }) => ({
      accepted: media.ownerId === clientId && calls.recordQuality(callId, quality),
    }),
  };
}
