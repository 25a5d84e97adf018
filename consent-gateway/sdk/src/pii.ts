/**
 * A small detector of personal data in recorded text (policy `masking.piiText`): card numbers (13–19 digits,
 * spaces or dashes allowed between them, Luhn-valid), US SSNs (AAA-GG-SSSS), e-mail addresses, phone numbers
 * (`+` and 8–15 digits with separators, or NANP `(xxx) xxx-xxxx`) and IBANs (mod 97). Each match is replaced by
 * `*` of the same length, so the layout of a replay stays the same.
 *
 * It is deliberately small (it ships in every page) and errs on the side of masking: any 13–19 digit Luhn-valid
 * number is masked, card or not. The appliance's admission checks again on the server (PII quarantine).
 * No lookbehind: Safari before 16.4 rejects such a RegExp when the script is parsed.
 */

/** Each pattern with an optional check of the match without its spaces and dashes. */
const RULES: Array<[RegExp, ((compact: string) => boolean)?]> = [
  [/\b[A-Z]{2}\d\d(?: ?[A-Z\d]){11,30}\b/g, ibanValid],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g],
  [/\b\d(?:[ -]?\d){12,18}\b/g, luhnValid],
  [/\b\d{3}-\d\d-\d{4}\b/g],
  [/\+\d(?:[ .()-]{0,2}\d){7,14}\b/g],
  [/\(\d{3}\) ?\d{3}[ .-]\d{4}\b/g],
];

/** `text` with every card number, SSN, e-mail address, phone number and IBAN replaced by `*`s. */
export function maskPii(text: string): string {
  // The common case, also for tables full of figures and dates: nothing any rule could match (an @, an IBAN's
  // country and check digits, or 7 digits with at most two separators between each).
  if (!/@|[A-Z]{2}\d\d|\d(?:[ ().+-]{0,2}\d){6}/.test(text)) return text;
  for (const [re, valid] of RULES) {
    text = text.replace(re, (m) => (!valid || valid(m.replace(/[ -]/g, '')) ? '*'.repeat(m.length) : m));
  }
  return text;
}

/** The Luhn check of a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = +digits[digits.length - 1 - i] * (i % 2 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0;
}

/** The IBAN check (ISO 13616): the country and check digits moved to the end, letters as 10–35, mod 97 is 1. */
export function ibanValid(iban: string): boolean {
  let rest = 0;
  for (const c of iban.slice(4) + iban.slice(0, 4)) rest = (rest * (c > '9' ? 100 : 10) + parseInt(c, 36)) % 97;
  return rest === 1;
}
