import { Transform, Type } from 'class-transformer';
import { IsIn, IsOptional, ValidateNested } from 'class-validator';
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
  /**
   * One phone number, or an array of them. Each string is exactly one number as a person types
   * it (`+7 (999) 123-45-67`, `8 999 123 45 67`, `79991234567`); text around it, an extension
   * or several numbers in one string (`79991234567;79997654321`) are refused, naming the entry.
   *
   * Numbers that are the same after normalisation get one message (and one charge): the
   * result's `messages` hold one entry per distinct number, in the order first given, each
   * with its `to`.
   */
  @Transform(({ value }) => normalizePhones(value))
  @IsPhoneList()
  to!: string | string[];
}

/** A sender name, optional where `options.senders` names one for the channel. */
export abstract class SenderDto extends RecipientsDto {
  @IsOptional()
  @IsText()
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
  @IsText()
  from?: string;
}
