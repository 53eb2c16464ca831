import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csvCell, csvHeader, csvRowWriter, csvText } from '../../src/main/reports/csv';
import { ageBand, daysFromCall, planExport } from '../../src/main/reports/export-rows';
import { organisationKey, Pseudonymizer, pseudonymizer } from '../../src/main/reports/pseudonym';
import { parseCsvRecord } from '../../src/main/core/csv-record';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';

describe('CSV fields', () => {
  it('guards every formula start with a leading apostrophe in quotes, in both dialects', () => {
    for (const separator of [';', ','])
      for (const value of ['=1+1', '+49 30 123', '-5', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x";"y")'])
        expect(csvText(value, separator)).toBe(`"'${value.replace(/"/g, '""')}"`);
  });

  it('quotes only what needs it: the separator in use, quotes and line breaks', () => {
    expect(csvText('Müller, Anna', ';')).toBe('Müller, Anna');
    expect(csvText('Müller, Anna', ',')).toBe('"Müller, Anna"');
    expect(csvText('a;b', ';')).toBe('"a;b"');
    expect(csvText('a;b', ',')).toBe('a;b');
    expect(csvText('say "hi"', ',')).toBe('"say ""hi"""');
    expect(csvText('two\nlines', ';')).toBe('"two\nlines"');
    expect(csvText('Größe', ';')).toBe('Größe');
  });

  it('writes times, durations and decimals per dialect; an empty cell for nothing', () => {
    const at = Date.UTC(2026, 2, 29, 1, 30, 5);
    expect(csvCell(at, 'datetime', 'de', ';')).toBe('29.03.2026 03:30:05');
    expect(csvCell(at, 'datetime', 'iso', ',')).toBe('2026-03-29T01:30:05Z');
    expect(csvCell(3723.4, 'duration', 'de', ';')).toBe('1:02:03');
    expect(csvCell(97_200, 'duration', 'de', ';')).toBe('27:00:00');
    expect(csvCell(3723.456, 'duration', 'iso', ',')).toBe('3723.456');
    expect(csvCell(4.25, 'decimal', 'de', ';')).toBe('4,25');
    expect(csvCell(4.25, 'decimal', 'iso', ',')).toBe('4.25');
    expect(csvCell(-3, 'integer', 'de', ';')).toBe('-3');
    expect(csvCell('1980-02-29', 'date', 'de', ';')).toBe('29.02.1980');
    expect(csvCell('1980-02-29', 'date', 'iso', ',')).toBe('1980-02-29');
    expect(csvCell(null, 'text', 'de', ';')).toBe('');
    // A date column holding something else (a draft's typing) is guarded text like any other.
    expect(csvCell('=HYPERLINK("x");a,b\nc', 'date', 'iso', ',')).toBe('"\'=HYPERLINK(""x"");a,b\nc"');
    expect(csvCell('12.3.;x', 'date', 'de', ';')).toBe('"12.3.;x"');
  });

  it('a header with the byte order mark for csv-de only; records end in CRLF and read back', () => {
    const columns = [
      { name: 'name', kind: 'text' },
      { name: 'started_at', kind: 'datetime' },
    ] as const;
    expect(csvHeader(columns, 'de')).toBe('\uFEFFname;started_at\r\n');
    expect(csvHeader(columns, 'iso')).toBe('name,started_at\r\n');
    const line = csvRowWriter(columns, 'iso')(['a,"b"', 0]);
    expect(line).toBe('"a,""b""",1970-01-01T00:00:00Z\r\n');
    expect(parseCsvRecord(line.slice(0, -2), ',')).toEqual(['a,"b"', '1970-01-01T00:00:00Z']);
  });
});

/** A raw row of the export query (as SQLite gives it), with the intake's two JSON objects. */
function rawRow(personal: Record<string, unknown>, other: Record<string, unknown>): unknown[] {
  const row: unknown[] = new Array(20).fill(null);
  Object.assign(row, {
    0: 'call-1',
    1: 'inbound',
    3: Date.UTC(2026, 5, 1, 8),
    9: 'answered',
    11: 'data_call',
    12: '49301234567',
    13: 'draft',
    18: JSON.stringify(personal),
    19: JSON.stringify(other),
  });
  return row;
}

describe('pseudonymisation', () => {
  it('keeps only the form’s codes: a draft’s typing in a choice, yes/no or postcode field never leaves', () => {
    const plan = planExport({
      form: DEFAULT_INTAKE_FORM,
      identified: false,
      range: { from: '2026-01-01', to: '2026-12-31' },
      filter: { outcomes: [] },
      installationId: 'i',
      pseudonyms: pseudonymizer('', 'ab'.repeat(32)),
    });
    const column = (name: string) => plan.columns.findIndex((each) => each.name === name);
    const typed = 'Erika Mustermann, Hauptstr. 5';
    const cells = plan.cells(
      rawRow(
        { sex: typed, triage: typed, postcode: 'Hauptstr 5', symptoms: ['fever', typed], contactWithCase: typed },
        { callType: typed },
      ),
    );
    expect(JSON.stringify(cells)).not.toMatch(/Erika|Haupt/);
    expect(cells[column('intake_sex')]).toBeNull();
    expect(cells[column('triage')]).toBeNull();
    expect(cells[column('intake_triage')]).toBeNull();
    expect(cells[column('intake_postcode_prefix')]).toBeNull();
    expect(cells[column('intake_symptoms')]).toBe('fever');
    expect(cells[column('intake_contactWithCase')]).toBeNull();
    expect(cells[column('intake_callType')]).toBeNull();
    const good = plan.cells(
      rawRow(
        { sex: 'female', triage: 'see_gp', postcode: '01067', symptoms: ['fever', 'cough'] },
        { callType: 'data_call' },
      ),
    );
    expect(good[column('intake_sex')]).toBe('female');
    expect(good[column('triage')]).toBe('see_gp');
    expect(good[column('intake_postcode_prefix')]).toBe('010xx');
    expect(good[column('intake_symptoms')]).toBe('fever|cough');
    expect(good[column('intake_callType')]).toBe('data_call');
  });

  it('caller_ref is HMAC-SHA256 of the digits, 128 bits in hex, as any HMAC implementation gives it', () => {
    const key = Buffer.alloc(32, 7);
    const refs = new Pseudonymizer(key, 'installation');
    for (const digits of ['49301234567', '1001', '', '4915112345678901234', 'x'.repeat(80)])
      expect(refs.ref(digits)).toBe(createHmac('sha256', key).update(digits).digest('hex').slice(0, 32));
    // A key longer than a block is hashed first (RFC 2104).
    const long = Buffer.alloc(100, 3);
    expect(new Pseudonymizer(long, 'organisation').ref('4930')).toBe(
      createHmac('sha256', long).update('4930').digest('hex').slice(0, 32),
    );
  });

  it('the organisation’s key from policy wins; without it, the installation’s own', () => {
    const organisation = Buffer.alloc(32, 1).toString('base64');
    expect(organisationKey('')).toBeNull();
    expect(organisationKey(Buffer.alloc(8).toString('base64'))).toBeNull();
    expect(pseudonymizer(organisation, 'ab'.repeat(32)).source).toBe('organisation');
    expect(pseudonymizer('', 'ab'.repeat(32)).source).toBe('installation');
    // Two laptops with the organisation's key give a caller the same ref.
    expect(pseudonymizer(organisation, '01'.repeat(32)).ref('4930')).toBe(
      pseudonymizer(organisation, '02'.repeat(32)).ref('4930'),
    );
    expect(pseudonymizer('', '01'.repeat(32)).ref('4930')).not.toBe(pseudonymizer('', '02'.repeat(32)).ref('4930'));
  });

  it('a birth date becomes the RKI age group on the day of the call; other dates the days from it', () => {
    expect(ageBand('2022-05-10', '2026-05-09')).toBe('A00-A04');
    expect(ageBand('2021-05-10', '2026-05-10')).toBe('A05-A14');
    expect(ageBand('1992-03-01', '2026-02-28')).toBe('A15-A34');
    expect(ageBand('1991-02-28', '2026-02-28')).toBe('A35-A59');
    expect(ageBand('1960-01-01', '2026-01-01')).toBe('A60-A79');
    expect(ageBand('1940-01-01', '2026-01-01')).toBe('A80+');
    expect(ageBand('2030-01-01', '2026-01-01')).toBeNull();
    expect(ageBand('not a date', '2026-01-01')).toBeNull();
    expect(daysFromCall('2026-03-27', '2026-03-30')).toBe(-3);
    expect(daysFromCall('2026-10-26', '2026-10-24')).toBe(2);
  });

  it('a pseudonymised export has no column for names, numbers, addresses or free text; an identified one has them', () => {
    const plan = (identified: boolean) =>
      planExport({
        form: DEFAULT_INTAKE_FORM,
        identified,
        range: { from: '2026-01-01', to: '2026-01-31' },
        filter: { outcomes: [] },
        installationId: 'i',
        pseudonyms: pseudonymizer('', 'ab'.repeat(32)),
      }).columns.map((column) => column.name);
    const pseudonymised = plan(false);
    const freeOrIdentifying = DEFAULT_INTAKE_FORM.fields
      .filter((field) => field.type === 'text' || field.type === 'phone')
      .map((field) => `intake_${field.id}`);
    expect(freeOrIdentifying).toEqual(['intake_name', 'intake_phone', 'intake_street', 'intake_city', 'intake_note']);
    for (const column of [...freeOrIdentifying, 'intake_birthDate', 'intake_postcode', 'remote_number', 'remote_name'])
      expect(pseudonymised).not.toContain(column);
    expect(pseudonymised).toEqual(
      expect.arrayContaining([
        'caller_ref',
        'intake_birthDate_age_band',
        'intake_postcode_prefix',
        'intake_symptomOnset_days_from_call',
        'intake_triage',
        'intake_symptoms',
      ]),
    );
    expect(plan(true)).toEqual(
      expect.arrayContaining(['remote_number', 'remote_name', 'intake_name', 'intake_note', 'intake_birthDate']),
    );
  });
});
