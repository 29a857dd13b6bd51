import { registerDecorator, type ValidationArguments } from 'class-validator';
import { CHANNEL_TABLES, CONTENT_CHANNELS, type Channel } from '../protocol/channels.js';
import type { ChannelContent } from '../protocol/messages.js';
import { isPresent, rule } from './rules.js';

/**
 * The rules that read several content fields together: the four rich combinations, D10's voice
 * source, and what a fallback or a cascade's primary may carry where it sits.
 */

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
