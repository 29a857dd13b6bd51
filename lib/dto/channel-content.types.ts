import type {
  Channel,
  ContentChannel,
  FallbackChannel,
  RichChannel,
} from '../protocol/channels.js';
import type { Button } from '../protocol/messages.js';

/**
 * The types of a fallback's and a cascade primary's content, one per channel, so that the
 * compiler refuses what the gateway would: an image in an SMS, a fallback channel the message's
 * channel does not allow, content on a fallback that re-sends. The DTO classes check the same at
 * run time, for plain JavaScript and request bodies.
 */

/** SMS content: text only. */
export interface SmsContent {
  channel: 'sms';
  text: string;
  /** The SMS sender; defaults to the `senders` option's. */
  from?: string;
  button?: never;
  imageUrl?: never;
}

/** Rich content of text alone. */
export interface RichText {
  text: string;
  button?: never;
  imageUrl?: never;
}

/** Rich content of text and a button, and maybe an image. */
export interface RichTextWithButton {
  text: string;
  button: Button;
  imageUrl?: string;
}

/** Rich content of an image alone. */
export interface RichImage {
  imageUrl: string;
  text?: never;
  button?: never;
}

/**
 * Content on a Viber, Telegram or WhatsApp channel `C`: text, text + button,
 * text + button + image, or an image alone (docs/protocol.md §2).
 */
export type RichContent<C extends RichChannel = RichChannel> = C extends RichChannel
  ? { channel: C; /** The sender on `C`. */ from?: string } & (
      RichText | RichTextWithButton | RichImage
    )
  : never;

/** Content of its own on channel `C`. */
export type ContentOn<C extends ContentChannel> = C extends 'sms'
  ? SmsContent
  : C extends RichChannel
    ? RichContent<C>
    : never;

/**
 * A fallback on the channel the message went out on: the gateway re-sends the message there,
 * so it takes no content or sender of its own.
 */
export interface ResendOn<C extends ContentChannel> {
  channel: C;
  text?: never;
  button?: never;
  imageUrl?: never;
  from?: never;
}

/**
 * The fallback a message on channel `C` may carry: one of the channels its wire table allows
 * (docs/protocol.md §2), a re-send on `C` itself, content of its own on another.
 */
export type FallbackOf<C extends Channel> = {
  [F in FallbackChannel<C>]: F extends C ? ResendOn<F> : ContentOn<F>;
}[FallbackChannel<C>];

/** The channels a cascade's primary may be on (docs/protocol.md §1.5). */
export type CascadeChannel = 'viber' | 'sms';

/** A cascade's primary: content of its own on viber or sms. */
export type CascadePrimary = { [P in CascadeChannel]: ContentOn<P> }[CascadeChannel];

/**
 * A cascade's fallback: what its primary's channel allows. The compiler does not relate it to
 * the primary (a re-send is valid only on the primary's own channel); the DTO checks that at
 * run time.
 */
export type CascadeFallback = { [P in CascadeChannel]: FallbackOf<P> }[CascadeChannel];

/** The voices of a voice call: 1–4 male, 5–8 female. */
export type VoiceNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
