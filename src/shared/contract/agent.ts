import { z } from 'zod';
import { defineEvent, defineRequest } from './define';
import { noInput } from './app';

export const AGENT_STATUSES = ['available', 'after_call_work', 'break', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const agentCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,15}$/, 'expected 1–16 letters, digits or hyphens');

export const agentStateSchema = z.object({
  /** The agent at this console, or null when nobody is signed in (no calls are taken then). */
  agent: z.object({ code: z.string(), name: z.string() }).nullable(),
  status: z.enum(AGENT_STATUSES),
  since: z.number(),
  /** When after-call work ends by itself (ms since the epoch), while in after-call work. */
  wrapUpEndsAt: z.number().nullable(),
});
export type AgentState = z.infer<typeof agentStateSchema>;

export const agentRequests = {
  'agent.get': defineRequest({
    input: noInput,
    output: agentStateSchema,
    summary: 'Who is signed in and their status.',
  }),
  'agent.signIn': defineRequest({
    input: z.strictObject({ code: agentCodeSchema, name: z.string().trim().min(1).max(80) }),
    output: agentStateSchema,
    summary: 'Starts a shift: the agent code goes on every call from now on; the agent is available.',
  }),
  'agent.signOut': defineRequest({
    input: noInput,
    output: agentStateSchema,
    summary: 'Ends the shift (hands the laptop over); refused while calls are up.',
  }),
  'agent.setStatus': defineRequest({
    input: z.strictObject({ status: z.enum(['available', 'break', 'offline']) }),
    output: agentStateSchema,
    summary: 'Available, on a break or offline; choosing available also ends after-call work early.',
  }),
};

export const agentEvents = {
  'agent.changed': defineEvent({ payload: agentStateSchema, summary: 'Sign-in or status changed.' }),
};
