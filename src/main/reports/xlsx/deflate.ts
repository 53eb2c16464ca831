import { constants, crc32, deflateRaw, type ZlibOptions } from 'node:zlib';
import { ZipDeflate, type AsyncFlateStreamHandler, type FlateError, type ZipInputFile } from 'fflate';

/** Deflate levels as zlib and fflate know them. */
export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * Which deflate implementation compresses the sheets; the ZIP container is fflate's `Zip` either
 * way. 'zlib' is Node's native zlib on the libuv thread pool: several times faster than fflate's
 * JavaScript deflate, and it runs beside the thread that builds the XML, on several chunks at
 * once. 'fflate' is fflate's `ZipDeflate`, synchronous on the calling thread.
 */
export type DeflateEngine = 'zlib' | 'fflate';

/** A ZIP entry compressed as it is written. */
export interface DeflatingEntry {
  /** What goes into `Zip.add`. */
  readonly file: ZipInputFile;
  push(chunk: Uint8Array, final: boolean): void;
  /** Whether the compressor holds enough input: wait for `drained` before pushing more. */
  readonly needsDrain: boolean;
  drained(signal: AbortSignal): Promise<void>;
  /** Settles once all of the entry's compressed data has gone to the ZIP. */
  done(signal: AbortSignal): Promise<void>;
}

export function deflatingEntry(
  engine: DeflateEngine,
  filename: string,
  level: DeflateLevel,
  mtime: Date,
): DeflatingEntry {
  return engine === 'zlib' ? new NativeEntry(filename, level, mtime) : new FflateEntry(filename, level, mtime);
}

/** fflate's ZipDeflate: compresses synchronously inside push. */
class FflateEntry implements DeflatingEntry {
  readonly file: ZipDeflate;
  readonly needsDrain = false;

  constructor(filename: string, level: DeflateLevel, mtime: Date) {
    this.file = new ZipDeflate(filename, { level });
    this.file.mtime = mtime;
  }

  push(chunk: Uint8Array, final: boolean): void {
    this.file.push(chunk, final);
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  done(): Promise<void> {
    return Promise.resolve();
  }
}

/** Chunks being compressed at once: the thread pool has four threads, file writes need one. */
const IN_FLIGHT = 3;

interface Job {
  done: boolean;
  data: Uint8Array<ArrayBuffer> | null;
  error: Error | null;
  readonly final: boolean;
}

/**
 * A ZIP entry for fflate's Zip, compressed by zlib on the libuv thread pool, several chunks at
 * once (pigz-style): each chunk is deflated on its own and ends with a sync flush, so the pieces,
 * in order, form one valid deflate stream; only the last ends the stream. A match never reaches
 * back into the previous chunk, which costs about 2 % in size with chunks of 256 KiB. The CRC-32
 * and size of the uncompressed data are counted on the way in; fflate writes them into the data
 * descriptor after the last piece.
 */
class NativeEntry implements DeflatingEntry, ZipInputFile {
  size = 0;
  crc = 0;
  readonly compression = 8;
  /** The general-purpose flag bits 1–2: the compression option, as fflate sets them. */
  readonly flag: 0 | 1 | 2 | 3;
  ondata: AsyncFlateStreamHandler = () => undefined;
  private readonly options: ZlibOptions;
  private readonly finalOptions: ZlibOptions;
  private queue: Job[] = [];
  private roomWaiters: (() => void)[] = [];
  private readonly ended: Promise<void>;
  private settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private stopped = false;

  constructor(
    readonly filename: string,
    level: DeflateLevel,
    readonly mtime: Date,
  ) {
    this.flag = level === 1 ? 3 : level < 6 ? 2 : level === 9 ? 1 : 0;
    this.options = { level, finishFlush: constants.Z_SYNC_FLUSH };
    this.finalOptions = { level, finishFlush: constants.Z_FINISH };
    this.ended = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // A failure reaches fflate's Zip through ondata, and whoever awaits done(): never unhandled.
    this.ended.catch(() => undefined);
  }

  get file(): ZipInputFile {
    return this;
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.stopped) return;
    this.size += chunk.length;
    this.crc = crc32(chunk, this.crc);
    const job: Job = { done: false, data: null, error: null, final };
    this.queue.push(job);
    deflateRaw(chunk, final ? this.finalOptions : this.options, (error, data) => {
      job.done = true;
      job.error = error;
      job.data = data === undefined ? null : new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.length);
      this.emit();
    });
  }

  get needsDrain(): boolean {
    return this.queue.length >= IN_FLIGHT;
  }

  drained(signal: AbortSignal): Promise<void> {
    if (!this.needsDrain) return Promise.resolve();
    return this.until(new Promise<void>((resolve) => this.roomWaiters.push(resolve)), signal);
  }

  done(signal: AbortSignal): Promise<void> {
    return this.until(this.ended, signal);
  }

  /** Called by fflate's Zip when it is terminated: results still to come are dropped. */
  terminate(): void {
    this.stopped = true;
    this.queue = [];
  }

  /** Hands finished pieces to the ZIP, in order. */
  private emit(): void {
    while (!this.stopped && this.queue.length > 0 && this.queue[0]!.done) {
      const job = this.queue.shift()!;
      if (job.error || job.data === null) {
        const error = job.error ?? new Error(`deflate produced nothing for ${this.filename}`);
        this.stopped = true;
        this.ondata(Object.assign(error, { code: 0 }) as FlateError, new Uint8Array(0), true);
        this.settle?.reject(error);
        return;
      }
      this.ondata(null, job.data, job.final);
      if (job.final) this.settle?.resolve();
    }
    if (this.queue.length < IN_FLIGHT && this.roomWaiters.length > 0) {
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private until(promise: Promise<void>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
