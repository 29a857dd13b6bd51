import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import type { Channel, ContentChannel } from '../protocol/channels.js';
import type { ChannelContent } from '../protocol/messages.js';
import { isWireDate } from '../protocol/moscow-time.js';
import { isPossibleInternationalDigits, toInternationalDigits } from '../protocol/phone.js';

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

export const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

export const IsHttpUrl = () =>
  rule('isHttpUrl', isHttpUrl, '$property must be an absolute http(s) URL');

/** A `Date` (written in Moscow time) or a strict `YYYY-MM-DD HH:MM` string. */
export const IsValidUntil = () =>
  rule(
    'isValidUntil',
    (value) =>
      value instanceof Date
        ? !Number.isNaN(value.getTime())
        : typeof value === 'string' && isWireDate(value),
    '$property must be a valid Date or a real date written YYYY-MM-DD HH:MM',
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

/** One phone number or a non-empty array of them, after `normalizePhones`. */
export const IsPhoneList = () =>
  rule(
    'isPhoneList',
    (value) =>
      Array.isArray(value)
        ? value.length > 0 && value.every(isNormalizedPhone)
        : isNormalizedPhone(value),
    ({ value }) => {
      if (!Array.isArray(value)) return '$property must be a phone number or an array of them';
      if (value.length === 0) return '$property must name at least one recipient';
      const bad = value.flatMap((entry, index) => (isNormalizedPhone(entry) ? [] : [index]));
      const shown = bad.slice(0, 10).join(', ');
      return `$property entries ${shown}${bad.length > 10 ? ', …' : ''} are not phone numbers`;
    },
  );

export const IsPhone = () => rule('isPhone', isNormalizedPhone, '$property must be a phone number');

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

/** Voice needs exactly one of text to speak or an audio URL. */
export const IsOneVoiceSource = () =>
  rule(
    'isOneVoiceSource',
    (_value, object) => isPresent(object.text) !== isPresent(object.audioUrl),
    'a voice message needs exactly one of text and audioUrl',
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
