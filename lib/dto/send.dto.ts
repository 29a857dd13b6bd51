import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { CASCADE_CHANNELS, CHANNEL_TABLES, CHANNELS, type Channel } from '../protocol/channels.js';
import type { Cascade, OutgoingMessage } from '../protocol/messages.js';
import type {
  CascadeFallback,
  CascadePrimary,
  FallbackOf,
  VoiceNumber,
} from './channel-content.types.js';
import { ButtonDto, channelContentAt, RecipientsDto, SenderDto } from './content.dto.js';
import { IsContentObject, IsRichContent, IsVoiceSource } from './content.rules.js';
import { IsHttpUrl, IsOptionalMessageText, IsMessageText, IsValidUntil } from './rules.js';

const decorators =
  (...all: PropertyDecorator[]): PropertyDecorator =>
  (target, property) =>
    all.forEach((decorate) => decorate(target, property));

/** The fallback a DTO of `channel` allows, as its wire table says (docs/protocol.md §2). */
const Fallback = (channel: Channel) =>
  decorators(
    IsOptional(),
    IsContentObject(),
    ValidateNested(),
    Type(() =>
      channelContentAt({
        role: 'fallback',
        allowed: CHANNEL_TABLES[channel].fallbacks,
        primary: channel,
      }),
    ),
  );

/** An SMS: `WebcomService.sendSms` (docs/protocol.md §2, `type_send_1=sms`). */
export class SendSmsDto extends SenderDto implements OutgoingMessage {
  /** The message text (wire `text`), non-empty; long text is split into segments and billed per segment. */
  @IsMessageText()
  text!: string;

  /**
   * Until when the gateway keeps trying to deliver (wire `validity_period`): a `Date`, or
   * `YYYY-MM-DD HH:MM` in Moscow time. The gateway's default is 2 days.
   */
  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;

  /** What the gateway sends instead when the SMS is not delivered: an `sms` or `viber` content. */
  @Fallback('sms')
  fallback?: FallbackOf<'sms'>;
}

/** Viber, Telegram and WhatsApp carry the same content; they differ in their fallbacks. */
abstract class RichMessageDto extends SenderDto implements OutgoingMessage {
  /**
   * The message text (wire `text_viber`, `text_telegram`, `text_whatsapp`). Rich content is text;
   * text and button; text, button and image; or an image alone (docs/protocol.md §2).
   */
  @IsRichContent()
  @IsOptionalMessageText()
  text?: string;

  /** A button under the text: its caption and the link it opens; needs `text`. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ButtonDto)
  button?: ButtonDto;

  /** An http(s) URL of an image to show; with text, only together with a button. */
  @IsRichContent()
  @IsOptional()
  @IsHttpUrl()
  imageUrl?: string;

  /**
   * Until when the gateway keeps trying to deliver (wire `validity_period`, or its `_telegram`
   * and `_whatsapp` forms): a `Date`, or `YYYY-MM-DD HH:MM` in Moscow time. Default 2 days.
   */
  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;
}

/**
 * The DTO of rich channel `C`: the rich content, and the fallback `C`'s wire table allows. Every
 * rich channel's DTO is this factory's class, named for its channel below.
 */
function richMessageDto<C extends Channel<'rich'>>(channel: C) {
  class RichChannelMessageDto extends RichMessageDto {
    /**
     * What the gateway sends instead when the message is not delivered: a re-send on the
     * message's own channel, or `sms` content (its wire table's `fallbacks`).
     */
    @Fallback(channel)
    fallback?: FallbackOf<C>;
  }
  return RichChannelMessageDto;
}

/** A Viber message: `WebcomService.sendViber` (docs/protocol.md §2, `type_send_1=viber`). */
export class SendViberDto extends richMessageDto('viber') {}

/** A Telegram message: `WebcomService.sendTelegram` (docs/protocol.md §2, `type_send_1=telegram`). */
export class SendTelegramDto extends richMessageDto('telegram') {}

/** A WhatsApp message: `WebcomService.sendWhatsapp` (docs/protocol.md §2, `type_send_1=whatsapp`). */
export class SendWhatsappDto extends richMessageDto('whatsapp') {}

/**
 * A voice call: `WebcomService.sendVoice` (docs/protocol.md §2, `type_send_1=voice`). It needs
 * `text`, `audioUrl`, or both.
 */
export class SendVoiceDto extends SenderDto implements OutgoingMessage {
  /** Text the call speaks (wire `text_voice`). */
  @IsVoiceSource()
  @IsOptionalMessageText()
  text?: string;

  /** An http(s) URL of an audio file the call plays (wire `action_voice`). */
  @IsOptional()
  @IsHttpUrl()
  audioUrl?: string;

  /** `true` sends `voice_ivr` rather than `voice`. */
  @IsOptional()
  @IsBoolean()
  ivr?: boolean;

  /** Seconds to wait for the recipient to pick up, 10–35 (wire `waiting_voice`). */
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(35)
  waitSeconds?: number;

  /** Seconds between call attempts, 10–3600 (wire `interval_voice`). */
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(3600)
  retryIntervalSeconds?: number;

  /** How many times to call, 1–9 (wire `dial_voice`). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  attempts?: number;

  /** The speaking voice, 1–8 (wire `gender_voice`): 1–4 male voices, 5–8 female. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(8)
  voice?: VoiceNumber;

  /** What the gateway sends instead when the call does not get through: `viber` or `sms` content. */
  @Fallback('voice')
  fallback?: FallbackOf<'voice'>;
}

/** The cascade's primary channel in the request, if it is one: its fallback's place. */
const primaryChannelOf = (cascade: unknown): Channel | undefined => {
  const channel = (cascade as { primary?: { channel?: unknown } } | undefined)?.primary?.channel;
  return CHANNELS.find((known) => known === channel);
};

/**
 * A cascade: primary content on `viber` or `sms`, and the channel the gateway falls back to
 * (docs/protocol.md §2, vendor §1.5). `WebcomService.sendCascade`.
 */
export class SendCascadeDto extends RecipientsDto implements Cascade {
  /** What is sent first: `viber` or `sms` content (wire `type_send_1`). */
  @IsContentObject()
  @ValidateNested()
  @Type(() => channelContentAt({ role: 'primary', allowed: CASCADE_CHANNELS }))
  primary!: CascadePrimary;

  /** What the gateway sends when the primary is not delivered: `viber` or `sms` content (wire `type_send_2`); on the primary's own channel, a re-send. */
  @IsContentObject()
  @ValidateNested()
  @Type((help) =>
    channelContentAt({
      role: 'fallback',
      allowed: CASCADE_CHANNELS,
      primary: primaryChannelOf(help?.object),
    }),
  )
  fallback!: CascadeFallback;

  /**
   * Until when the gateway keeps trying to deliver (wire `validity_period`): a `Date`, or
   * `YYYY-MM-DD HH:MM` in Moscow time. The gateway's default is 2 days.
   */
  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;
}

/**
 * A flashcall: a missed call whose caller number carries a code (`type_send_1=flashcall`). Read
 * the code back with `WebcomService.getStatus` (`MessageStatus.code`).
 */
export class SendFlashcallDto extends RecipientsDto implements OutgoingMessage {}
