/**
 * A number's digits in one form for searching: international without "+", German national
 * numbers (0…) as 49…, "00…" without the 00. "+49 30 1234567", "030 1234567" and "0049301234567"
 * all become 49301234567; a short extension stays as it is.
 */
export function searchDigits(number: string): string {
  const digits = number.replace(/\D/g, '');
  if (number.trim().startsWith('+')) return digits;
  if (digits.startsWith('00')) return digits.slice(2);
  if (digits.startsWith('0')) return `49${digits.slice(1)}`;
  return digits;
}
