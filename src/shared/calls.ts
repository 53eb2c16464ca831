import { z } from 'zod';

/** Call types shared by main (the source of truth) and the renderer (which shows them). */

export const CALL_OUTCOMES = ['answered', 'missed', 'rejected', 'busy', 'failed', 'dropped'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const callPhaseSchema = z.enum(['ringing', 'dialing', 'early', 'active', 'ended']);
export type CallPhase = z.infer<typeof callPhaseSchema>;

export const remotePartySchema = z.object({
  /** Digits (or the URI user) to show and to call back; null when withheld. */
  number: z.string().nullable(),
  /** Display name, cleaned for display; null when none was sent. */
  name: z.string().nullable(),
  anonymous: z.boolean(),
});
export type RemoteParty = z.infer<typeof remotePartySchema>;

export const callSnapshotSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  /** The agent who had the console when the call began (null: nobody signed in, the call was declined). */
  agentCode: z.string().nullable(),
  phase: callPhaseSchema,
  remote: remotePartySchema,
  /** The agent put the call on hold. */
  held: z.boolean(),
  /** The other side put the call on hold. */
  remoteHeld: z.boolean(),
  muted: z.boolean(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Time on hold so far (ms), not counting a hold still running. */
  holdMs: z.number(),
  holdStartedAt: z.number().nullable(),
  /** When the signalling connection went away under this connected call (null: it is fine). */
  signallingLostAt: z.number().nullable(),
  outcome: z.enum(CALL_OUTCOMES).nullable(),
  /** Who or what ended it, with the SIP status where there was one. */
  endedBy: z.enum(['local', 'remote', 'network', 'transfer']).nullable(),
  endStatus: z.number().int().nullable(),
});
export type CallSnapshot = z.infer<typeof callSnapshotSchema>;

/** Talk time (ms): answered to ended (or now), less the time on hold. */
export function talkMs(state: CallSnapshot, now: number): number {
  if (state.answeredAt === null) return 0;
  const until = state.endedAt ?? now;
  const hold = state.holdMs + (state.holdStartedAt === null ? 0 : until - state.holdStartedAt);
  return Math.max(0, until - state.answeredAt - hold);
}
