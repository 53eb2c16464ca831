import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type * as NodeHid from 'node-hid';

const requireNative = createRequire(import.meta.url);

export interface NativeModuleReport {
  readonly name: string;
  readonly loaded: boolean;
  readonly detail: string;
}

/**
 * Loads the two native modules the console depends on and reports what they say about
 * themselves. A missing prebuild (or a Node too old for the SQLite module) shows up here first.
 */
export function checkNativeModules(): NativeModuleReport[] {
  return [checkSqlite(), checkHid()];
}

function checkSqlite(): NativeModuleReport {
  const name = 'better-sqlite3-multiple-ciphers';
  try {
    const Database = requireNative(name) as typeof BetterSqlite3;
    const db = new Database(':memory:');
    try {
      const row = db.prepare('select sqlite_version() as sqlite, sqlite3mc_version() as cipher').get() as {
        sqlite: string;
        cipher: string;
      };
      return { name, loaded: true, detail: `SQLite ${row.sqlite}, ${row.cipher}` };
    } finally {
      db.close();
    }
  } catch (error) {
    return { name, loaded: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

function checkHid(): NativeModuleReport {
  const name = 'node-hid';
  try {
    const hid = requireNative(name) as typeof NodeHid;
    return { name, loaded: true, detail: `hidapi ${hid.getHidapiVersion()}` };
  } catch (error) {
    return { name, loaded: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
