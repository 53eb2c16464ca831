import { describe, expect, it } from 'vitest';
import { callerIdFrom, cleanDisplayText, MAX_NAME_LENGTH, parseNameAddr } from '../../src/main/telephony/caller-id';

const headers = (overrides: Partial<Parameters<typeof callerIdFrom>[0]> = {}) => ({
  pAssertedIdentity: [],
  privacy: null,
  fromDisplayName: '',
  fromUri: 'sip:1001@127.0.0.1',
  ...overrides,
});

describe('caller ID', () => {
  it('prefers P-Asserted-Identity over From', () => {
    expect(
      callerIdFrom(
        headers({
          pAssertedIdentity: ['"Gesundheitsamt Leitstelle" <sip:+4930901820@pbx.example;user=phone>'],
          fromDisplayName: 'spoofed',
          fromUri: 'sip:9999@pbx.example',
        }),
      ),
    ).toEqual({ number: '+4930901820', name: 'Gesundheitsamt Leitstelle', anonymous: false });
  });

  it('reads a tel: URI in P-Asserted-Identity, and takes the From name when it has none', () => {
    expect(
      callerIdFrom(
        headers({
          pAssertedIdentity: ['<tel:+49-30-123456>'],
          fromDisplayName: 'Erika Mustermann',
          fromUri: 'sip:+4930123456@pbx',
        }),
      ),
    ).toEqual({
      number: '+4930123456',
      name: 'Erika Mustermann',
      anonymous: false,
    });
  });

  it('falls back to the From display name and user', () => {
    expect(
      callerIdFrom(headers({ fromDisplayName: 'Müller, Jürgen', fromUri: 'sip:017612345678@pbx.example' })),
    ).toEqual({
      number: '017612345678',
      name: 'Müller, Jürgen',
      anonymous: false,
    });
  });

  it('has no name when none was sent', () => {
    expect(callerIdFrom(headers({ fromUri: 'sip:+4940555@pbx' }))).toEqual({
      number: '+4940555',
      name: null,
      anonymous: false,
    });
  });

  it('shows anonymous callers as such', () => {
    const anonymous = { number: null, name: null, anonymous: true };
    expect(callerIdFrom(headers({ fromDisplayName: 'Anonymous', fromUri: 'sip:anonymous@anonymous.invalid' }))).toEqual(
      anonymous,
    );
    expect(callerIdFrom(headers({ fromUri: 'sip:anonymous@pbx.example' }))).toEqual(anonymous);
    expect(callerIdFrom(headers({ fromDisplayName: 'unknown', fromUri: 'sip:0@pbx' }))).toEqual(anonymous);
    expect(callerIdFrom(headers({ privacy: 'id', fromUri: 'sip:+4930123@pbx' }))).toEqual(anonymous);
  });

  it('keeps Unicode names, cleaned of control and direction-override characters', () => {
    expect(callerIdFrom(headers({ fromDisplayName: 'Zoë Ağaoğlu 😀', fromUri: 'sip:1@x' })).name).toBe(
      'Zoë Ağaoğlu 😀',
    );
    expect(
      callerIdFrom(headers({ fromDisplayName: 'Bob\u202Egnp.exe\u0007\r\n Smith', fromUri: 'sip:1@x' })).name,
    ).toBe('Bob gnp.exe Smith');
  });

  it('shortens a 300-character display name sanely', () => {
    const long = 'Ä'.repeat(300);
    const name = callerIdFrom(headers({ fromDisplayName: long, fromUri: 'sip:1@x' })).name!;
    expect([...name]).toHaveLength(MAX_NAME_LENGTH);
    expect(name.endsWith('…')).toBe(true);
  });

  it('does not split an emoji or accented letter when shortening', () => {
    const nurse = '👩‍⚕️';
    const text = `${'a'.repeat(MAX_NAME_LENGTH - 3)}${nurse.repeat(4)}`;
    expect(cleanDisplayText(text)).toBe(`${'a'.repeat(MAX_NAME_LENGTH - 3)}${nurse.repeat(2)}…`);
  });

  it('shows a user name that is not a number as text', () => {
    expect(callerIdFrom(headers({ fromUri: 'sip:empfang.nord@pbx.example' }))).toEqual({
      number: 'empfang.nord',
      name: null,
      anonymous: false,
    });
  });

  it('survives headers it cannot parse', () => {
    expect(callerIdFrom(headers({ pAssertedIdentity: ['<<<garbage', ''], fromUri: 'not a uri' }))).toEqual({
      number: null,
      name: null,
      anonymous: true,
    });
    expect(parseNameAddr('"unterminated <sip:1@x')).toBeNull();
    expect(() => callerIdFrom(headers({ fromDisplayName: 'x'.repeat(5000) }))).toThrow();
  });
});
