import { Transform, Type } from 'class-transformer';
import { IsOptional, IsString, IsNotEmpty, ValidateNested } from 'class-validator';
import type { ContentChannel } from '../protocol/channels.js';
import type { Button, ChannelContent } from '../protocol/messages.js';
import {
  IsChannelOfItsPlace,
  IsContentOfItsChannel,
  type ContentPlace,
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

/**
 * A channel's content tagged with its channel: a fallback or a cascade's primary. The DTOs'
 * fields type it per channel (`FallbackOf`, `CascadePrimary`); this class checks it at run time.
 */
export class ChannelContentDto implements ChannelContent {
  @IsChannelOfItsPlace()
  channel!: ContentChannel;

  @IsContentOfItsChannel()
  @IsOptionalText()
  text?: string;

  @IsContentOfItsChannel()
  @IsOptional()
  @ValidateNested()
  @Type(() => ButtonDto)
  button?: ButtonDto;

  @IsContentOfItsChannel()
  @IsOptional()
  @IsHttpUrl()
  imageUrl?: string;

  @IsContentOfItsChannel()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  from?: string;
}

const placed = new Map<string, typeof ChannelContentDto>();

/**
 * `ChannelContentDto` as checked at `place`: a subclass whose static `place` its rules read, so
 * that each refusal names the field that is wrong (`fallback.channel`, `fallback.imageUrl`)
 * rather than the whole fallback. One class per place, made once.
 */
export function channelContentAt(place: ContentPlace): typeof ChannelContentDto {
  const key = `${place.role}:${place.allowed.join(',')}:${place.primary ?? ''}`;
  let dto = placed.get(key);
  if (!dto) {
    dto = class PlacedChannelContentDto extends ChannelContentDto {
      static readonly place = place;
    };
    placed.set(key, dto);
  }
  return dto;
}
