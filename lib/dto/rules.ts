import {
  isEmail,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { validUntilProblem } from '../protocol/moscow-time.js';
import {
  isPossibleInternationalDigits,
  phoneProblem,
  toInternationalDigits,
} from '../protocol/phone.js';
import { hasUrlUnsafeCharacter } from '../protocol/query.js';

/** A custom class-validator rule, so the DTOs work the same under Nest's ValidationPipe. */
export function rule(
  name: string,
  isValid: (value: unknown, object: Record<string, unknown>) => boolean,
  message: string | ((args: ValidationArguments) => string),
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: {
        validate: (value, args) => isValid(value, args!.object as Record<string, unknown>),
      },
    });
}

export const isPresent = (value: unknown) => value !== undefined && value !== null;

/** Text that UTF-8 can carry: a lone surrogate cannot be percent-encoded. */
const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.isWellFormed();

const TEXT_MESSAGE = '$property must be non-empty text without lone surrogates';

export const IsText = () => rule('isText', isText, TEXT_MESSAGE);

/**
 * D15: a character that shows. Spaces, line breaks, control characters and the zero-width
 * (default-ignorable) ones do not: a text of only those would be billed as an empty message.
 */
const VISIBLE_CHARACTER = /[^\s\p{Cc}\p{Default_Ignorable_Code_Point}]/u;

/** A text a message carries (its text, a button's caption): text with a visible character. */
const isMessageText = (value: unknown): value is string =>
  isText(value) && VISIBLE_CHARACTER.test(value);

const messageTextProblem = ({ value }: ValidationArguments) =>
  typeof value === 'string' && value.isWellFormed()
    ? '$property must have a visible character, not only spaces, line breaks or zero-width characters'
    : TEXT_MESSAGE;

/** The text of a message or of a button (D15). */
export const IsMessageText = () => rule('isMessageText', isMessageText, messageTextProblem);

/**
 * An optional message text (D15). Not `@IsOptional()`: that would also skip the combination
 * rules that share the `text` property and must run when text is absent.
 */
export const IsOptionalMessageText = () =>
  rule(
    'isOptionalMessageText',
    (value) => !isPresent(value) || isMessageText(value),
    messageTextProblem,
  );

export const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string' || !value.isWellFormed() || hasUrlUnsafeCharacter(value)) {
    return false;
  }
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

export const IsHttpUrl = () =>
  rule(
    'isHttpUrl',
    isHttpUrl,
    '$property must be an absolute http(s) URL without spaces or control characters',
  );

/**
 * A `Date` (written in Moscow time) or a strict `YYYY-MM-DD HH:MM` string (Moscow time), in the
 * future and before year 10000.
 */
export const IsValidUntil = () =>
  rule(
    'isValidUntil',
    (value) => validUntilProblem(value, Date.now()) === undefined,
    ({ value }) => `$property ${validUntilProblem(value, Date.now()) ?? 'is invalid'}`,
  );

const INTERNATIONAL_DIGITS = /^\d{1,15}$/;

/** Turns each number into the gateway's international digits; leaves what it cannot read. */
export function normalizePhones(value: unknown): unknown {
  const normalize = (entry: unknown) =>
    typeof entry === 'string' ? (toInternationalDigits(entry) ?? entry) : entry;
  return Array.isArray(value) ? value.map(normalize) : normalize(value);
}

/** What `normalizePhones` made of a readable number; an unreadable one is left as typed. */
const isNormalizedPhone = (value: unknown) =>
  typeof value === 'string' &&
  INTERNATIONAL_DIGITS.test(value) &&
  isPossibleInternationalDigits(value);

const ONE_NUMBER_RULE =
  'must be exactly one phone number (spaces, dashes, brackets, a leading + or 8 are fine)';

/** What is wrong with one entry that `normalizePhones` could not read; never its value. */
function entryProblem(entry: unknown): string {
  if (typeof entry !== 'string') return 'must be a phone number string';
  return phoneProblem(entry) === 'several numbers'
    ? 'holds several numbers in one string: pass them as an array, one number per entry'
    : ONE_NUMBER_RULE;
}

/** Entries named after the index a caller gave them, the first ten. */
const MAX_NAMED_ENTRIES = 10;

/**
 * One phone number or a non-empty array of them, after `normalizePhones`. A bad entry is named
 * by its index (`to[1]`), never quoted: a phone number is personal data.
 */
export const IsPhoneList = () =>
  rule(
    'isPhoneList',
    (value) =>
      Array.isArray(value)
        ? value.length > 0 && value.every(isNormalizedPhone)
        : isNormalizedPhone(value),
    ({ value }) => {
      if (!Array.isArray(value)) {
        return typeof value === 'string'
          ? `$property ${entryProblem(value)}`
          : '$property must be a phone number or an array of them';
      }
      if (value.length === 0) return '$property must name at least one recipient';
      const bad = value.flatMap((entry, index) =>
        isNormalizedPhone(entry) ? [] : [`$property[${index}] ${entryProblem(entry)}`],
      );
      const more = bad.length - MAX_NAMED_ENTRIES;
      return (
        bad.slice(0, MAX_NAMED_ENTRIES).join('; ') +
        (more > 0 ? `; and ${more} more entries are not phone numbers` : '')
      );
    },
  );

/** An e-mail address; checked for lone surrogates first, on which validator.js throws. */
export const IsEmailAddress = () =>
  rule(
    'isEmailAddress',
    (value) => isText(value) && isEmail(value),
    '$property must be an email address',
  );

export const IsPhone = () =>
  rule('isPhone', isNormalizedPhone, ({ value }) => `$property ${entryProblem(value)}`);
