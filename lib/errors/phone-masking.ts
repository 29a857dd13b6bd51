/**
 * Phone numbers are personal data: a gateway's refusal may echo the recipient (`Number
 * 79991234567 is blacklisted`), and that text reaches error messages, events, logs and health
 * details. Every run of digits long enough to be a number is cut down to its last
 * {@link KEPT_DIGITS} digits, in every form a PHP gateway may echo it: international digits,
 * `+7…`, `8…`, spaced, dashed or bracketed (`+7 (999) 123-45-67`), percent-encoded
 * (`%2B7%20999…`, form-encoded `+7+999+…`), JSON-escaped (`\u0037`) or HTML-escaped (`&#55;`).
 *
 * One left-to-right scan with a bounded look at each position: linear in the text's length.
 */

/** Digits of a number left visible, as payment cards show them. */
export const KEPT_DIGITS = 4;

/**
 * Fewer digits than this in a run are left as they are: the shortest international numbers
 * (country code included) have seven digits; counts, prices and HTTP statuses have fewer.
 */
export const MIN_MASKED_DIGITS = 7;

/** Separators that may stand between two runs of digits of one number. */
const MAX_SEPARATORS_BETWEEN_DIGITS = 2;

/** What replaces the hidden digits. */
const HIDDEN = '***';

const isDigitCode = (code: number) => code >= 48 && code <= 57;

const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
};

/**
 * The character an escape at `at` stands for, and how long the escape is: `%37` (and `%2537`,
 * encoded twice), `\u0037`, `&#55;`, `&#x37;`, `&nbsp;`. Undefined for no escape.
 */
function escapeAt(text: string, at: number): { char: number; length: number } | undefined {
  const lead = text.charCodeAt(at);
  if (lead === 37 /* % */) {
    let start = at + 1;
    // `%25` before the escape: encoded twice.
    if (text.startsWith('25', start) && hexValue(text.charCodeAt(start + 2)) >= 0) start += 2;
    const high = hexValue(text.charCodeAt(start));
    const low = hexValue(text.charCodeAt(start + 1));
    return high >= 0 && low >= 0 ? { char: high * 16 + low, length: start + 2 - at } : undefined;
  }
  if (lead === 92 /* \ */ && (text.charCodeAt(at + 1) | 0x20) === 117 /* u */) {
    let value = 0;
    for (let i = 2; i < 6; i++) {
      const digit = hexValue(text.charCodeAt(at + i));
      if (digit < 0) return undefined;
      value = value * 16 + digit;
    }
    return { char: value, length: 6 };
  }
  if (lead === 38 /* & */) {
    if (text.startsWith('&nbsp;', at)) return { char: 32, length: 6 };
    if (text.charCodeAt(at + 1) !== 35 /* # */) return undefined;
    const hex = (text.charCodeAt(at + 2) | 0x20) === 120; /* x */
    let i = at + (hex ? 3 : 2);
    let value = 0;
    let digits = 0;
    // At most 6 characters of number: a bounded look, whatever follows.
    for (; digits < 6; i++, digits++) {
      const code = text.charCodeAt(i);
      const digit = hex ? hexValue(code) : isDigitCode(code) ? code - 48 : -1;
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + digit;
    }
    if (digits === 0 || text.charCodeAt(i) !== 59 /* ; */) return undefined;
    return { char: value, length: i + 1 - at };
  }
  return undefined;
}

/** Characters a person or a formatter puts between the digits of one number. */
const isSeparatorChar = (code: number) =>
  code === 32 || // space
  code === 43 || // `+`: a form-encoded space, or the number's own plus
  code === 45 || // `-`
  code === 40 || // `(`
  code === 41 || // `)`
  code === 0xa0 || // no-break space
  code === 0x2011 || // non-breaking hyphen
  code === 0x2012 || // figure dash
  code === 0x2013 || // en dash
  code === 0x2009 || // thin space
  code === 0x202f; // narrow no-break space

type Token = { digit: true; value: number; length: number } | { digit: false; length: number };

/** The digit or separator at `at`, raw or escaped; undefined for anything else. */
function tokenAt(text: string, at: number): Token | undefined {
  const code = text.charCodeAt(at);
  if (isDigitCode(code)) return { digit: true, value: code - 48, length: 1 };
  if (isSeparatorChar(code)) return { digit: false, length: 1 };
  const escape = escapeAt(text, at);
  if (!escape) return undefined;
  if (isDigitCode(escape.char))
    return { digit: true, value: escape.char - 48, length: escape.length };
  if (isSeparatorChar(escape.char)) return { digit: false, length: escape.length };
  return undefined;
}

/**
 * `text` with every phone number in it reduced to its last {@link KEPT_DIGITS} digits:
 * `Number 79991234567 is blacklisted` → `Number ***4567 is blacklisted`. Runs of fewer than
 * {@link MIN_MASKED_DIGITS} digits (statuses, counts, prices) are left whole.
 */
export function maskPhoneNumbers(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let at = 0;
  while (at < text.length) {
    const first = tokenAt(text, at);
    // A number starts at a digit: a `+` or a bracket before it stays.
    if (!first?.digit) {
      at += 1;
      continue;
    }
    const start = at;
    let end = at;
    let digits = 0;
    // The last KEPT_DIGITS digits seen, kept as they are; the ring is short and fixed.
    const kept: number[] = [];
    let separators = 0;
    let position = at;
    for (;;) {
      const token = tokenAt(text, position);
      if (!token) break;
      if (token.digit) {
        digits += 1;
        kept.push(token.value);
        if (kept.length > KEPT_DIGITS) kept.shift();
        separators = 0;
        position += token.length;
        end = position;
      } else {
        separators += 1;
        if (separators > MAX_SEPARATORS_BETWEEN_DIGITS) break;
        position += token.length;
      }
    }
    if (digits >= MIN_MASKED_DIGITS) {
      result += text.slice(copiedUpTo, start) + HIDDEN + kept.join('');
      copiedUpTo = end;
    }
    // Separators after the last digit are looked at again: a bounded cost, and still linear.
    at = end;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}
