import { z } from 'zod';

/**
 * Every request result crosses the process boundary as plain data, because a thrown Error
 * loses its fields (and its code) on the way through IPC or a WebSocket.
 */
export const ERROR_CODES = [
  /** The input failed validation; the message names the field. */
  'invalid_input',
  /** The thing asked for does not exist. */
  'not_found',
  /** The setting or action is fixed by the organisation's policy. */
  'locked_by_policy',
  /** A dependency is not there right now (no device, no server, host shutting down). */
  'unavailable',
  /** The request name is not part of the contract. */
  'unknown_request',
  /** The caller may not make this request (for example an IPC message from a frame that is not the app's). */
  'forbidden',
  /** The request conflicts with the current state (for example a second host on one data directory). */
  'conflict',
  /** A bug on our side; details are in main's log, never in the message. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorData };

export const errorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Thrown inside main's handlers; the router turns it into `{ok:false,error}`. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

/** `['servers', 0, 'url']` → `servers[0].url`; a path that starts at an index hangs off `root`. */
export function formatPath(path: readonly PropertyKey[], root: string): string {
  if (path.length === 0) return root;
  return path.reduce<string>((text, segment, index) => {
    if (typeof segment === 'number') return `${index === 0 ? root : text}[${segment}]`;
    return index === 0 ? String(segment) : `${text}.${String(segment)}`;
  }, '');
}

/**
 * Formats validation issues so that the message names each field that was wrong,
 * for example `value: Invalid option: expected one of "de"|"en"` or `value[0]: expected a ws:// URL`.
 */
export function describeIssues(error: z.ZodError, root = 'input'): string {
  // Bounded, whatever was sent: a key of 10,000 letters is named by its start.
  return error.issues
    .slice(0, 5)
    .map((issue) => `${shorten(formatPath(issue.path.slice(0, 12), root), 120)}: ${shorten(issue.message, 200)}`)
    .join('; ');
}

function shorten(text: string, most: number): string {
  return text.length <= most ? text : `${text.slice(0, most - 1)}…`;
}
