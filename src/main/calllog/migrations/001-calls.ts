import type { Migration } from './migration';

/** The call records: one row per call, written when it starts ringing or dialling. */
export const migration001Calls: Migration = {
  version: 1,
  name: 'calls',
  up(db) {
    db.exec(`
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        remote_number TEXT,
        -- The number's digits only, for searching by number.
        number_digits TEXT,
        remote_name TEXT COLLATE NOCASE,
        anonymous INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
        agent_code TEXT,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER,
        talk_ms INTEGER,
        hold_ms INTEGER NOT NULL DEFAULT 0,
        wrap_up_ms INTEGER,
        outcome TEXT CHECK (outcome IN ('answered', 'missed', 'rejected', 'busy', 'failed', 'dropped', 'interrupted')),
        ended_by TEXT CHECK (ended_by IN ('local', 'remote', 'network', 'transfer')),
        end_status INTEGER,
        disposition TEXT,
        rtt_ms REAL,
        jitter_ms REAL,
        loss_percent REAL,
        mos REAL,
        packets_received INTEGER,
        -- When the row was last written: what is known of a call a crash left open.
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX calls_newest ON calls (started_at DESC, id DESC);
      CREATE INDEX calls_by_number ON calls (number_digits, started_at DESC);
      CREATE INDEX calls_by_name ON calls (remote_name COLLATE NOCASE, started_at DESC);
      CREATE INDEX calls_by_outcome ON calls (outcome, started_at DESC);
      CREATE INDEX calls_open ON calls (outcome) WHERE outcome IS NULL;
    `);
  },
};
