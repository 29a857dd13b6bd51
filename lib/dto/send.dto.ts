import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { CHANNEL_TABLES, CHANNELS, type Channel } from '../protocol/channels.js';
import type { Cascade, OutgoingMessage } from '../protocol/messages.js';
import type {
  CascadeChannel,
  CascadeFallback,
  CascadePrimary,
  FallbackOf,
  VoiceNumber,
} from './channel-content.types.js';
import { ButtonDto, channelContentAt, RecipientsDto, SenderDto } from './content.dto.js';
import {
  IsContentObject,
  IsHttpUrl,
  IsOneVoiceSource,
  IsOptionalText,
  IsRichContent,
  IsText,
  IsValidUntil,
} from './rules.js';

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

export class SendSmsDto extends SenderDto implements OutgoingMessage {
  @IsText()
  text!: string;

  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;

  @Fallback('sms')
  fallback?: FallbackOf<'sms'>;
}

/** Viber, Telegram and WhatsApp carry the same content; they differ in their fallbacks. */
abstract class RichMessageDto extends SenderDto implements OutgoingMessage {
  @IsRichContent()
  @IsOptionalText()
  text?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ButtonDto)
  button?: ButtonDto;

  @IsRichContent()
  @IsOptional()
  @IsHttpUrl()
  imageUrl?: string;

  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;
}

export class SendViberDto extends RichMessageDto {
  @Fallback('viber')
  fallback?: FallbackOf<'viber'>;
}

export class SendTelegramDto extends RichMessageDto {
  @Fallback('telegram')
  fallback?: FallbackOf<'telegram'>;
}

export class SendWhatsappDto extends RichMessageDto {
  @Fallback('whatsapp')
  fallback?: FallbackOf<'whatsapp'>;
}

export class SendVoiceDto extends SenderDto implements OutgoingMessage {
  @IsOneVoiceSource()
  @IsOptionalText()
  text?: string;

  @IsOptional()
  @IsHttpUrl()
  audioUrl?: string;

  /** `true` sends `voice_ivr` rather than `voice`. */
  @IsOptional()
  @IsBoolean()
  ivr?: boolean;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(35)
  waitSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(3600)
  retryIntervalSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  attempts?: number;

  /** 1–4 male voices, 5–8 female. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(8)
  voice?: VoiceNumber;

  @Fallback('voice')
  fallback?: FallbackOf<'voice'>;
}

const CASCADE_CHANNELS = Object.keys({
  viber: true,
  sms: true,
} satisfies Record<CascadeChannel, true>) as CascadeChannel[];

/** The cascade's primary channel in the request, if it is one: its fallback's place. */
const primaryChannelOf = (cascade: unknown): Channel | undefined => {
  const channel = (cascade as { primary?: { channel?: unknown } } | undefined)?.primary?.channel;
  return CHANNELS.find((known) => known === channel);
};

/** Primary content on one channel, and the channel the gateway falls back to (docs/protocol.md §1.5). */
export class SendCascadeDto extends RecipientsDto implements Cascade {
  @IsContentObject()
  @ValidateNested()
  @Type(() => channelContentAt({ role: 'primary', allowed: CASCADE_CHANNELS }))
  primary!: CascadePrimary;

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

  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;
}

export class SendFlashcallDto extends RecipientsDto implements OutgoingMessage {}
