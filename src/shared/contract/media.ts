import { z } from 'zod';
import { defineEvent, defineRequest } from './define';
import { noInput } from './app';
import { qualityFiguresSchema } from '../quality';

/**
 * The media bridge: main's SessionDescriptionHandler asks the renderer that owns the media
 * (the most recently attached) for SDP and hands it remote SDP; the renderer runs WebRTC.
 */
const callId = z.string().min(1).max(64);
const requestId = z.string().min(1).max(64);
const sdp = z.string().min(1).max(65_536);

/** What a call's track carries: the agent's voice only when neither muted nor held, else silence. */
export const sendStateSchema = z.strictObject({ muted: z.boolean(), held: z.boolean() });
export type SendState = z.infer<typeof sendStateSchema>;

export const mediaRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('describe'), requestId, callId, hold: z.boolean(), send: sendStateSchema }),
  z.object({ op: z.literal('setRemote'), requestId, callId, sdp }),
  z.object({ op: z.literal('dtmf'), callId, tones: z.string().regex(/^[0-9A-D*#,]{1,32}$/) }),
  z.object({ op: z.literal('send'), callId, send: sendStateSchema }),
  z.object({ op: z.literal('close'), callId }),
  // Another window took the audio over: close every call's connection and microphone here.
  z.object({ op: z.literal('release') }),
]);
export type MediaRequest = z.infer<typeof mediaRequestSchema>;

export const mediaRequests = {
  'media.attach': defineRequest({
    input: noInput,
    output: z.object({ owner: z.literal(true) }),
    summary: 'This renderer carries the audio from now on (the most recently attached one does).',
  }),
  'media.reply': defineRequest({
    input: z.discriminatedUnion('ok', [
      z.strictObject({ ok: z.literal(true), requestId, sdp: sdp.optional() }),
      z.strictObject({ ok: z.literal(false), requestId, error: z.string().max(500) }),
    ]),
    output: z.object({ accepted: z.boolean() }),
    summary: 'The media engine’s answer to a describe or setRemote request.',
  }),
  'media.quality': defineRequest({
    input: z.strictObject({ callId, quality: qualityFiguresSchema }),
    output: z.object({ accepted: z.boolean() }),
    summary:
      'The owning media engine hands over a call’s quality over its length (averages of its samples) when the call ends.',
  }),
};

export const mediaEvents = {
  'media.request': defineEvent({
    payload: mediaRequestSchema,
    summary:
      'Main asks the owning renderer’s media engine for SDP, to apply SDP, to send DTMF, what each call sends (voice, or silence while muted or held), to close a call, or (to a window that lost the audio) to release every call. Sent to that renderer only.',
  }),
};
