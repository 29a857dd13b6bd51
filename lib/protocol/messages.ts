import type { Channel, ContentChannel, SenderChannel } from './channels.js';

/** The shapes the encoder reads; the DTO classes implement them. */
export interface Button {
  text: string;
  url: string;
}

/** A channel's content tagged with its channel: a fallback, or a cascade's primary. */
export interface ChannelContent {
  channel: ContentChannel;
  text?: string;
  button?: Button;
  imageUrl?: string;
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

export type Senders = Partial<Record<SenderChannel, string>>;

export type Credentials =
  { user: string; password: string } | { token: string } | { user: string; tokenHash: string };

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
