import { describe, expect, it } from 'vitest';
import defaultFormJson from '../../assets/intake/public-health.json';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import {
  CONDITION_MAX_DEPTH,
  formDefinitionSchema,
  personalDataOpen,
  shownFields,
  type Condition,
  type FormDefinition,
  type IntakeValues,
} from '../../src/shared/intake/form';
import { checkIntake, toE164 } from '../../src/shared/intake/validate';
import { SETTINGS } from '../../src/shared/settings';
import vaccinationLine from '../fixtures/intake/vaccination-line.json';

const form = DEFAULT_INTAKE_FORM;
const today = new Date(2026, 10, 28, 12, 0);
const ids = (values: IntakeValues) => shownFields(form, values).map((field) => field.id);
const problems = (values: IntakeValues) =>
  checkIntake(form, values, today).problems.map((problem) => `${problem.field}:${problem.code}`);

/** A complete data call as an agent would enter it. */
const dataCall: IntakeValues = {
  callType: 'data_call',
  name: 'Erika Mustermann',
  birthDate: '1964-08-12',
  sex: 'female',
  phone: '030 1234567',
  street: 'Heidestraße 17',
  postcode: '51147',
  city: 'Köln',
  symptoms: ['fever', 'cough'],
  symptomOnset: '2026-11-25',
  contactWithCase: 'yes',
  travelRiskArea: 'no',
  worksInCare: 'unknown',
  riskGroup: 'no',
  triage: 'test_appointment',
  appointmentDate: '2026-11-30',
  appointmentSlot: '10-12',
  appointmentSite: 'stadium',
  note: 'Hustet seit Mittwoch',
  privacyNotice: 'yes',
};

describe('the default intake form (assets/intake/public-health.json)', () => {
  it('has the public-health fields in order, and nothing a hotline must not ask', () => {
    expect(form.fields.map((field) => field.id)).toEqual([
      'callType',
      'name',
      'birthDate',
      'sex',
      'phone',
      'street',
      'postcode',
      'city',
      'symptoms',
      'symptomOnset',
      'contactWithCase',
      'travelRiskArea',
      'worksInCare',
      'riskGroup',
      'triage',
      'appointmentDate',
      'appointmentSlot',
      'appointmentSite',
      'note',
      'privacyNotice',
    ]);
    // What the form asks for: field ids and labels (a hint may say what not to write down).
    const asked = form.fields
      .flatMap((field) => [field.id, field.label.de, field.label.en])
      .join(' ')
      .toLowerCase();
    for (const forbidden of [
      'insurance',
      'versicher',
      'passport',
      'ausweis',
      'birthplace',
      'geburtsort',
      'nationality',
      'staatsangehörigkeit',
    ])
      expect(asked, forbidden).not.toContain(forbidden);
    expect(form.fields.find((field) => field.id === 'callType')).toMatchObject({
      type: 'choice',
      tag: 'none',
      required: true,
    });
    expect(form.fields.filter((field) => field.tag === 'health').map((field) => field.id)).toEqual([
      'symptoms',
      'symptomOnset',
      'contactWithCase',
      'travelRiskArea',
      'riskGroup',
      'triage',
      'note',
    ]);
    // Every label in both languages.
    for (const field of form.fields) expect(field.label.de !== '' && field.label.en !== '').toBe(true);
  });

  it('opens no personal or health field for a call that is not a data call', () => {
    for (const callType of ['silent', 'hang_up', 'information', 'wrong_number', 'emergency_112', '']) {
      expect(personalDataOpen(form, { callType })).toBe(false);
      expect(ids({ callType, name: 'Erika', note: 'x' })).toEqual(['callType']);
    }
    // Whatever was typed before the call type changed is not kept.
    const checked = checkIntake(form, { ...dataCall, callType: 'wrong_number' }, today);
    expect(checked.values).toEqual({ callType: 'wrong_number' });
    expect(checked.problems).toEqual([]);
  });

  it('shows the onset only with symptoms, and the appointment only for a swab appointment', () => {
    expect(ids({ callType: 'data_call' })).not.toContain('symptomOnset');
    expect(ids({ callType: 'data_call', symptoms: ['fever'] })).toContain('symptomOnset');
    expect(ids({ callType: 'data_call', triage: 'self_isolation' })).not.toContain('appointmentDate');
    expect(ids(dataCall)).toEqual(form.fields.map((field) => field.id));
  });

  it('accepts a complete data call, normalizing the phone number to E.164', () => {
    const checked = checkIntake(form, dataCall, today);
    expect(checked.problems).toEqual([]);
    expect(checked.values.phone).toBe('+49301234567');
    expect(checked.values.symptoms).toEqual(['fever', 'cough']);
  });

  it('names what is missing or wrong, in German and English', () => {
    expect(problems({})).toEqual(['callType:required']);
    expect(problems({ callType: 'data_call' })).toEqual(['name:required', 'triage:required', 'privacyNotice:required']);
    expect(
      problems({
        ...dataCall,
        birthDate: '2030-01-01',
        postcode: '1234',
        phone: '12',
        symptomOnset: '',
        appointmentDate: '2026-11-01',
        sex: 'robot',
        note: 'x'.repeat(501),
      }),
    ).toEqual([
      'birthDate:in_future',
      'sex:not_an_option',
      'phone:not_a_phone',
      'postcode:not_a_postcode',
      'symptomOnset:required',
      'appointmentDate:in_past',
      'note:too_long',
    ]);
    const [postcode] = checkIntake(form, { ...dataCall, postcode: '1234' }, today).problems;
    expect(postcode?.message).toEqual({
      de: 'Postleitzahl: fünf Ziffern, z. B. 10115.',
      en: 'Postcode: five digits, such as 10115.',
    });
    expect(problems({ ...dataCall, birthDate: '2023-02-30' })).toEqual(['birthDate:not_a_date']);
  });

  it('keeps a wrong value as it was entered (a draft is never lost), and drops unknown fields', () => {
    const checked = checkIntake(form, { ...dataCall, postcode: '1234', insuranceNumber: 'A123456789' }, today);
    expect(checked.values.postcode).toBe('1234');
    expect(checked.values).not.toHaveProperty('insuranceNumber');
  });
});

