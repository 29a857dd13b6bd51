import type { Channel, FallbackChannel } from '../protocol/channels.js';
import type { Button } from '../protocol/messages.js';

/**
 * The types of a fallback's and a cascade primary's content, one per channel, so that the
 * compiler refuses what the gateway would: an image in an SMS, a fallback channel the message's
 * channel does not allow, content on a fallback that re-sends. The DTO classes check the same at
 * run time, for plain JavaScript and request bodies.
 */

/** SMS content: text only. */
export interface SmsContent {
  /** The channel: `sms`. */
  channel: 'sms';
  /** The SMS text, non-empty. */
  text: string;
  /** The SMS sender; defaults to the `senders` option's. */
  from?: string;
  /** None: an sms carries text only. */
  button?: never;
  /** None: an sms carries text only. */
  imageUrl?: never;
}

/** Rich content of text alone. */
export interface RichText {
  /** The message text, non-empty. */
  text: string;
  /** None here: see `RichTextWithButton`. */
  button?: never;
  /** None: an image goes with text only under a button. */
  imageUrl?: never;
}

/** Rich content of text and a button, and maybe an image. */
export interface RichTextWithButton {
  /** The message text, non-empty. */
  text: string;
  /** The button under the text: its caption and an http(s) link. */
  button: Button;
  /** An http(s) URL of an image to show above the text. */
  imageUrl?: string;
}

/** Rich content of an image alone. */
export interface RichImage {
  /** An http(s) URL of the image. */
  imageUrl: string;
  /** None: text makes it `RichText` or `RichTextWithButton`. */
  text?: never;
  /** None: a button needs text. */
  button?: never;
}

/**
 * Content on a Viber, Telegram or WhatsApp channel `C`: text, text + button,
 * text + button + image, or an image alone (docs/protocol.md §2).
 */
export type RichContent<C extends Channel<'rich'> = Channel<'rich'>> =
  C extends Channel<'rich'>
    ? { channel: C; /** The sender on `C`. */ from?: string } & (
        RichText | RichTextWithButton | RichImage
      )
    : never;

/** Content of its own on channel `C`. */
export type ContentOn<C extends Channel<'content'>> = C extends 'sms'
  ? SmsContent
  : C extends Channel<'rich'>
    ? RichContent<C>
    : never;

/**
 * A fallback on the channel the message went out on: the gateway re-sends the message there,
 * so it takes no content or sender of its own.
 */
export interface ResendOn<C extends Channel<'content'>> {
  /** The message's own channel. */
  channel: C;
  /** None: the message's own text is re-sent. */
  text?: never;
  /** None: the message's own button is re-sent. */
  button?: never;
  /** None: the message's own image is re-sent. */
  imageUrl?: never;
  /** None: the message's own sender re-sends it. */
  from?: never;
}

/**
 * The fallback a message on channel `C` may carry: one of the channels its wire table allows
 * (docs/protocol.md §2), a re-send on `C` itself, content of its own on another.
 */
export type FallbackOf<C extends Channel> = {
  [F in FallbackChannel<C>]: F extends C ? ResendOn<F> : ContentOn<F>;
}[FallbackChannel<C>];

/** @deprecated Use `Channel<'cascade'>`. */
export type CascadeChannel = Channel<'cascade'>;

/** A cascade's primary: content of its own on a `Channel<'cascade'>` (viber or sms). */
export type CascadePrimary = { [P in Channel<'cascade'>]: ContentOn<P> }[Channel<'cascade'>];

/**
 * A cascade's fallback when its primary is on `P`: what `P`'s wire table allows, a re-send on
 * `P` or content of its own on the other channel. By default either primary's.
 */
export type CascadeFallback<P extends Channel<'cascade'> = Channel<'cascade'>> =
  P extends Channel<'cascade'> ? FallbackOf<P> : never;

/**
 * What `sendCascade` adds to `SendCascadeDto`: the fallback its primary's channel `P` allows.
 * The compiler infers `P` from `primary.channel`; for a `SendCascadeDto` of a request body, `P`
 * is either channel and the DTO relates the two at run time.
 */
export interface CascadeOn<P extends Channel<'cascade'>> {
  /** The primary, on `P`. */
  primary: {
    /** The primary's channel, from which the compiler infers `P`. */
    channel: P;
  };
  /** A fallback `P` allows. */
  fallback: CascadeFallback<P>;
}

/** The voices of a voice call: 1–4 male, 5–8 female. */
export type VoiceNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
