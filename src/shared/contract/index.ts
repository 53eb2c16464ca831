import type { z } from 'zod';
import type { Result } from '../result';
import { agentEvents, agentRequests } from './agent';
import { appEvents, appRequests } from './app';
import { diagnosticsRequests } from './diagnostics';
import { headsetEvents, headsetRequests } from './headset';
import { callsEvents, callsRequests } from './calls';
import { calllogEvents, calllogRequests } from './calllog';
import { intakeEvents, intakeRequests, privacyRequests } from './intake';
import type { EventDefinition, RequestDefinition } from './define';
import { mediaEvents, mediaRequests } from './media';
import { reportsEvents, reportsRequests } from './reports';
import { settingsEvents, settingsRequests } from './settings';
import { updatesEvents, updatesRequests } from './updates';

/**
 * The one contract between main and every renderer, whichever host carries it.
 * Names are `<feature>.<action>`; each feature owns its file in this folder.
 */
export const requests = {
  ...appRequests,
  ...settingsRequests,
  ...callsRequests,
  ...mediaRequests,
  ...agentRequests,
  ...diagnosticsRequests,
  ...calllogRequests,
  ...intakeRequests,
  ...privacyRequests,
  ...headsetRequests,
  ...reportsRequests,
  ...updatesRequests,
} satisfies Record<string, RequestDefinition>;

export const events = {
  ...appEvents,
  ...settingsEvents,
  ...callsEvents,
  ...mediaEvents,
  ...agentEvents,
  ...calllogEvents,
  ...intakeEvents,
  ...headsetEvents,
  ...reportsEvents,
  ...updatesEvents,
} satisfies Record<string, EventDefinition>;

export type Requests = typeof requests;
export type Events = typeof events;
export type RequestName = keyof Requests & string;
export type EventName = keyof Events & string;

/** What the caller passes (before parsing: defaults may still be missing). */
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
/** What a handler receives after validation. */
export type ParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;
export type EventPayload<N extends EventName> = z.output<Events[N]['payload']>;

export const REQUEST_NAMES = Object.keys(requests) as RequestName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

type NamespaceOf<N extends string> = N extends `${infer Namespace}.${string}` ? Namespace : never;
type ActionOf<N extends string> = N extends `${string}.${infer Action}` ? Action : never;
export type Namespace = NamespaceOf<RequestName>;

type EmptyObject = Record<string, never>;
/** Requests without input can be called with no argument. */
export type RequestFunction<N extends RequestName> =
  RequestInput<N> extends EmptyObject
    ? (input?: RequestInput<N>) => Promise<Result<RequestOutput<N>>>
    : (input: RequestInput<N>) => Promise<Result<RequestOutput<N>>>;

/** The namespaced API the renderer sees: `api.settings.update({...})`. */
export type NamespacedApi = {
  [NS in Namespace]: {
    [N in RequestName as NamespaceOf<N> extends NS ? ActionOf<N> : never]: RequestFunction<N>;
  };
};

export type EventListener<N extends EventName> = (payload: EventPayload<N>) => void;

export interface EventSubscriber {
  on<N extends EventName>(name: N, listener: EventListener<N>): () => void;
}

export function splitRequestName(name: RequestName): { namespace: string; action: string } {
  const dot = name.indexOf('.');
  return { namespace: name.slice(0, dot), action: name.slice(dot + 1) };
}
