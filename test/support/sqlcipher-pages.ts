import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { unlock } from '../../src/main/calllog/database';

/**
 * Reads an SQLCipher 4 database file page by page and decrypts every page itself, free pages
 * included: what is really on the disk, not what SQLite chooses to show. With a raw key each page
 * is AES-256-CBC under that key; the IV is the first 16 bytes of the page's 80-byte reserved tail,
 * and page 1 starts after its 16-byte salt.
 */
export function decryptedPages(file: string, keyHex: string, pageSize = 4096, reserve = 80): Buffer[] {
  const bytes = readFileSync(file);
  const key = Buffer.from(keyHex, 'hex');
  const pages: Buffer[] = [];
  for (let offset = 0; offset + pageSize <= bytes.length; offset += pageSize) {
    const page = bytes.subarray(offset, offset + pageSize);
    const start = offset === 0 ? 16 : 0;
    const iv = page.subarray(pageSize - reserve, pageSize - reserve + 16);
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    decipher.setAutoPadding(false);
    pages.push(Buffer.concat([decipher.update(page.subarray(start, pageSize - reserve)), decipher.final()]));
  }
  return pages;
}

/** Which of `needles` appear anywhere in the decrypted pages. */
export function plaintextFound(pages: readonly Buffer[], needles: readonly string[]): string[] {
  return needles.filter((needle) => pages.some((page) => page.includes(needle)));
}

/** Opens a call log file directly with its raw key, bypassing the app (to look, or to tamper). */
export function openRaw(file: string, keyHex: string, options: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(file, { readonly: options.readonly ?? false });
  unlock(db, keyHex);
  return db;
}
