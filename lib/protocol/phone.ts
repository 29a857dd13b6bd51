import type * as LibPhoneNumber from 'libphonenumber-js';
import { packageRequire } from '../util/package-require.cjs';

/**
 * libphonenumber-js, loaded on the first number that needs it rather than at boot, and as its
 * CommonJS build: the one class-validator already loads, so the app holds one copy, not two.
 */
let parser: typeof LibPhoneNumber.parsePhoneNumberFromString | undefined;
const parsePhoneNumberFromString: typeof LibPhoneNumber.parsePhoneNumberFromString = (...args) => {
  parser ??= (packageRequire('libphonenumber-js') as typeof LibPhoneNumber)
    .parsePhoneNumberFromString;
  return parser(...args);
};

const INTERNATIONAL_DIGITS = /^[1-9]\d{9,14}$/;

/**
 * `7` and ten digits, the form most lists already use: libphonenumber returns every such string
 * unchanged and possible (zone 7 national numbers are ten digits, and possibility is a matter of
 * length), so it is answered without a parse, which costs ~9 µs per number.
 */
const ZONE_7_DIGITS = /^7\d{10}$/;

/** What a person may type around the digits of one number: spaces, dashes, brackets, a `+`. */
const ONE_NUMBER_CHARACTERS = /^\+?[\d\s()-]+$/;

/** Separators of the lists exported spreadsheets hold: `79991234567;79997654321`. */
const LIST_SEPARATORS = /[;,|\n]+/;

/** Why a string is not one phone number: it holds several, or it is no number at all. */
export type PhoneProblem = 'several numbers' | 'not a phone number';

function readOne(input: string): string | undefined {
  const trimmed = input.trim();
  if (ZONE_7_DIGITS.test(trimmed)) return trimmed;
  // Strict: the whole string is the number, nothing around it, no extension.
  if (!ONE_NUMBER_CHARACTERS.test(trimmed)) return undefined;
  // One pair of brackets around an area code at most: `7(999)1234567)` is a typo, not a number.
  const brackets = trimmed.replace(/[^()]/g, '');
  if (brackets !== '' && brackets !== '()') return undefined;
  let phone = parsePhoneNumberFromString(trimmed, { defaultCountry: 'RU', extract: false });
  // Digits typed without '+' may already be international (380…, 1…): try that reading too.
  if (!phone?.isPossible() && INTERNATIONAL_DIGITS.test(trimmed)) {
    phone = parsePhoneNumberFromString(`+${trimmed}`, { extract: false });
  }
  return phone?.isPossible() && phone.ext === undefined ? phone.number.slice(1) : undefined;
}

/**
 * The international digits the gateway wants (`79991234567`) for what a person typed:
 * `+7 (999) 123-45-67`, `8 999 123 45 67`, `79991234567`, `+380 50 123 4567`.
 * Numbers without a country code are read as Russian. The string must be exactly one number:
 * `undefined` for text around it, an extension or several numbers.
 */
export function toInternationalDigits(input: string): string | undefined {
  return readOne(input);
}

/** Why `input` is not one phone number, for a message that helps fix it. */
export function phoneProblem(input: string): PhoneProblem {
  const parts = input.split(LIST_SEPARATORS).filter((part) => part.trim() !== '');
  return parts.length > 1 && parts.every((part) => readOne(part) !== undefined)
    ? 'several numbers'
    : 'not a phone number';
}

/**
 * True when `digits` (no '+') are the international form of a possible number, as
 * `toInternationalDigits` returns them. Read with '+' so that a foreign number is not taken for a
 * Russian one a second time.
 */
export function isPossibleInternationalDigits(digits: string): boolean {
  if (ZONE_7_DIGITS.test(digits)) return true;
  return /^\d+$/.test(digits) && parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true;
}

/**
 * The ISO 3166 alpha-2 country of international digits (`RU` for `79991234567`), as
 * libphonenumber assigns it; `undefined` when no single country owns the number.
 */
export function countryOfInternationalDigits(digits: string): string | undefined {
  return parsePhoneNumberFromString(`+${digits}`)?.country;
}
