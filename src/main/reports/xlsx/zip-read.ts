import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';

/**
 * Reading a ZIP archive from its central directory: the directory is loaded, entries are
 * streamed one at a time from the file (never the whole archive in memory). ZIP64 is understood;
 * encrypted entries and methods other than stored and deflate are refused.
 */

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A central directory beyond this is no workbook's. */
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new ZipFormatError('unexpected end of file');
    done += bytesRead;
  }
  return buffer;
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(`${what} out of range`);
  return Number(value);
}

/** The archive's entries by name, from the central directory. */
export async function readZipDirectory(path: string): Promise<Map<string, ZipEntry>> {
  const handle = await open(path, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    if (fileSize < EOCD_SIZE) throw new ZipFormatError('too short for a ZIP archive');
    const head = await readAt(handle, 0, 8);
    if (head.readUInt32LE(0) === 0xe011cfd0 && head.readUInt32LE(4) === 0xe11ab1a1) {
      throw new ZipFormatError('an OLE2 file (a legacy .xls, or a password-protected workbook)');
    }
    const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
    const tailStart = fileSize - tailLength;
    const tail = await readAt(handle, tailStart, tailLength);
    let eocd = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i -= 1) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new ZipFormatError('no end of central directory record (not a ZIP archive)');
    let count = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locatorAt = tailStart + eocd - 20;
      if (locatorAt < 0) throw new ZipFormatError('ZIP64 locator missing');
      const locator = await readAt(handle, locatorAt, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipFormatError('ZIP64 locator missing');
      const recordAt = safeNumber(locator.readBigUInt64LE(8), 'ZIP64 record offset');
      const record = await readAt(handle, recordAt, 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipFormatError('ZIP64 record missing');
      count = safeNumber(record.readBigUInt64LE(32), 'entry count');
      directorySize = safeNumber(record.readBigUInt64LE(40), 'central directory size');
      directoryOffset = safeNumber(record.readBigUInt64LE(48), 'central directory offset');
    }
    if (directorySize > MAX_CENTRAL_DIRECTORY || directoryOffset + directorySize > fileSize) {
      throw new ZipFormatError('the central directory is out of bounds');
    }
    const directory = await readAt(handle, directoryOffset, directorySize);
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let i = 0; i < count; i += 1) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
        throw new ZipFormatError('a broken central directory');
      }
      const flags = directory.readUInt16LE(at + 8);
      const method = directory.readUInt16LE(at + 10);
      const crc = directory.readUInt32LE(at + 16);
      let compressedSize = directory.readUInt32LE(at + 20);
      let size = directory.readUInt32LE(at + 24);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      let localHeaderOffset = directory.readUInt32LE(at + 42);
      const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
      // Bit 11: UTF-8 names; otherwise CP437, which agrees with Latin-1 on the ASCII that OOXML uses.
      const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = directory.readUInt16LE(extra);
        const length = directory.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          if (size === 0xffffffff) {
            size = safeNumber(directory.readBigUInt64LE(field), 'entry size');
            field += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = safeNumber(directory.readBigUInt64LE(field), 'entry size');
            field += 8;
          }
          if (localHeaderOffset === 0xffffffff) {
            localHeaderOffset = safeNumber(directory.readBigUInt64LE(field), 'entry offset');
          }
        }
        extra += 4 + length;
      }
      at = extraEnd + commentLength;
      if (localHeaderOffset + compressedSize > fileSize) throw new ZipFormatError(`entry ${name} is out of bounds`);
      entries.set(name, { name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset });
    }
    return entries;
  } finally {
    await handle.close();
  }
}

export interface EntryReadOptions {
  /** Refuse an entry that inflates past this many bytes (a ZIP bomb, or a part too big to hold). */
  readonly maxBytes?: number;
}

/**
 * The uncompressed bytes of one entry, streamed from the file. The size and CRC-32 are checked
 * against the central directory at the end. Break out of the loop to stop reading early.
 */
export async function* readZipEntry(
  path: string,
  entry: ZipEntry,
  options: EntryReadOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  if (entry.flags & 0x1) throw new ZipFormatError(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(`${entry.name} uses compression method ${entry.method} (only stored and deflate)`);
  }
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  if (entry.size > maxBytes) throw new ZipFormatError(`${entry.name} is larger than ${maxBytes} bytes`);
  const handle = await open(path, 'r');
  let dataStart: number;
  try {
    const local = await readAt(handle, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipFormatError(`${entry.name}: broken local header`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) throw new ZipFormatError(`${entry.name}: no data`);
    return;
  }
  const source = createReadStream(path, {
    start: dataStart,
    end: dataStart + entry.compressedSize - 1,
    highWaterMark: 256 * 1024,
  });
  let stream: Readable = source;
  if (entry.method === 8) {
    const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
    source.on('error', (error) => inflate.destroy(error));
    stream = source.pipe(inflate);
  }
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > entry.size || size > maxBytes) {
        throw new ZipFormatError(`${entry.name} inflates past its declared size`);
      }
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ZipFormatError) throw error;
    throw new ZipFormatError(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    source.destroy();
    stream.destroy();
  }
  if (size !== entry.size) throw new ZipFormatError(`${entry.name} is truncated`);
  if (crc !== entry.crc32) throw new ZipFormatError(`${entry.name} fails its CRC-32 check`);
}

/** A whole (small) entry as text. */
export async function readZipText(path: string, entry: ZipEntry, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of readZipEntry(path, entry, { maxBytes })) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
