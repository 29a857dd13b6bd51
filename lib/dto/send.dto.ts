import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { CHANNEL_TABLES, type Channel } from '../protocol/channels.js';
import type { Cascade, OutgoingMessage } from '../protocol/messages.js';
import { ButtonDto, ChannelContentDto, RecipientsDto, SenderDto } from './content.dto.js';
import {
  IsFallbackFor,
  IsHttpUrl,
  IsVoiceSource,
  IsOptionalText,
  IsPrimaryContent,
  IsRichContent,
  IsText,
  IsValidUntil,
} from './rules.js';

/** The fallback a DTO of `channel` allows, as PROTOCOL.md §2's table says. */
const Fallback = (channel: Channel): PropertyDecorator => {
  const decorators = [
    IsOptional(),
    ValidateNested(),
    Type(() => ChannelContentDto),
    IsFallbackFor(CHANNEL_TABLES[channel].fallbacks, () => channel),
  ];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
};

export class SendSmsDto extends SenderDto implements OutgoingMessage {
  @IsText()
  text!: string;

  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;

  @Fallback('sms')
  fallback?: ChannelContentDto;
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

  @IsOptional()
  @IsHttpUrl()
  imageUrl?: string;

  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;
}

export class SendViberDto extends RichMessageDto {
  @Fallback('viber')
  fallback?: ChannelContentDto;
}

export class SendTelegramDto extends RichMessageDto {
  @Fallback('telegram')
  fallback?: ChannelContentDto;
}

export class SendWhatsappDto extends RichMessageDto {
  @Fallback('whatsapp')
  fallback?: ChannelContentDto;
}

export class SendVoiceDto extends SenderDto implements OutgoingMessage {
  @IsVoiceSource()
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
  voice?: number;

  @Fallback('voice')
  fallback?: ChannelContentDto;
}

const CASCADE_CHANNELS = ['viber', 'sms'] as const;

/** Primary content on one channel, and the channel the gateway falls back to (PROTOCOL.md §1.5). */
export class SendCascadeDto extends RecipientsDto implements Cascade {
  @IsPrimaryContent(CASCADE_CHANNELS)
  @ValidateNested()
  @Type(() => ChannelContentDto)
  primary!: ChannelContentDto;

  @IsFallbackFor(CASCADE_CHANNELS, (cascade) => (cascade.primary as ChannelContentDto)?.channel)
  @ValidateNested()
  @Type(() => ChannelContentDto)
  fallback!: ChannelContentDto;

  @IsOptional()
  @IsValidUntil()
  validUntil?: Date | string;
}

export class SendFlashcallDto extends RecipientsDto implements OutgoingMessage {}
