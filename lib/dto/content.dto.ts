import { Transform, Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsNotEmpty, ValidateNested } from 'class-validator';
import { CONTENT_CHANNELS, type ContentChannel } from '../protocol/channels.js';
import type { Button, ChannelContent } from '../protocol/messages.js';
import {
  IsContentOfItsChannel,
  IsHttpUrl,
  IsOptionalText,
  IsPhoneList,
  IsText,
  normalizePhones,
} from './rules.js';

export class ButtonDto implements Button {
  @IsText()
  text!: string;

  @IsHttpUrl()
  url!: string;
}

/** Recipients of every send: what people type, sent as international digits. */
export abstract class RecipientsDto {
  @Transform(({ value }) => normalizePhones(value))
  @IsPhoneList()
  to!: string | string[];
}

/** A sender name, optional where `options.senders` names one for the channel. */
export abstract class SenderDto extends RecipientsDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  from?: string;
}

/** A channel's content tagged with its channel: a fallback or a cascade's primary. */
export class ChannelContentDto implements ChannelContent {
  @IsIn(CONTENT_CHANNELS)
  channel!: ContentChannel;

  @IsContentOfItsChannel()
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
  @IsString()
  @IsNotEmpty()
  from?: string;
}