describe('phone numbers', () => {
  it('become E.164 from the ways people write them', () => {
    expect(toE164('030 1234567')).toBe('+49301234567');
    expect(toE164('(030) 123 45-67')).toBe('+49301234567');
    expect(toE164('0049 30 1234567')).toBe('+49301234567');
    expect(toE164('+43 1 5134567')).toBe('+4315134567');
    expect(toE164('0171/1234567')).toBe('+491711234567');
    expect(toE164('1001')).toBeNull();
    expect(toE164('+49 30')).toBeNull();
    expect(toE164('030 ABC')).toBeNull();
  });
});

describe('a form definition from a policy', () => {
  const base = JSON.parse(JSON.stringify(defaultFormJson)) as Record<string, unknown> & {
    fields: Record<string, unknown>[];
  };
  const message = (definition: unknown) => {
    const parsed = formDefinitionSchema.safeParse(definition);
    return parsed.success
      ? 'ok'
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join(' | ');
  };

  it('is checked like the default, naming what is wrong', () => {
    expect(message(base)).toBe('ok');
    expect(message({ ...base, fields: [...base.fields, { ...base.fields[1] }] })).toMatch(
      /fields\.20\.id: duplicate field id name/,
    );
    const forward = structuredClone(base);
    forward.fields[1] = { ...forward.fields[1], shownWhen: { field: 'note', filled: true } };
    expect(message(forward)).toMatch(/fields\.1\.shownWhen: refers to note, which is not an earlier field/);
    expect(message({ ...base, dispositionField: 'name' })).toMatch(
      /dispositionField: expected a single choice field tagged "none"/,
    );
    expect(message({ ...base, personalDataWhen: { field: 'name', filled: true } })).toMatch(
      /personalDataWhen: refers to name/,
    );
    // Free answers are the caller's whatever the form says: only coded fields may be "none".
    const retagged = structuredClone(base);
    retagged.fields[1] = { ...retagged.fields[1], tag: 'none' };
    expect(message(retagged)).toBe(
      'fields.1.tag: a text answer holds personal or health data: tag it "personal" or "health" (only choice and yesNoUnknown fields may be "none")',
    );
    const wrongType = structuredClone(base);
    wrongType.fields[2] = { ...wrongType.fields[2], type: 'signature' };
    expect(message(wrongType)).toMatch(/fields\.2\.type/);
  });

  it('takes conditions nested up to CONDITION_MAX_DEPTH levels and refuses deeper ones', () => {
    const nested = (depth: number): Condition => {
      let condition: Condition = { field: 'callType', equals: 'data_call' };
      for (let level = 1; level < depth; level++) condition = level % 2 ? { all: [condition] } : { any: [condition] };
      return condition;
    };
    expect(message({ ...base, personalDataWhen: nested(CONDITION_MAX_DEPTH) })).toBe('ok');
    expect(message({ ...base, personalDataWhen: nested(CONDITION_MAX_DEPTH + 1) })).toMatch(/^personalDataWhen/);
  });

  it('replaces the default through the intake.form setting (a policy key), which takes null for the default', () => {
    const schema = SETTINGS['intake.form'].schema;
    expect(schema.safeParse(null).success).toBe(true);
    const small: FormDefinition = formDefinitionSchema.parse(vaccinationLine);
    expect(schema.safeParse(small).success).toBe(true);
    expect(schema.safeParse({ ...small, fields: [] }).success).toBe(false);
  });
});
