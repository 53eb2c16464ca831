import { z } from 'zod';
import { errorDataSchema } from './result';

/**
 * The browser host's wire protocol: the contract carried as JSON text frames over one WebSocket
 * (`ws://127.0.0.1:PORT/ws?token=…`). See docs/architecture.md.
 */

export const WIRE_PROTOCOL_VERSION = 1;
/** Largest frame either side accepts, in bytes. */
export const WIRE_MAX_FRAME_BYTES = 1024 * 1024;

export const clientFrameSchema = z.strictObject({
  type: z.literal('request'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  name: z.string().max(200),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof clientFrameSchema>;

const resultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocol: z.number(), clientId: z.string() }),
  z.object({ type: z.literal('response'), id: z.number(), result: resultSchema }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  /** A frame the server could not read at all (no id to answer to). */
  z.object({ type: z.literal('protocol_error'), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
