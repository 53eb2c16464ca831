import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolderSync } from './folders';
import type { LogRecord } from './log';

export const LOG_FILE = 'main.log';

/**
 * JSON lines in `<dir>/main.log`, so that "details are in the log" means something on a laptop
 * without a terminal. When the file passes `maxBytes` it becomes main.log.1 (one old file kept).
 * Writes are synchronous: lines are few and short, and a line must not be lost in a crash.
 */
export function fileLogWriter(dir: string, maxBytes = 5 * 1024 * 1024): (record: LogRecord) => void {
  makeFolderSync(dir);
  const path = join(dir, LOG_FILE);
  let fd = openSync(path, 'a', 0o600);
  let size = fstatSync(fd).size;
  return (record) => {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    if (size > 0 && size + line.length > maxBytes) {
      closeSync(fd);
      try {
        renameSync(path, `${path}.1`);
      } catch {
        // Another process may have rotated it already; start a fresh file either way.
      }
      fd = openSync(path, 'a', 0o600);
      size = 0;
    }
    writeSync(fd, line);
    size += line.length;
  };
}
