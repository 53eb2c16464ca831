/**
 * What may be logged of an error: its name and, for system and SQLite errors, its code (EACCES,
 * SQLITE_FULL). Never its message: messages can quote what was being handled (a caller's name
 * in a constraint, a value zod did not accept).
 */
export function loggableError(error: unknown): { readonly error: string; readonly code?: string } {
  if (!(error instanceof Error)) return { error: typeof error };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)
    ? { error: error.name, code }
    : { error: error.name };
}
