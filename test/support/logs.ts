import { createLogger, type Logger, type LogRecord } from '../../src/main/core/log';

/** A logger that keeps what was logged, so tests can check what reached (or did not reach) the log. */
export function recordingLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({ level: 'debug', write: (record) => records.push(record) });
  return Object.assign(logger, { records });
}
