import type { Database } from 'better-sqlite3-multiple-ciphers';

/**
 * One numbered step of the call log's schema. Each lives in its own file with its own test; the
 * database's `user_version` says how many have run. Never edit one that has shipped: add the next.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}
