import {
  isEmail,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { CHANNEL_TABLES, CONTENT_CHANNELS, type Channel } from '../protocol/channels.js';
import type { ChannelContent } from '../protocol/messages.js';
import { validUntilProblem } from '../protocol/moscow-time.js';
import {
  isPossibleInternationalDigits,
  phoneProblem,
  toInternationalDigits,
} from '../protocol/phone.js';
import { hasUrlUnsafeCharacter } from '../protocol/query.js';

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

type Content = Partial<ChannelContent> & Record<string, unknown>;

/** The content fields a combination rule may report on, and the problem with each. */
type ContentField = 'text' | 'button' | 'imageUrl' | 'from';
type Problems = Partial<Record<ContentField, string>>;

/**
 * A rule that checks several fields of one object together and reports each problem on the
 * field that is wrong: put it on every field it may report on.
 */
function combinationRule(name: string, problemsOf: (object: Content) => Problems) {
  const problemOf = (args: ValidationArguments) =>
    problemsOf(args.object as Content)[args.property as ContentField];
  return (): PropertyDecorator => (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args) => problemOf(args) ?? '' },
      validator: { validate: (_value, args) => problemOf(args!) === undefined },
    });
}

const RICH_COMBINATIONS = 'text, text + button, text + button + image, or an image alone';

/**
 * docs/protocol.md §2: text; text + button; text + button + image; image alone. A button
 * without text is a missing text; text and an image without a button, an image too many.
 */
function richProblems(o: Content): Problems {
  const text = isPresent(o.text);
  const button = isPresent(o.button);
  const image = isPresent(o.imageUrl);
  if (!text && !button && !image)
    return { text: `$property is missing: content must be ${RICH_COMBINATIONS}` };
  if (button && !text)
    return { text: `$property is missing: a button needs text (${RICH_COMBINATIONS})` };
  if (image && text && !button) {
    return {
      imageUrl: `$property goes with text only under a button: content must be ${RICH_COMBINATIONS}`,
    };
  }
  return {};
}

/**
 * On a rich channel's DTO (put it on `text` and `imageUrl`): its content is one of the four
 * combinations the gateway takes, each refusal on the field that is wrong.
 */
export const IsRichContent = combinationRule('isRichContent', richProblems);

/** D10: voice needs text to speak, an audio URL, or both (the vendor's example sends both). */
export const IsVoiceSource = () =>
  rule(
    'isVoiceSource',
    (_value, object) => isPresent(object.text) || isPresent(object.audioUrl),
    'a voice message needs text or audioUrl, or both',
  );

/**
 * Where a `ChannelContentDto` sits: a message's fallback or a cascade's primary, the channels
 * allowed there, and the channel of the message holding it. A content validated on its own has
 * none: any content channel, and content may be absent.
 */
export interface ContentPlace {
  role: 'fallback' | 'primary';
  allowed: readonly Channel<'content'>[];
  /** The channel of the message holding a fallback: a fallback on it re-sends the message. */
  primary?: Channel;
}

/** The place of a content: a static `place` of its class (see `channelContentAt`). */
const placeOf = (object: object): ContentPlace | undefined =>
  (object.constructor as { place?: ContentPlace }).place;

const allowedChannels = (object: object): readonly Channel<'content'>[] =>
  placeOf(object)?.allowed ?? CONTENT_CHANNELS;

/** On a `ChannelContentDto`'s `channel`: a channel its place allows. */
export const IsChannelOfItsPlace = () =>
  rule(
    'isChannelOfItsPlace',
    (value, object) => allowedChannels(object).includes(value as Channel<'content'>),
    ({ object }) => `$property must be one of ${allowedChannels(object).join(', ')}`,
  );

/** A channel of text only, as an SMS (its wire table's `kind`). */
const carriesTextOnly = (o: Content) =>
  typeof o.channel === 'string' &&
  Object.hasOwn(CHANNEL_TABLES, o.channel) &&
  CHANNEL_TABLES[o.channel].kind === 'text';

const hasContentOn = (o: Content) =>
  carriesTextOnly(o)
    ? isPresent(o.text)
    : isPresent(o.text) || isPresent(o.button) || isPresent(o.imageUrl);

function contentProblems(o: Content): Problems {
  // On a channel its place does not allow, the channel is the problem (see IsChannelOfItsPlace).
  const place = allowedChannels(o).includes(o.channel as Channel<'content'>)
    ? placeOf(o)
    : undefined;
  if (place?.role === 'fallback' && o.channel === place.primary) {
    // The gateway re-sends the primary's message on its own channel.
    const resend = `a fallback on the primary's own channel (${place.primary}) re-sends its message`;
    const problems: Problems = {};
    for (const field of ['text', 'button', 'imageUrl'] as const) {
      if (isPresent(o[field]))
        problems[field] = `$property is not allowed: ${resend} and takes no content of its own`;
    }
    if (isPresent(o.from))
      problems.from = `$property is not allowed: ${resend} and takes no sender of its own`;
    return problems;
  }
  const problems: Problems = {};
  if (carriesTextOnly(o)) {
    for (const field of ['button', 'imageUrl'] as const) {
      if (isPresent(o[field]))
        problems[field] = `$property is not allowed: an ${o.channel} carries text only`;
    }
  } else if (hasContentOn(o)) {
    Object.assign(problems, richProblems(o));
  }
  if (place && !hasContentOn(o) && problems.text === undefined) {
    problems.text =
      place.role === 'primary'
        ? `$property is missing: the primary needs content of its own`
        : `$property is missing: a fallback on ${String(o.channel)} needs content of its own`;
  }
  return problems;
}

/**
 * On a `ChannelContentDto` (put it on `text`, `button`, `imageUrl` and `from`): what its channel
 * and its place allow, each refusal on the field that is wrong. A fallback on the message's own
 * channel re-sends the message and carries nothing; any other fallback, and a cascade's primary,
 * carries content of its own: text for an sms, one of the four combinations on a rich channel.
 */
export const IsContentOfItsChannel = combinationRule('isContentOfItsChannel', contentProblems);

/** A fallback's or a cascade primary's value: an object (its fields are checked inside it). */
export const IsContentObject = () =>
  rule(
    'isContentObject',
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    '$property must be an object: content tagged with its channel',
  );
