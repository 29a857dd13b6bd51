import type { Channel } from './channels.js';

/** The shapes the encoder reads; the DTO classes implement them. */
export interface Button {
  /** The button's caption. */
  text: string;
  /** The http(s) link the button opens. */
  url: string;
}

/** A channel's content tagged with its channel: a fallback, or a cascade's primary. */
export interface ChannelContent {
  /** The channel this content goes out on. */
  channel: Channel<'content'>;
  /** The text; an `sms` carries text only. */
  text?: string;
  /** A button under the text (rich channels only). */
  button?: Button;
  /** An http(s) URL of an image (rich channels only). */
  imageUrl?: string;
  /** The sender name on this channel; defaults to `options.senders`. */
  from?: string;
}

/** Every field any send can carry; each channel's table says which of them it uses. */
export interface OutgoingMessage {
  /** One number or several; a number given twice gets one message (see `RecipientsDto.to`). */
  to: string | string[];
  from?: string;
  text?: string;
  button?: Button;
  imageUrl?: string;
  audioUrl?: string;
  ivr?: boolean;
  waitSeconds?: number;
  retryIntervalSeconds?: number;
  attempts?: number;
  voice?: number;
  validUntil?: Date | string;
  fallback?: ChannelContent;
}

/** The default sender name per channel, used when a send gives no `from`. */
export type Senders = Partial<Record<Channel<'sender'>, string>>;

/** How the account signs in, in one of three forms (docs/protocol.md §1). */
export type Credentials =
  | {
      /** The account's login (wire `user`). */
      user: string;
      /** The account's password (wire `pwd`). */
      password: string;
    }
  | {
      /** The account's API token (wire `token`). */
      token: string;
    }
  | {
      /** The account's login (wire `user`). */
      user: string;
      /** The token's MD5 as lower-case hex (wire `token_hash`); see `tokenHash()`. */
      tokenHash: string;
    };

/** A cascade: content on a primary channel, and the channel the gateway falls back to. */
export interface Cascade {
  to: string | string[];
  primary: ChannelContent;
  fallback: ChannelContent;
  validUntil?: Date | string;
}

/** A cascade as the send of its primary channel with a fallback, which is what the wire carries. */
export function cascadeAsSend(cascade: Cascade): [Channel, OutgoingMessage] {
  const { channel, ...content } = cascade.primary;
  return [
    channel,
    { ...content, to: cascade.to, validUntil: cascade.validUntil, fallback: cascade.fallback },
  ];
}

/** The texts a message carries (its own, its button's, its fallback's): personal data. */
export function messageTexts(message: OutgoingMessage): string[] {
  const texts = [message.text, message.button?.text, message.fallback?.text];
  texts.push(message.fallback?.button?.text);
  return texts.filter((text): text is string => typeof text === 'string' && text !== '');
}
