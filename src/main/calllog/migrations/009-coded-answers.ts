import type { Migration } from './migration';

/**
 * An answer as only a coded field can give it: empty, or a short option code (the form's option
 * values: a lower-case letter or digit, then letters, digits, _ and -) that is neither a date nor
 * a run of four or more digits (a postcode, a phone number). `v` is an SQL expression.
 */
function coded(v: string): string {
  return `(${v} = '' OR (length(${v}) <= 40 AND ${v} GLOB '[a-z0-9]*' AND ${v} NOT GLOB '*[^A-Za-z0-9_-]*'
    AND ${v} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND NOT (length(${v}) >= 4 AND ${v} NOT GLOB '*[^0-9]*')))`;
}

/**
 * The fields the shipped form (public-health, version 1) tags "none": in its intakes, every
 * other answer in other_json can only be there because the form was re-tagged.
 */
const DEFAULT_FORM_NONE_FIELDS = `'callType', 'privacyNotice'`;

/**
 * `other_json` of the row with every answer that is not coded (or, for the shipped form, not "none"
 * there) left out. Erasure (call-log.ts) prunes the same way, for intakes saved before version 9.
 */
export const CODED_OTHER_JSON = `(SELECT coalesce(json_group_object(answer.key,
    CASE answer.type WHEN 'array' THEN json(answer.value) ELSE answer.value END), '{}')
  FROM json_each(intakes.other_json) AS answer
  WHERE (NOT (intakes.form_id = 'public-health' AND intakes.form_version = 1)
         OR answer.key IN (${DEFAULT_FORM_NONE_FIELDS}))
    AND ((answer.type = 'text' AND ${coded('answer.value')})
      OR (answer.type = 'array' AND NOT EXISTS (
        SELECT 1 FROM json_each(answer.value) AS item WHERE item.type != 'text' OR NOT ${coded('item.value')}))))`;

/**
 * Each intake records the hash of the form definition it was saved under (with its id and
 * version: two policies may reuse both). And the answers that leaked into `other_json`: before
 * this version an agent could re-tag a form's fields as "none" (intake.form was a user setting),
 * so names, streets and notes were stored with the anonymous answers, which retention and erasure
 * keep. In every erased intake, only answers a coded field (a choice, yes/no/unknown) could give
 * stay; free text, dates, phone numbers and postcodes go; in intakes of the shipped form, only the
 * answers of its two "none" fields stay. secure_delete overwrites the old bytes.
 */
export const migration009CodedAnswers: Migration = {
  version: 9,
  name: 'coded-answers',
  up(db) {
    db.exec(`
      ALTER TABLE intakes ADD COLUMN form_hash TEXT;
      UPDATE intakes SET other_json = ${CODED_OTHER_JSON}
        WHERE purged_at IS NOT NULL AND other_json IS NOT ${CODED_OTHER_JSON};
    `);
  },
};
