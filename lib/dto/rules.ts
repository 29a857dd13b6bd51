import {
  isEmail,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import type { Channel, ContentChannel } from '../protocol/channels.js';
import type { ChannelContent } from '../protocol/messages.js';
import { validUntilProblem } from '../protocol/moscow-time.js';
import {
  isPossibleInternationalDigits,
  phoneProblem,
  toInternationalDigits,
} from '../protocol/phone.js';

/** A custom class-validator rule, so the DTOs work the same under Nest's ValidationPipe. */
function rule(
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

const isPresent = (value: unknown) => value !== undefined && value !== null;

/** Text that UTF-8 can carry: a lone surrogate cannot be percent-encoded. */
const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.isWellFormed();

const TEXT_MESSAGE = '$property must be non-empty text without lone surrogates';

export const IsText = () => rule('isText', isText, TEXT_MESSAGE);

/**
 * Optional text. Not `@IsOptional()`: that would also skip the combination rules that share
 * the `text` property and must run when text is absent.
 */
export const IsOptionalText = () =>
  rule('isOptionalText', (value) => !isPresent(value) || isText(value), TEXT_MESSAGE);

/**
 * Whitespace and control characters: the URL parser strips or encodes them, so a URL holding
 * them would pass the parse and reach the wire verbatim.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const URL_FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f]/;

export const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string' || !value.isWellFormed() || URL_FORBIDDEN.test(value)) {
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

type Content = Partial<ChannelContent> & Record<string, unknown>;

const hasContent = (o: Content) =>
  isPresent(o.text) || isPresent(o.button) || isPresent(o.imageUrl);

/** docs/protocol.md §2: text; text + button; text + button + image; image alone. */
function isRichCombination(o: Content): boolean {
  const text = isPresent(o.text);
  const button = isPresent(o.button);
  const image = isPresent(o.imageUrl);
  return (text && (button || !image)) || (image && !text && !button);
}

const RICH_COMBINATIONS = 'text, text + button, text + button + image, or an image alone';

/** On a rich channel's DTO: its content is one of the four combinations the gateway takes. */
export const IsRichContent = () =>
  rule(
    'isRichContent',
    (_value, object) => isRichCombination(object),
    `content must be ${RICH_COMBINATIONS}`,
  );

/** D10: voice needs text to speak, an audio URL, or both (the vendor's example sends both). */
export const IsVoiceSource = () =>
  rule(
    'isVoiceSource',
    (_value, object) => isPresent(object.text) || isPresent(object.audioUrl),
    'a voice message needs text or audioUrl, or both',
  );

/**
 * On a `ChannelContentDto`: what its own channel allows. Content may be absent here; whether it
 * is needed depends on the primary channel (see `IsFallbackFor`).
 */
export const IsContentOfItsChannel = () =>
  rule(
    'isContentOfItsChannel',
    (_value, object) => {
      const content = object as Content;
      if (!hasContent(content)) return true;
      if (content.channel === 'sms')
        return !isPresent(content.button) && !isPresent(content.imageUrl);
      return isRichCombination(content);
    },
    ({ object }) =>
      (object as Content).channel === 'sms'
        ? 'an sms carries text only'
        : `content must be ${RICH_COMBINATIONS}`,
  );

function contentProblem(content: Content, primary: Channel | undefined): string | undefined {
  if (content.channel === primary) {
    return hasContent(content) || isPresent(content.from)
      ? `a fallback on the primary's own channel (${primary}) re-sends its message and takes no content or sender of its own`
      : undefined;
  }
  if (!hasContent(content))
    return `a fallback on ${String(content.channel)} needs content of its own`;
  return undefined;
}

/**
 * The fallback is one of `allowed` (docs/protocol.md §2) and carries content unless it is the
 * primary's own channel. `primaryOf` names the primary channel of the object holding it.
 */
export function IsFallbackFor(
  allowed: readonly ContentChannel[],
  primaryOf: (object: Record<string, unknown>) => Channel | undefined,
): PropertyDecorator {
  const problem = (value: unknown, object: Record<string, unknown>) => {
    if (typeof value !== 'object' || value === null) return 'must be an object';
    const content = value as Content;
    if (!allowed.includes(content.channel as ContentChannel)) {
      return `channel must be one of ${allowed.join(', ')}`;
    }
    return contentProblem(content, primaryOf(object));
  };
  return rule(
    'isFallbackFor',
    (value, object) => problem(value, object) === undefined,
    ({ value, object }) => `$property: ${problem(value, object as Record<string, unknown>)}`,
  );
}

/** A cascade's primary: one of `allowed`, with content of its own. */
export const IsPrimaryContent = (allowed: readonly ContentChannel[]) =>
  rule(
    'isPrimaryContent',
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      allowed.includes((value as Content).channel as ContentChannel) &&
      hasContent(value as Content),
    `$property must be content on one of ${allowed.join(', ')}`,
  );
