import type { Migration } from './migration';

/**
 * Intake records, one per call at most: a draft saved as the agent types, then submitted.
 * Answers are split by their tag: personal and health ones (erased by retention and by an
 * erasure request) apart from those tagged neither (they stay for statistics). The caller's name
 * and phone number as the intake recorded them get search keys with covering indexes, like the
 * calls' own (a search takes the newest matches inside the index). A contentless full-text index
 * holds the words of notes under the call's rowid (with indexes of their 2- and 3-letter
 * prefixes: what an agent types first), so that a search for a common word can walk the
 * newest calls and test each against the matches without reading a row (the log is never
 * VACUUMed, which could renumber those rowids).
 */
export const migration006Intakes: Migration = {
  version: 6,
  name: 'intakes',
  up(db) {
    db.exec(`
      CREATE TABLE intakes (
        seq INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE REFERENCES calls (id),
        -- The call's start, for ordering search matches inside the indexes below.
        started_at INTEGER NOT NULL,
        -- Search keys of the name and phone number the intake recorded (names.ts, numbers.ts).
        name_key TEXT,
        name_key_last TEXT,
        phone_digits TEXT,
        form_id TEXT NOT NULL,
        form_version INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'submitted')),
        -- Personal and health answers (a JSON object); NULL once erased.
        personal_json TEXT,
        -- Answers tagged neither personal nor health (a JSON object).
        other_json TEXT NOT NULL,
        -- What was wrong with the draft as saved (a JSON array; messages may quote answers).
        problems_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        submitted_at INTEGER,
        purged_at INTEGER
      ) STRICT;
      CREATE INDEX intakes_unfinished ON intakes (updated_at) WHERE state = 'draft' AND purged_at IS NULL;
      CREATE INDEX intakes_by_name_key ON intakes (name_key, started_at, call_id);
      CREATE INDEX intakes_by_name_last ON intakes (name_key_last, started_at, call_id);
      CREATE INDEX intakes_by_phone ON intakes (phone_digits, started_at, call_id);
      CREATE VIRTUAL TABLE intake_search USING fts5 (
        text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      INSERT INTO intake_search (intake_search, rank) VALUES ('secure-delete', 1);
    `);
  },
};
