import { Transform, Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import type { Channel } from '../protocol/channels.js';
import type { Button, ChannelContent } from '../protocol/messages.js';
import { IsChannelOfItsPlace, IsContentOfItsChannel, type ContentPlace } from './content.rules.js';
import {
  IsHttpUrl,
  IsOptionalMessageText,
  IsPhoneList,
  IsMessageText,
  IsText,
  normalizePhones,
} from './rules.js';

/** A button under a rich message (wire `button_*` and `action_*`, docs/protocol.md §2). */
export class ButtonDto implements Button {
  /** The button's caption, non-empty. */
  @IsMessageText()
  text!: string;

  /** The http(s) link the button opens. */
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
  /** The sender name (wire `sadr`, `sender_viber`, `name_clients_*`); defaults to `options.senders`. */
  @IsOptional()
  @IsText()
  from?: string;
}

/**
 * A channel's content tagged with its channel: a fallback or a cascade's primary. The DTOs'
 * fields type it per channel (`FallbackOf`, `CascadePrimary`); this class checks it at run time.
 */
export class ChannelContentDto implements ChannelContent {
  /** The channel this content goes out on (wire `type_send_1` or `type_send_2`). */
  @IsChannelOfItsPlace()
  channel!: Channel<'content'>;

  /** The text; an `sms` carries text only. */
  @IsContentOfItsChannel()
  @IsOptionalMessageText()
  text?: string;

  /** A button under the text (rich channels only). */
  @IsContentOfItsChannel()
  @IsOptional()
  @ValidateNested()
  @Type(() => ButtonDto)
  button?: ButtonDto;

  /** An http(s) URL of an image (rich channels only). */
  @IsContentOfItsChannel()
  @IsOptional()
  @IsHttpUrl()
  imageUrl?: string;

  /** The sender name on this channel; defaults to `options.senders`. */
  @IsContentOfItsChannel()
  @IsOptional()
  @IsText()
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
