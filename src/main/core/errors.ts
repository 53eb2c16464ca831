import type { Logger } from './log';

/**
 * What may be logged of an error: its name and, for system and SQLite errors, its code (EACCES,
 * SQLITE_FULL). Never its message: messages can quote what was being handled (a caller's name
 * in a constraint, a value zod did not accept). The rule lives here and nowhere else.
 */
export function errorFields(error: unknown): { readonly error: string; readonly code?: string } {
  if (!(error instanceof Error)) return { error: typeof error };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)
    ? { error: error.name, code }
    : { error: error.name };
}

/**
 * Work whose failure changes nothing for whoever started it (a courtesy BYE on a call already
 * gone, a temporary file that may not be there): it never rejects; a failure is logged at debug,
 * by name and code, when a log is given, and otherwise dropped on purpose.
 */
export function bestEffort(work: Promise<unknown>, log?: Logger, what = 'best-effort work failed'): Promise<void> {
  return work.then(
    () => undefined,
    (error: unknown) => log?.debug(what, errorFields(error)),
  );
}
