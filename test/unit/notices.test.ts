import { describe, expect, it } from 'vitest';
import { incomingCallNotice } from '../../src/main/telephony/notices';
import { SETTINGS } from '../../src/shared/settings';

describe('the incoming-call notification', () => {
  const caller = { number: '+4930123456', name: 'Erika Mustermann', anonymous: false };

  it('names nobody unless policy allows it (the OS keeps notifications outside the encrypted log)', () => {
    expect(SETTINGS['privacy.notificationCaller']).toMatchObject({ default: 'none', policyOnly: true });
    for (const language of ['de', 'en'] as const) {
      const notice = incomingCallNotice(caller, language);
      expect(JSON.stringify(notice)).not.toMatch(/Erika|Mustermann|4930123456/);
    }
    expect(incomingCallNotice(caller, 'de')).toEqual({
      title: 'Eingehender Anruf',
      body: 'Im Fenster von Hotline Desk annehmen oder abweisen',
    });
    expect(incomingCallNotice(caller, 'en')).toEqual({
      title: 'Incoming call',
      body: 'Answer or reject it in the Hotline Desk window',
    });
  });

  it('shows the number, or name and number, as the policy says', () => {
    expect(incomingCallNotice(caller, 'de', 'number').body).toBe('+4930123456');
    expect(incomingCallNotice(caller, 'de', 'name_and_number').body).toBe('Erika Mustermann (+4930123456)');
    expect(incomingCallNotice({ ...caller, name: null }, 'en', 'name_and_number').body).toBe('+4930123456');
    expect(incomingCallNotice({ number: null, name: null, anonymous: true }, 'en', 'number').body).toBe(
      'Unknown (number withheld)',
    );
  });
});
