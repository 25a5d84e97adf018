import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, maskPii } from '../src/pii';

const stars = (s: string) => '*'.repeat(s.length);

describe('maskPii', () => {
  it.each([
    ['a card with spaces', '4111 1111 1111 1111'],
    ['a card with dashes', '5500-0000-0000-0004'],
    ['an Amex number', '378282246310005'],
    ['a 19-digit card', '6304000000000000000'.slice(0, 18) + '0'],
    ['a US SSN', '123-45-6789'],
    ['an e-mail address', 'alice.smith+shop@mail.example.co.uk'],
    ['an international phone number', '+49 30 1234567'],
    ['an international phone number with brackets', '+1 (415) 555-2671'],
    ['a NANP phone number', '(415) 555-2671'],
    ['an IBAN in groups', 'DE89 3704 0044 0532 0130 00'],
    ['an IBAN without spaces', 'GB82WEST12345698765432'],
  ])('maskPii_masks %s', (_, pii) => {
    expect(maskPii(`before ${pii} after`)).toBe(`before ${stars(pii)} after`);
  });

  it.each([
    ['a number failing Luhn', 'Order 4111 1111 1111 1112'],
    ['a number too long for a card', 'Ref 41111111111111111111'],
    ['a short number', 'Call 555-1234 or 12345'],
    ['a date', 'Delivered 2026-12-03 at 14:05'],
    ['a version', 'Version 2.1.6 (build 20261203)'],
    ['an IBAN with a wrong check', 'DE88 3704 0044 0532 0130 00'],
    ['a handle', 'Follow @witness and user@localhost'],
    ['a price', 'Total: $1,299.00 + 19% VAT'],
    ['a short international number', 'Dial +49 30 12'],
  ])('maskPii_keeps %s', (_, text) => {
    expect(maskPii(text)).toBe(text);
  });

  it('maskPii_masksSeveralInOneText', () => {
    expect(maskPii('alice@example.com paid with 4111111111111111')).toBe(
      `${stars('alice@example.com')} paid with ${stars('4111111111111111')}`,
    );
  });

  it('luhnValid_andIbanValid', () => {
    expect(['4111111111111111', '79927398713', '0'].map(luhnValid)).toEqual([true, true, true]);
    expect(['4111111111111112', '79927398710'].map(luhnValid)).toEqual([false, false]);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
  });
});
