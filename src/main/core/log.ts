/**
 * Main's logger. Lines are JSON so IT can ship them; fields are for codes, counts and ids.
 * Health data, SIP passwords and keys must never be logged: fields whose names look like
 * secrets are redacted as a second line of defence, not as the first.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const SECRET_FIELD = /pass(word)?|secret|token|key|auth|cookie|credential/i;

export function redactFields(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return undefined;
  const out: Record<string, string | number | boolean | null | undefined> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = SECRET_FIELD.test(name) && value !== undefined && value !== null ? '[redacted]' : value;
  }
  return out;
}

export interface LogRecord {
  readonly time: string;
  readonly level: LogLevel;
  readonly scope: string;
  readonly message: string;
  readonly fields?: LogFields;
}

export function createLogger(options: {
  /** The threshold, or a function giving it (the log.level setting may change while running). */
  readonly level: LogLevel | (() => LogLevel);
  readonly write: (record: LogRecord) => void;
  readonly scope?: string;
  readonly now?: () => Date;
}): Logger {
  const { level } = options;
  const threshold = typeof level === 'function' ? () => LOG_LEVELS.indexOf(level()) : () => fixed;
  const fixed = typeof level === 'function' ? 0 : LOG_LEVELS.indexOf(level);
  const scope = options.scope ?? 'main';
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(level) < threshold()) return;
    const redacted = redactFields(fields);
    options.write({ time: now().toISOString(), level, scope, message, ...(redacted ? { fields: redacted } : {}) });
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (child) => createLogger({ ...options, scope: `${scope}.${child}` }),
  };
}

/** JSON lines on stderr: stdout stays free for the CLI's machine-readable output. */
export function stderrLogger(level: LogLevel = 'info'): Logger {
  return createLogger({ level, write: (record) => process.stderr.write(`${JSON.stringify(record)}\n`) });
}

export function silentLogger(): Logger {
  return createLogger({ level: 'error', write: () => undefined });
}

/** Writes to several loggers' sinks at once (stderr and a file). */
export function teeWriters(...writers: ((record: LogRecord) => void)[]): (record: LogRecord) => void {
  return (record) => {
    for (const write of writers) write(record);
  };
}
