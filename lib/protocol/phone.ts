import { parsePhoneNumberFromString } from 'libphonenumber-js';

const INTERNATIONAL_DIGITS = /^[1-9]\d{9,14}$/;

/**
 * The international digits the gateway wants (`79991234567`) for what a person typed:
 * `+7 (999) 123-45-67`, `8 999 123 45 67`, `79991234567`, `+380 50 123 4567`.
 * Numbers without a country code are read as Russian. `undefined` when the input cannot be a
 * phone number.
 */
export function toInternationalDigits(input: string): string | undefined {
  const trimmed = input.trim();
  let phone = parsePhoneNumberFromString(trimmed, 'RU');
  // Digits typed without '+' may already be international (380…, 1…): try that reading too.
  if (!phone?.isPossible() && INTERNATIONAL_DIGITS.test(trimmed)) {
    phone = parsePhoneNumberFromString(`+${trimmed}`);
  }
  return phone?.isPossible() ? phone.number.slice(1) : undefined;
}

/**
 * True when `digits` (no '+') are the international form of a possible number, as
 * `toInternationalDigits` returns them. Read with '+' so that a foreign number is not taken for a
 * Russian one a second time.
 */
export function isPossibleInternationalDigits(digits: string): boolean {
  return /^\d+$/.test(digits) && parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true;
}
